import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher } from '../../src/pipeline/dispatcher.js';
import { SegmentBuffer } from '../../src/pipeline/segment-buffer.js';
import type { SegmentSink, SendOutcome } from '../../src/pipeline/segment-sink.js';
import { Counters } from '../../src/telemetry/counters.js';
import { silentLogger } from '../../src/log/logger.js';

/** Records when each batch left (mocked clock) and how big it was. */
class TimedSink implements SegmentSink {
  sent: { at: number; size: number }[] = [];
  async send(docs: readonly string[]): Promise<SendOutcome> {
    this.sent.push({ at: Date.now(), size: docs.length });
    return { status: 'success', unprocessed: [] };
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

// notify() runs per datagram and skips re-arming when the armed timer already covers the new document:
// a steady trickle must still leave one flush interval after each partial batch's oldest document.
test('a trickle of single documents: each partial batch leaves one flush interval after its oldest document', async () => {
  const t0 = 5_000_000;
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: t0 });
  try {
    const counters = new Counters();
    const buffer = new SegmentBuffer(1024 * 1024, (n) => counters.spillover(n), () => Date.now());
    const sink = new TimedSink();
    const dispatcher = new Dispatcher({ buffer, sink, counters, logger: silentLogger, batchSize: 50, flushIntervalMs: 1000, concurrency: 8, retryWindowMs: 60_000, retryBaseDelayMs: 100, retryMaxDelayMs: 1000 });
    for (let ms = 0; ms < 2500; ms += 100) {
      buffer.push(`doc-${ms}`, 8);
      dispatcher.notify();
      mock.timers.tick(100);
      await flush();
    }
    assert.deepEqual(sink.sent, [
      { at: t0 + 1000, size: 10 },
      { at: t0 + 2000, size: 10 },
    ]);
    assert.equal(counters.snapshot().sent, 20);
  } finally {
    mock.timers.reset();
  }
});
