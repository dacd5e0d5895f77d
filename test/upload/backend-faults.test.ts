import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { FakeXray, type Behavior } from '../helpers/fake-xray.js';
import { startInProcess, sendSegments } from '../helpers/in-process-daemon.js';
import { waitUntil } from '../helpers/daemon-process.js';
import type { BackendErrorClass } from '../../src/telemetry/counters.js';

type Expect = { sent: number; rejected: number; spillover?: number; errors: Partial<Record<BackendErrorClass, number>> };

async function runCase(script: Behavior[], n: number, expect: Expect, opts: { unprocessed?: (doc: string) => boolean; requestTimeoutMs?: number } = {}) {
  const xray = new FakeXray();
  await xray.listen();
  xray.script = [...script];
  if (opts.unprocessed) xray.unprocessed = (d) => (opts.unprocessed!(d) ? { ErrorCode: 'InvalidSegment', Message: 'refused by the stand-in' } : undefined);
  const { daemon, udp } = await startInProcess({ endpoint: xray.url, requestTimeoutMs: opts.requestTimeoutMs ?? 2000 });
  try {
    const texts = await sendSegments(udp, n);
    await waitUntil(() => {
      const c = daemon.counters.snapshot();
      return c.sent + c.rejected + c.spillover === n;
    }, 'every segment settled', 15_000);
    const c = daemon.counters.snapshot();
    assert.equal(c.received, n);
    assert.equal(c.sent, expect.sent, 'sent');
    assert.equal(c.rejected, expect.rejected, 'rejected');
    assert.equal(c.spillover, expect.spillover ?? 0, 'spillover');
    const expectedErrors = { timeout: 0, refused: 0, http4xx: 0, http5xx: 0, unknownHost: 0, other: 0, ...expect.errors };
    assert.deepEqual(c.backendErrors, expectedErrors);
    const delivered = texts.filter((t) => xray.documents.includes(t));
    assert.equal(delivered.length, expect.sent, 'the stand-in holds exactly the sent documents');
    return xray;
  } finally {
    udp.close();
    await daemon.shutdown();
    await xray.close();
  }
}

const answer = (status: number, body?: unknown, headers?: Record<string, string>): Behavior => ({ kind: 'answer', status, body, headers });

test('500 then OK: retried and delivered; one 5xx counted', async () => {
  await runCase([answer(500)], 20, { sent: 20, rejected: 0, errors: { http5xx: 1 } });
});

test('429 with Retry-After: the retry waits as asked', async () => {
  const xray = await runCase([answer(429, { __type: 'ThrottledException' }, { 'retry-after': '1' })], 10, { sent: 10, rejected: 0, errors: { http4xx: 1 } });
  const times = xray.calls.filter((c) => c.path === '/TraceSegments').map((c) => Number(c.headers['x-amzn-xray-timestamp']));
  assert.ok(times[1] - times[0] >= 0.95, `retried after ${(times[1] - times[0]).toFixed(3)} s`);
});

test('400: the batch is dropped and its documents counted as rejected', async () => {
  await runCase([answer(400, { __type: 'InvalidRequestException', message: 'bad' })], 10, { sent: 0, rejected: 10, errors: { http4xx: 1 } });
});

test('403 signature error: credentials are refreshed and the batch retried once', async () => {
  await runCase([answer(403, { __type: 'InvalidSignatureException', message: 'stale' })], 10, { sent: 10, rejected: 0, errors: { http4xx: 1 } });
});

test('403 twice: the second refusal is final', async () => {
  const deny = answer(403, { __type: 'ExpiredTokenException', message: 'expired' });
  await runCase([deny, deny], 10, { sent: 0, rejected: 10, errors: { http4xx: 2 } });
});

test('a stall longer than the request timeout counts a timeout, then delivers', async () => {
  await runCase([{ kind: 'stall' }], 10, { sent: 10, rejected: 0, errors: { timeout: 1 } }, { requestTimeoutMs: 300 });
});

test('connection reset mid-response counts as other, then delivers', async () => {
  await runCase([{ kind: 'reset' }], 10, { sent: 10, rejected: 0, errors: { other: 1 } });
});

test('partial success: UnprocessedTraceSegments are rejected, the rest sent', async () => {
  let i = 0;
  await runCase([], 10, { sent: 7, rejected: 3, errors: {} }, { unprocessed: () => i++ % 10 < 3 });
});

test('connection refused until the backend starts listening: nothing lost', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const { daemon, udp } = await startInProcess({ endpoint: `http://127.0.0.1:${port}` });
  const xray = new FakeXray();
  try {
    const texts = await sendSegments(udp, 30);
    await waitUntil(() => daemon.counters.snapshot().backendErrors.refused >= 2, 'refused attempts');
    await xray.listen(port);
    await xray.waitFor(() => texts.every((t) => xray.documents.includes(t)), 10_000, 'delivery after the backend came up');
    await waitUntil(() => daemon.counters.snapshot().sent === 30, 'the daemon to count them sent');
    const c = daemon.counters.snapshot();
    assert.equal(c.spillover + c.rejected, 0);
    assert.equal(c.backendErrors.refused, Object.values(c.backendErrors).reduce((a, b) => a + b), 'only refused errors');
  } finally {
    udp.close();
    await daemon.shutdown();
    await xray.close();
  }
});

test('unknown host: counted as such; after the retry window the batch is dropped as spillover', async () => {
  const { daemon, udp } = await startInProcess({ endpoint: 'http://xray.nonexistent.invalid', retryWindowMs: 600 });
  try {
    await sendSegments(udp, 5);
    await waitUntil(() => daemon.counters.snapshot().spillover === 5, 'the batch to expire', 10_000);
    const c = daemon.counters.snapshot();
    assert.ok(c.backendErrors.unknownHost >= 1);
    assert.equal(c.backendErrors.unknownHost, Object.values(c.backendErrors).reduce((a, b) => a + b), 'only unknown-host errors');
    assert.equal(c.sent, 0);
  } finally {
    udp.close();
    await daemon.shutdown();
  }
});
