import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OtlpExport } from '../../src/export/otlp-export.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { HealthRegistry } from '../../src/health/component-health.js';
import { silentLogger } from '../../src/log/logger.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';
import { makeSegment } from '../helpers/daemon-process.js';
import { fromBigInt } from '../../src/otlp/proto/otlp-trace-codec.js';

test('segments and OTLP spans share the export pipeline; in-progress documents and ADOT T1U bodies are counted, not sent; shutdown delivers what is held', async (t) => {
  const receiver = new OtlpReceiver();
  await receiver.listen();
  t.after(() => receiver.close());
  const health = new HealthRegistry();
  const exp = new OtlpExport({
    config: { ...DEFAULTS, otlpEndpoint: receiver.url, flushIntervalMs: 60_000 },
    logger: silentLogger,
    health: health.component('otlp-export'),
    userAgent: 'test',
  });
  const seg = makeSegment({ name: 'from-udp' });
  exp.push(Buffer.from(seg.text));
  exp.push(makeSegment({ name: 'still-running', in_progress: true, end_time: undefined }).text);
  exp.push('{"name":"mentions \\"in_progress\\" in text","in_progress":false}');
  exp.pushOtlp({
    resourceSpans: [
      {
        scopeSpans: [
          { spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'from-otlp', startTimeUnixNano: fromBigInt(1n), endTimeUnixNano: fromBigInt(2n) }] },
        ],
      },
    ],
  });
  exp.pushOtlp({ resourceSpans: [] }); // nothing to export: not even counted
  // spans the intake refused for their ids are not exported (a receiver could refuse the whole batch)
  exp.pushOtlp({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              { traceId: new Uint8Array(16), spanId: Buffer.alloc(8, 3), name: 'zero-trace-id' },
              { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(4, 3), name: 'short-span-id' },
              { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 4), name: 'kept-beside-them', startTimeUnixNano: fromBigInt(1n), endTimeUnixNano: fromBigInt(2n) },
            ],
          },
        ],
      },
    ],
  });
  exp.pushOtlp({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: new Uint8Array(16), spanId: new Uint8Array(8), name: 'only-bad' }] }] }] });
  exp.push(Buffer.from('T1U' + Buffer.from('unsampled').toString('base64')));
  assert.equal(exp.inProgressSkipped, 1);
  assert.equal(exp.unsampledSkipped, 1);
  assert.equal(receiver.calls.length, 0, 'a partial batch waits for the flush interval');
  await exp.shutdown(5000);
  assert.equal(receiver.calls.length, 1);
  assert.deepEqual(receiver.spans.map((s) => s.name).sort(), ['from-otlp', 'from-udp', 'kept-beside-them']);
  const c = exp.counters.snapshot();
  assert.equal(c.received, 6);
  assert.equal(c.sent, 3);
  assert.equal(c.rejected, 1, 'the document without id or trace id is rejected with a reason');
  assert.equal(health.degraded, false);
});
