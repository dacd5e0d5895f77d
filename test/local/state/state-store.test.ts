import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTraceStore } from '../../../src/local/store/open-trace-store.js';
import { SegmentLog } from '../../../src/local/store/segment-log.js';
import { StateStore } from '../../../src/local/state/state-store.js';
import { parseSegment } from '../../../src/local/store/validate-segment.js';
import { segment, traceId } from '../segment-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'xrayd-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = (): string => join(dir, `state-${++n}.log`);

async function open(path: string, compactMinBytes?: number) {
  const state = new StateStore();
  const opened = await openTraceStore({ maxSegments: 50, maxMB: 100, path, compactMinBytes, onStateRecord: (t) => state.load(t), stateTexts: () => state.texts() });
  if (opened.stateLog) state.attach(opened.stateLog);
  return { state, opened };
}

describe('state records in the store log', () => {
  it('come back after a restart, the latest version of each key, deletions included', async () => {
    const path = freshPath();
    const first = await open(path);
    first.state.put('group', 'a', { v: 1 });
    first.state.put('group', 'a', { v: 2 });
    first.state.put('policy', 'p', { doc: 'x' });
    first.state.delete('policy', 'p');
    first.state.put('tags', 'arn:1', [{ Key: 'k', Value: 'v' }]);
    await first.opened.close();
    const second = await open(path);
    assert.deepEqual(second.state.entries('group'), [['a', { v: 2 }]]);
    assert.deepEqual(second.state.entries('policy'), []);
    assert.deepEqual(second.state.get('tags', 'arn:1'), [{ Key: 'k', Value: 'v' }]);
    await second.opened.close();
  });

  it('survive compaction: the log is rewritten with the live state records and the live documents only', async () => {
    const path = freshPath();
    const first = await open(path, 1e9); // no compaction while writing
    first.state.put('group', 'g', { v: 'kept' });
    first.state.put('rule', 'old', { v: 1 });
    first.state.delete('rule', 'old');
    // 50 segments at most: 2000 documents make the log far bigger than the live set.
    for (let i = 0; i < 2000; i++) {
      const doc = segment({ trace_id: traceId(1_700_000_000 + i), metadata: { m: { pad: 'x'.repeat(100) } } });
      first.opened.store.putMany([{ doc, text: JSON.stringify(doc) }]);
    }
    first.state.put('settings', 'encryption', { Type: 'KMS' });
    await first.opened.close();
    const before = readFileSync(path, 'utf8').length;
    // Opening compacts a log that is over the threshold and twice the live documents; close waits for it.
    const second = await open(path, 16 * 1024);
    await second.opened.close();
    const text = readFileSync(path, 'utf8');
    assert.ok(text.length < before / 10, `the log was compacted (${before} -> ${text.length} bytes)`);
    assert.equal(text.split('\n').filter((l) => l.includes('"kind":"rule"')).length, 0);
    const third = await open(path);
    assert.deepEqual(third.state.entries('group'), [['g', { v: 'kept' }]]);
    assert.deepEqual(third.state.entries('rule'), []);
    assert.deepEqual(third.state.get('settings', 'encryption'), { Type: 'KMS' });
    assert.equal(third.opened.store.stats().segments, 50);
    await third.opened.close();
  });

  it('a segment document cannot pose as a state record: the $xrayd field is refused at intake', () => {
    const doc = { $xrayd: 'state', kind: 'policy', key: 'p', value: {}, name: 'svc', id: '0123456789abcdef', trace_id: traceId(1_700_000_000), start_time: 1, end_time: 2 };
    const check = parseSegment(JSON.stringify(doc));
    assert.equal(check.ok, false);
  });

  it('unreadable state records are counted and skipped', () => {
    const state = new StateStore();
    state.load('{"$xrayd":"state","kind":"nope","key":"x","value":1}');
    state.load('{"$xrayd":"state",');
    assert.equal(state.unreadable, 2);
  });

  it('compaction writes the state source first (SegmentLog)', async () => {
    const path = freshPath();
    const log = new SegmentLog(path);
    log.setStateSource(() => ['{"$xrayd":"state","kind":"group","key":"g","value":{}}']);
    log.append(['{"a":1}']);
    await log.compact(['{"b":2}']);
    await log.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.slice(9));
    assert.deepEqual(lines, ['{"$xrayd":"state","kind":"group","key":"g","value":{}}', '{"b":2}']);
  });
});
