/** An @aws-sdk/client-xray client for a daemon's local X-Ray API, and what the API tests share. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import type { DaemonProcess } from './daemon-process.js';

export function clientFor(d: DaemonProcess): XRayClient {
  return new XRayClient({
    endpoint: `http://127.0.0.1:${d.tcpPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy' },
    maxAttempts: 1,
  });
}

/** Awaits a call that must fail with this X-Ray error name (and HTTP status); returns its message. */
export async function rejects(call: Promise<unknown>, name: string, status?: number): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    if (status !== undefined) assert.equal(e.$metadata?.httpStatusCode, status);
    return e.message ?? '';
  }
  assert.fail(`expected ${name}, but the call succeeded`);
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export function newTraceId(atS = Date.now() / 1000): string {
  return `1-${Math.floor(atS).toString(16)}-${hex(12)}`;
}

export interface RequestSpec {
  service: string;
  outcome?: 'ok' | 'error' | 'throttle' | 'fault';
  /** Duration in ms. */
  ms: number;
  /** Epoch seconds of the end. */
  endS?: number;
  /** A downstream service called from this one (its own segment, with the same outcome). */
  calls?: string;
  annotations?: Record<string, string | number | boolean>;
}

const FLAGS = { ok: {}, error: { error: true }, throttle: { error: true, throttle: true }, fault: { fault: true } } as const;

/** The documents of one traced request: an entry segment, and the downstream segment it called. */
export function requestDocs(spec: RequestSpec): { traceId: string; docs: string[] } {
  const end = spec.endS ?? Date.now() / 1000;
  const start = end - spec.ms / 1000;
  const traceId = newTraceId(start);
  const flags = FLAGS[spec.outcome ?? 'ok'];
  const rootId = hex(8);
  const docs: Record<string, unknown>[] = [];
  const root: Record<string, unknown> = { name: spec.service, id: rootId, trace_id: traceId, start_time: start, end_time: end, ...flags };
  if (spec.annotations) root.annotations = spec.annotations;
  if (spec.calls) {
    const callId = hex(8);
    root.subsegments = [{ id: callId, name: spec.calls, start_time: start, end_time: end, namespace: 'remote', ...flags }];
    docs.push({ name: spec.calls, id: hex(8), trace_id: traceId, parent_id: callId, start_time: start, end_time: end, ...flags });
  }
  docs.unshift(root);
  return { traceId, docs: docs.map((d) => JSON.stringify(d)) };
}

/** Stores requests through PutTraceSegments (50 documents per call); returns their trace ids. */
export async function sendRequests(client: XRayClient, specs: RequestSpec[]): Promise<string[]> {
  const ids: string[] = [];
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const out = await client.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: batch }));
    assert.deepEqual(out.UnprocessedTraceSegments, []);
    batch = [];
  };
  for (const spec of specs) {
    const { traceId, docs } = requestDocs(spec);
    ids.push(traceId);
    batch.push(...docs);
    if (batch.length >= 50) await flush();
  }
  await flush();
  return ids;
}
