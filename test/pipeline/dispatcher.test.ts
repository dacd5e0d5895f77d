import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher } from '../../src/pipeline/dispatcher.js';
import { SegmentBuffer } from '../../src/pipeline/segment-buffer.js';
import type { SegmentSink, SendOutcome } from '../../src/pipeline/segment-sink.js';
import { Counters } from '../../src/telemetry/counters.js';
import { silentLogger } from '../../src/log/logger.js';

/** A sink that records batches and answers from a script (then success). */
class RecordingSink implements SegmentSink {
  batches: string[][] = [];
  script: SendOutcome[] = [];
  async send(docs: readonly string[]): Promise<SendOutcome> {
    this.batches.push([...docs]);
    return this.script.shift() ?? { status: 'success', unprocessed: [] };
  }
}

function setup(over: Partial<ConstructorParameters<typeof Dispatcher>[0]> = {}) {
  const counters = new Counters();
  const buffer = new SegmentBuffer(10 * 1024 * 1024, (n) => counters.spillover(n), () => Date.now());
  const sink = new RecordingSink();
  const dispatcher = new Dispatcher({
    buffer,
    sink,
    counters,
    logger: silentLogger,
    batchSize: 50,
    flushIntervalMs: 1000,
    concurrency: 8,
    retryWindowMs: 60_000,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 1000,
    backoff: undefined,
    ...over,
  });
  const push = (n: number) => {
    for (let i = 0; i < n; i++) buffer.push(`doc-${i}`, 5);
    dispatcher.notify();
  };
  return { counters, buffer, sink, dispatcher, push };
}

/** Let queued promise callbacks and setImmediate hops run (real, not mocked). */
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

test('full batches of 50 leave at once; the partial rest leaves after the flush interval', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  try {
    const { sink, counters, push } = setup();
    push(120);
    await flush();
    assert.deepEqual(sink.batches.map((b) => b.length), [50, 50]);
    mock.timers.tick(999);
    await flush();
    assert.equal(sink.batches.length, 2, 'not before the interval');
    mock.timers.tick(1);
    await flush();
    assert.deepEqual(sink.batches.map((b) => b.length), [50, 50, 20]);
    assert.equal(counters.snapshot().sent, 120);
  } finally {
    mock.timers.reset();
  }
});

test('a retryable failure is retried after the backoff; one probe at a time while failing', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  try {
    const { sink, counters, push, buffer } = setup({ backoff: undefined });
    sink.script = [{ status: 'retryable', errorClass: 'http5xx', message: '500' }];
    push(150);
    await flush();
    // three batches went out together; the first failed and is held, the others succeeded
    assert.equal(sink.batches.length, 3);
    assert.equal(buffer.heldBatches, 1);
    assert.equal(counters.snapshot().backendErrors.http5xx, 1);
    mock.timers.tick(100); // the base delay (jittered between 50 and 100 ms)
    await flush();
    assert.equal(sink.batches.length, 4, 'retried');
    assert.equal(counters.snapshot().sent, 150);
    assert.equal(buffer.usedBytes, 0);
  } finally {
    mock.timers.reset();
  }
});

test('drain sends partial batches at once and reports what the deadline cut off', async () => {
  const { sink, push, dispatcher } = setup();
  push(10);
  const result = await dispatcher.drain(5000);
  assert.deepEqual(result, { undelivered: 0 });
  assert.deepEqual(sink.batches.map((b) => b.length), [10]);

  const stuck = setup();
  stuck.sink.send = () => new Promise(() => {}); // never answers
  stuck.push(30);
  const cut = await stuck.dispatcher.drain(50);
  assert.deepEqual(cut, { undelivered: 30 });
});

test('with drainStopsOnFailure (a spool keeps the rest), a failed attempt ends the drain at once, and a backend failing already ends it before any retry', async () => {
  const failing = setup({ drainStopsOnFailure: true });
  failing.sink.script = Array.from({ length: 10 }, () => ({ status: 'retryable' as const, errorClass: 'http5xx' as const, message: '503' }));
  failing.push(30);
  const cut = await failing.dispatcher.drain(60_000); // resolves on the first failure, not at the deadline
  assert.deepEqual(cut, { undelivered: 30 });
  assert.equal(failing.sink.batches.length, 1, 'one attempt, no retries');

  const already = setup({ drainStopsOnFailure: true });
  already.sink.script = [{ status: 'retryable', errorClass: 'timeout', message: 'timed out' }];
  already.push(50); // a full batch goes at once and fails: held for a retry later
  await flush();
  assert.equal(already.sink.batches.length, 1);
  const left = await already.dispatcher.drain(60_000);
  assert.deepEqual(left, { undelivered: 50 });
  assert.equal(already.sink.batches.length, 1, 'no retry at shutdown once the backend is known to fail');

  const plain = setup(); // without it, a drain keeps retrying until it delivers
  plain.sink.script = [{ status: 'retryable', errorClass: 'http5xx', message: '503' }];
  plain.push(10);
  assert.deepEqual(await plain.dispatcher.drain(60_000), { undelivered: 0 });
  assert.equal(plain.sink.batches.length, 2);
});

test('a failure (400) drops the batch as rejected; unprocessed documents are rejected, the rest sent', async () => {
  const { sink, counters, push, dispatcher } = setup();
  sink.script = [
    { status: 'failure', errorClass: 'http4xx', message: '400' },
    { status: 'success', unprocessed: [{ Id: 'a', ErrorCode: 'x' }] },
  ];
  push(50);
  push(50);
  await dispatcher.drain(5000);
  const c = counters.snapshot();
  assert.equal(c.rejected, 51);
  assert.equal(c.sent, 49);
  assert.equal(c.backendErrors.http4xx, 1);
});

test('a backend failing for longer than the retry window shows as degraded until an upload succeeds', async () => {
  const { HealthRegistry } = await import('../../src/health/component-health.js');
  const { BackgroundFaults } = await import('../../src/health/background-faults.js');
  const registry = new HealthRegistry();
  const health = new BackgroundFaults(registry, silentLogger).component('upload', 'backend failing');
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  try {
    const { sink, push } = setup({ retryWindowMs: 1000, retryBaseDelayMs: 100, retryMaxDelayMs: 200, concurrency: 1, health });
    sink.script = Array.from({ length: 30 }, () => ({ status: 'retryable' as const, errorClass: 'http5xx' as const, message: '503 Slow Down' }));
    push(50);
    await flush();
    assert.equal(registry.degraded, false, 'one failure is not an outage');
    for (let t = 0; t < 1400 && !registry.degraded; t += 50) {
      mock.timers.tick(50);
      push(1);
      await flush();
    }
    assert.deepEqual(registry.list().map((p) => p.component), ['upload']);
    assert.match(registry.list()[0].reason, /longer than the retry window\): 503 Slow Down/);
    sink.script = [];
    for (let t = 0; t < 1000 && registry.degraded; t += 50) {
      mock.timers.tick(50);
      push(1);
      await flush();
    }
    assert.equal(registry.degraded, false, 'back to ok after a successful upload');
  } finally {
    mock.timers.reset();
  }
});
