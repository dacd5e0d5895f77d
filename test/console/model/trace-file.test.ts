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

  it('names what is wrong with other files', () => {
    const notJson = readTraceFile('{"Traces": [');
    assert.equal(notJson.kind, 'invalid');
    assert.match(notJson.kind === 'invalid' ? notJson.message : '', /not JSON/);
    const otlp = readTraceFile(JSON.stringify({ resourceSpans: [] }));
    assert.equal(otlp.kind, 'unsupported');
    assert.match(otlp.kind === 'unsupported' ? otlp.message : '', /OTLP/);
    const other = readTraceFile(JSON.stringify({ Services: [] }));
    assert.match(other.kind === 'invalid' ? other.message : '', /batch-get-traces/);
    assert.match(readTraceFile('{"Traces": [{"Id": 1}]}').kind === 'invalid' ? 'ok' : '', /ok/);
  });
});
