import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher, type DispatcherOptions } from '../../src/pipeline/dispatcher.js';
import { SegmentBuffer } from '../../src/pipeline/segment-buffer.js';
import type { SegmentDocument, SegmentSink, SendOutcome } from '../../src/pipeline/segment-sink.js';
import { HealthRegistry } from '../../src/health/component-health.js';
import { BackgroundFaults } from '../../src/health/background-faults.js';
import { Counters } from '../../src/telemetry/counters.js';
import { silentLogger } from '../../src/log/logger.js';
import { waitUntil } from '../helpers/daemon-process.js';

/** A sink whose every call waits until the test answers it (or never, to play a hung upload). */
class ControlledSink implements SegmentSink {
  calls: { docs: string[]; signal?: AbortSignal; answer(o: SendOutcome): void }[] = [];
  autoSuccess = false;
  send(docs: readonly SegmentDocument[], signal?: AbortSignal): Promise<SendOutcome> {
    return new Promise((resolve) => {
      if (this.autoSuccess) return resolve({ status: 'success', unprocessed: [] });
      this.calls.push({ docs: docs.map(String), signal, answer: resolve });
    });
  }
}

const RETRY: SendOutcome = { status: 'retryable', errorClass: 'http5xx', message: 'HTTP 503' };

/** A dispatcher on the default (monotonic) clock and real timers, with small intervals. */
function setup(over: Partial<DispatcherOptions> = {}) {
  const counters = new Counters();
  const buffer = new SegmentBuffer(10 * 1024 * 1024, (n) => counters.spillover(n));
  const sink = new ControlledSink();
  const registry = new HealthRegistry();
  const dispatcher = new Dispatcher({
    buffer,
    sink,
    counters,
    logger: silentLogger,
    batchSize: 2,
    flushIntervalMs: 50,
    concurrency: 8,
    retryWindowMs: 60_000,
    retryBaseDelayMs: 20,
    retryMaxDelayMs: 40,
    health: new BackgroundFaults(registry, silentLogger).component('upload', 'uploads are failing'),
    ...over,
  });
  const push = (...docs: string[]) => {
    for (const d of docs) buffer.push(d, d.length);
    dispatcher.notify();
  };
  return { counters, buffer, sink, dispatcher, push, registry };
}

test('a wall-clock step backwards (an hour) does not hold back a partial batch', async () => {
  // only Date is mocked: the wall clock jumps, timers and the monotonic clock run on
  mock.timers.enable({ apis: ['Date'], now: Date.UTC(2026, 0, 1, 12) });
  try {
    const { sink, push, counters } = setup({ batchSize: 50, flushIntervalMs: 100 });
    sink.autoSuccess = true;
    push('{"id":"a"}');
    mock.timers.setTime(Date.UTC(2026, 0, 1, 11)); // NTP or an admin steps the clock back
    // polled on the monotonic clock: Date is the thing standing still here
    const started = performance.now();
    while (counters.snapshot().sent < 1 && performance.now() - started < 3000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(counters.snapshot().sent, 1, 'the partial batch left');
    assert.ok(performance.now() - started < 1000, 'about one flush interval later, not an hour later');
  } finally {
    mock.timers.reset();
  }
});

test('Retry-After longer than the retry window is capped by it: new data flows again once the window has passed', async () => {
  const { sink, push, counters } = setup({ retryWindowMs: 200 });
  push('{"id":"a"}', '{"id":"b"}');
  await waitUntil(() => sink.calls.length === 1, 'first attempt');
  sink.calls[0].answer({ ...RETRY, errorClass: 'http4xx', message: 'HTTP 429 ThrottlingException', retryAfterMs: 86_400_000 });
  // the throttled batch cannot be retried within its window: dropped and counted, not held for a day
  await waitUntil(() => counters.snapshot().spillover === 2, 'the throttled batch to expire');
  push('{"id":"c"}', '{"id":"d"}');
  await waitUntil(() => sink.calls.length === 2, 'the next batch to be attempted within the window, not after a day', 2000);
  sink.calls[1].answer({ status: 'success', unprocessed: [] });
  await waitUntil(() => counters.snapshot().sent === 2, 'delivery');
});

test('a hung attempt is aborted at its deadline, its batch re-queued and delivered; health shows it meanwhile', async () => {
  const { sink, push, counters, registry } = setup({ attemptDeadlineMs: 100 });
  push('{"id":"a"}', '{"id":"b"}');
  await waitUntil(() => sink.calls.length === 1, 'first attempt');
  const hung = sink.calls[0]; // never answered
  await waitUntil(() => registry.degraded, 'health to report the hung upload');
  assert.match(registry.list()[0].reason, /hung/);
  assert.equal(registry.list()[0].component, 'upload');
  assert.ok(hung.signal?.aborted, 'the hung attempt was told to stop');
  await waitUntil(() => sink.calls.length === 2, 'the batch to be retried');
  assert.deepEqual(sink.calls[1].docs, hung.docs, 'the same batch, re-queued');
  sink.calls[1].answer({ status: 'success', unprocessed: [] });
  await waitUntil(() => counters.snapshot().sent === 2, 'delivery');
  assert.equal(registry.degraded, false, 'health recovers with the next delivery');
  assert.equal(counters.snapshot().backendErrors.timeout, 1);
});

test('batches that failed together are retried oldest first, whatever order their failures arrived in', async () => {
  const { sink, push, counters } = setup();
  push('{"id":"old-1"}', '{"id":"old-2"}');
  push('{"id":"new-1"}', '{"id":"new-2"}');
  await waitUntil(() => sink.calls.length === 2, 'two attempts in flight');
  const [older, newer] = sink.calls;
  assert.deepEqual(older.docs, ['{"id":"old-1"}', '{"id":"old-2"}']);
  older.answer(RETRY); // the older batch fails first ...
  await new Promise((r) => setImmediate(r));
  newer.answer(RETRY); // ... then the newer one
  await waitUntil(() => sink.calls.length === 3, 'the first retry');
  assert.deepEqual(sink.calls[2].docs, older.docs, 'the older batch goes first');
  sink.calls[2].answer({ status: 'success', unprocessed: [] });
  await waitUntil(() => sink.calls.length === 4, 'the second retry');
  assert.deepEqual(sink.calls[3].docs, newer.docs);
  sink.calls[3].answer({ status: 'success', unprocessed: [] });
  await waitUntil(() => counters.snapshot().sent === 4, 'delivery');
});
