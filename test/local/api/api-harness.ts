/** A real HTTP server on port 0 serving the local X-Ray API, and a real @aws-sdk/client-xray for it. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XRayClient } from '@aws-sdk/client-xray';
import { createXrayApiRoute, type XrayApiDeps } from '../../../src/local/api/xray-api-route.js';
import { SamplingRules } from '../../../src/local/sampling/sampling-rules.js';
import { SamplingTargets } from '../../../src/local/sampling/sampling-targets.js';
import { TraceStore } from '../../../src/local/store/trace-store.js';

export interface Harness {
  url: string;
  client: XRayClient;
  store: TraceStore;
  rules: SamplingRules;
  close(): Promise<void>;
}

export async function startApi(overrides: Partial<XrayApiDeps> = {}): Promise<Harness> {
  const store = overrides.store ?? new TraceStore({ maxSegments: 10_000, maxBytes: 64 * 1024 * 1024 });
  const rules = overrides.rules ?? new SamplingRules();
  const targets = overrides.targets ?? new SamplingTargets(rules);
  const route = createXrayApiRoute({ store, rules, targets, claimUnknownPaths: true, ...overrides });
  const server = http.createServer((req, res) => {
    void route(req, res, new URL(req.url ?? '/', 'http://localhost'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new XRayClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
  return {
    url,
    client,
    store,
    rules,
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** POSTs raw bytes, unsigned: what curl or a browser would do. */
export async function post(url: string, path: string, body: string | Buffer, method = 'POST'): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
  const res = await fetch(url + path, { method, body: method === 'GET' ? undefined : body, headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
