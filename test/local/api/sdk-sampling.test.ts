import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import AWSXRay from 'aws-xray-sdk-core';
import { type Harness, startApi } from './api-harness.js';

interface SdkRule {
  getName(): string;
}
interface Connector {
  fetchSamplingRules(cb: (err: Error | null, rules?: SdkRule[]) => void): void;
  fetchTargets(rules: SdkRule[], cb: (err: Error | null, targets?: Record<string, { rate: number; quota: number }>, freshness?: number) => void): void;
}

// The X-Ray SDK's own client of the daemon's sampling endpoints (not part of its typed API).
const require = createRequire(import.meta.url);
const connector = require('aws-xray-sdk-core/dist/lib/middleware/sampling/service_connector.js') as Connector;

describe('the X-Ray SDK for Node.js against the local sampling endpoints', () => {
  let h: Harness;
  before(async () => {
    h = await startApi();
    AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
    AWSXRay.setDaemonAddress(new URL(h.url).host);
  });
  after(() => h.close());

  it('keeps the Default rule and accepts the targets answer', async () => {
    const rules = await new Promise<SdkRule[]>((resolve, reject) =>
      connector.fetchSamplingRules((err, r) => (err ? reject(err) : resolve(r ?? []))),
    );
    assert.deepEqual(rules.map((r) => r.getName()), ['Default']);
    const { targets, freshness } = await new Promise<{ targets: Record<string, { rate: number; quota: number }>; freshness: number }>((resolve, reject) =>
      connector.fetchTargets(rules, (err, t, f) => (err ? reject(err) : resolve({ targets: t ?? {}, freshness: f ?? NaN }))),
    );
    assert.equal(targets.Default.rate, 0.05);
    assert.equal(targets.Default.quota, 1);
    assert.ok(Number.isFinite(freshness));
  });
});
