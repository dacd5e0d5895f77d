import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readTraceFile } from '../../../src/console/model/trace-file.js';
import { buildWaterfall } from '../../../src/console/model/segment-tree.js';

const ID = '1-5f29ab21-d4ebf299219a65bd5c31d6da';
const doc = JSON.stringify({ trace_id: ID, id: '0123456789abcdef', name: 'web', start_time: 1, end_time: 2 });

describe('opening a trace file', () => {
  it('reads the output of aws xray batch-get-traces into viewable traces', () => {
    const file = readTraceFile(JSON.stringify({ Traces: [{ Id: ID, Duration: 1, LimitExceeded: false, Segments: [{ Id: '0123456789abcdef', Document: doc }] }], UnprocessedTraceIds: [] }));
    assert.equal(file.kind, 'traces');
    if (file.kind !== 'traces') return;
    assert.equal(file.traces.length, 1);
    assert.deepEqual(buildWaterfall(file.traces[0]).rows.map((r) => r.name), ['web']);
  });

  it('skips and counts traces it cannot show, and accepts a bare array', () => {
    const file = readTraceFile(JSON.stringify([{ Id: ID, Segments: [{ Document: doc }, { Id: 'x' }] }, { Id: 5 }, { Id: 'no-segments', Segments: [] }]));
    assert.equal(file.kind, 'traces');
    if (file.kind !== 'traces') return;
    assert.equal(file.skipped, 2);
    assert.equal(file.traces[0].Segments?.length, 1);
  });

  it('reads an OTLP JSON file through the daemon\'s OTLP to X-Ray translation', () => {
    const at = 1_700_000_000n * 1_000_000_000n;
    const file = readTraceFile(JSON.stringify(otlpFile(at)));
    assert.equal(file.kind, 'traces');
    if (file.kind !== 'traces') return;
    assert.equal(file.traces.length, 1);
    assert.equal(file.traces[0].Id, '1-6553f100-0123456789abcdef01234567');
    const rows = buildWaterfall(file.traces[0]).rows;
    assert.deepEqual(rows.map((r) => [r.name, r.depth]), [['checkout', 0], ['GET inventory', 1]]);
    assert.equal(rows[0].end! - rows[0].start, 0.25);
    assert.equal(rows[0].doc.fault, true);
  });

  it('names what is wrong with other files', () => {
    const notJson = readTraceFile('{"Traces": [');
    assert.equal(notJson.kind, 'invalid');
    assert.match(notJson.kind === 'invalid' ? notJson.message : '', /not JSON/);
    const otlp = readTraceFile(JSON.stringify({ resourceSpans: [] }));
    assert.match(otlp.kind === 'invalid' ? otlp.message : '', /OTLP file holds no span/);
    const badId = readTraceFile(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] }));
    assert.match(badId.kind === 'invalid' ? badId.message : '', /traceId: expected hex/);
    const other = readTraceFile(JSON.stringify({ Services: [] }));
    assert.match(other.kind === 'invalid' ? other.message : '', /batch-get-traces/);
    assert.match(readTraceFile('{"Traces": [{"Id": 1}]}').kind === 'invalid' ? 'ok' : '', /ok/);
  });
});

/** An OTLP/JSON export as the Collector's file exporter writes it: a server span and its client child. */
function otlpFile(at: bigint) {
  const ns = (offsetMs: number) => String(at + BigInt(offsetMs) * 1_000_000n);
  return {
    resource_spans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [
          {
            spans: [
              { traceId: '6553f1000123456789abcdef01234567', spanId: '00000000000000a1', name: 'POST /checkout', kind: 'SPAN_KIND_SERVER', startTimeUnixNano: ns(0), endTimeUnixNano: ns(250), status: { code: 'STATUS_CODE_ERROR' }, attributes: [{ key: 'http.response.status_code', value: { intValue: '500' } }] },
              { traceId: '6553f1000123456789abcdef01234567', spanId: '00000000000000a2', parentSpanId: '00000000000000a1', name: 'GET inventory', kind: 'SPAN_KIND_CLIENT', startTimeUnixNano: ns(10), endTimeUnixNano: ns(200) },
            ],
          },
        ],
      },
    ],
  };
}
