import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { type Harness, startApi } from './api-harness.js';

// The aws cli (botocore) is another independent client of the same wire protocol; skipped where it is not installed.
const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

describe('local X-Ray API with the aws cli', { skip: hasCli ? false : 'aws cli not installed' }, () => {
  let h: Harness;
  before(async () => {
    h = await startApi();
  });
  after(() => h.close());

  const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'dummy', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
  const aws = (...args: string[]) =>
    new Promise<{ ok: boolean; out: string; err: string }>((resolve) =>
      execFile('aws', ['xray', ...args, '--endpoint-url', h.url, '--output', 'json'], { env, timeout: 60_000 }, (e, out, err) => resolve({ ok: !e, out, err })),
    );

  it('puts a segment, finds it in summaries and reads it back; errors show X-Ray exception names', async () => {
    const now = Math.floor(Date.now() / 1000);
    const traceId = `1-${now.toString(16)}-0000000000000000000c11c1`;
    const doc = JSON.stringify({ name: 'cli', id: '000000000000c11c', trace_id: traceId, start_time: now, end_time: now + 1 });
    const put = await aws('put-trace-segments', '--trace-segment-documents', doc);
    assert.deepEqual(JSON.parse(put.out), { UnprocessedTraceSegments: [] });
    const summaries = await aws('get-trace-summaries', '--start-time', String(now - 60), '--end-time', String(now + 60));
    assert.deepEqual(JSON.parse(summaries.out).TraceSummaries.map((s: { Id: string }) => s.Id), [traceId]);
    const traces = await aws('batch-get-traces', '--trace-ids', traceId);
    assert.equal(JSON.parse(JSON.parse(traces.out).Traces[0].Segments[0].Document).name, 'cli');
    const bad = await aws('get-trace-summaries', '--start-time', String(now), '--end-time', String(now + 1), '--filter-expression', 'http.status = =');
    assert.equal(bad.ok, false);
    assert.match(bad.err, /InvalidRequestException.*position \d+/);
  });
});
