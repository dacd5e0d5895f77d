import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTraceStore } from '../../../src/local/store/open-trace-store.js';
import { MAGIC, StoreLogFormatError, encodeRecord } from '../../../src/local/store/log-record.js';
import { replaySegmentLog } from '../../../src/local/store/replay-segment-log.js';
import { SegmentLog } from '../../../src/local/store/segment-log.js';
import { TraceStore } from '../../../src/local/store/trace-store.js';
import { parseSegment } from '../../../src/local/store/validate-segment.js';
import { segment, traceId } from '../segment-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'xrayd-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = (): string => join(dir, `store-${++n}.log`);

function docs(count: number, tid = traceId(1_700_000_000)) {
  return Array.from({ length: count }, () => {
    const doc = segment({ trace_id: tid, metadata: { m: { v: 'x'.repeat(50) } } });
    return { doc, text: JSON.stringify(doc) };
  });
}

describe('store persistence', () => {
  it('traces survive a restart', async () => {
    const path = freshPath();
    const first = await openTraceStore({ maxSegments: 100, maxMB: 10, path });
    const tid = traceId(1_700_000_000);
    const batch = docs(3, tid);
    first.store.putMany(batch);
    await first.close();
    const second = await openTraceStore({ maxSegments: 100, maxMB: 10, path });
    assert.deepEqual(second.store.get(tid)?.segments.map((s) => s.id), batch.map((b) => b.doc.id));
    await second.close();
  });

  it('a crash mid-record loses only that record; appends after reopening are readable', async () => {
    const path = freshPath();
    const first = await openTraceStore({ maxSegments: 100, maxMB: 10, path });
    const batch = docs(5);
    for (const d of batch) first.store.putMany([d]);
    await first.close();
    // Simulate a crash while the fifth record was being written: cut it in half.
    const size = statSync(path).size;
    const lastLength = encodeRecord(batch[4].text).length;
    truncateSync(path, size - Math.floor(lastLength / 2));

    const second = await openTraceStore({ maxSegments: 100, maxMB: 10, path });
    const ids = second.store.get(batch[0].doc.trace_id as string)?.segments.map((s) => s.id);
    assert.deepEqual(ids, batch.slice(0, 4).map((b) => b.doc.id));
    const later = docs(1, traceId(1_700_000_100));
    second.store.putMany(later);
    await second.close();

    const third = await openTraceStore({ maxSegments: 100, maxMB: 10, path });
    assert.equal(third.store.stats().segments, 5);
    assert.ok(third.store.get(later[0].doc.trace_id as string));
    await third.close();
  });

  it('skips a record whose checksum does not match, keeping the others', async () => {
    const path = freshPath();
    const [a, b, c] = docs(3);
    const corrupt = encodeRecord(b.text).replace('"svc"', '"SVC"');
    writeFileSync(path, MAGIC + encodeRecord(a.text) + corrupt + encodeRecord(c.text));
    const texts: string[] = [];
    const report = await replaySegmentLog(path, (t) => texts.push(t));
    assert.deepEqual(texts, [a.text, c.text]);
    assert.equal(report.corrupt, 1);
  });

  it('reads a document that was sent pretty-printed (newlines inside the JSON)', async () => {
    const path = freshPath();
    const log = new SegmentLog(path);
    const doc = segment({ trace_id: traceId(1_700_000_000) });
    log.append([JSON.stringify(doc, null, 2)]);
    await log.close();
    const texts: string[] = [];
    await replaySegmentLog(path, (t) => texts.push(t));
    assert.deepEqual(JSON.parse(texts[0]), doc);
  });

  it('a missing file is an empty store', async () => {
    const opened = await openTraceStore({ maxSegments: 10, maxMB: 1, path: freshPath() });
    assert.equal(opened.store.stats().traces, 0);
    await opened.close();
  });

  it('compacts the log when it holds more than twice the live documents, keeping the content', async () => {
    const path = freshPath();
    // A limit of 50 segments makes most of what is written dead weight (evicted traces).
    const opened = await openTraceStore({ maxSegments: 50, maxMB: 100, path, compactMinBytes: 64 * 1024 });
    const written: string[] = [];
    // Without compaction the log would hold all 4000 records of 400 batches (well over 1 MiB).
    const allRecords = 4000 * encodeRecord(docs(1)[0].text).length;
    // Batches arrive on separate event-loop turns in the daemon; compaction runs between them,
    // over several turns: what arrives meanwhile stays in the log until the next one, so after
    // the 400 batches a few more may be needed (on a busy machine) for the log to settle.
    for (let i = 0; i < 400 || (statSync(path).size >= allRecords / 2 && i < 4000); i++) {
      const batch = docs(10, traceId(1_700_000_000 + i));
      opened.store.putMany(batch);
      written.push(...batch.map((b) => b.doc.id));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const live = opened.store.stats();
    assert.equal(live.segments, 50);
    await opened.close();
    const onDisk = statSync(path).size;
    assert.ok(onDisk < allRecords / 2, `log is ${onDisk} bytes of ${allRecords}`);

    const reopened = await openTraceStore({ maxSegments: 50, maxMB: 100, path });
    const ids = [...reopened.store.range({ startTime: 0, endTime: 2e9, by: 'TraceId' })].flatMap((t) => t.trace.segments.map((s) => s.id));
    assert.deepEqual(ids.sort(), written.slice(-50).sort());
    await reopened.close();
  });

  it('after a compaction the log holds only the live records, and appends go on after them', async () => {
    const path = freshPath();
    const log = new SegmentLog(path);
    log.append(['{"a":1}', '{"b":2}']);
    await log.compact(['{"b":2}']);
    appendFileSync(path, encodeRecord('{"c":3}'));
    await log.close();
    const texts: string[] = [];
    await replaySegmentLog(path, (t) => texts.push(t));
    assert.deepEqual(texts, ['{"b":2}', '{"c":3}']);
    assert.equal(readFileSync(path, 'utf8'), MAGIC + encodeRecord('{"b":2}') + encodeRecord('{"c":3}'));
    assert.throws(() => statSync(`${path}.tmp`));
  });


  it('refuses a file that is not a store log, leaving it untouched', async () => {
    const path = freshPath();
    writeFileSync(path, 'my precious notes\nsecond line without newline');
    await assert.rejects(openTraceStore({ maxSegments: 10, maxMB: 1, path }), StoreLogFormatError);
    assert.equal(readFileSync(path, 'utf8'), 'my precious notes\nsecond line without newline');
  });

  it('names the path when the store log cannot be created', async () => {
    const path = join(dir, 'no-such-dir', 'store.log');
    await assert.rejects(openTraceStore({ maxSegments: 10, maxMB: 1, path }), /cannot use the store log .*no-such-dir.*ENOENT/);
  });

  it('keeps records appended while a compaction is writing', async () => {
    const path = freshPath();
    const log = new SegmentLog(path);
    log.append(['{"old":1}', '{"live":1}']);
    const compaction = log.compact(['{"live":1}']);
    log.append(['{"during":1}']);
    await compaction;
    log.append(['{"after":1}']);
    await log.close();
    const texts: string[] = [];
    await replaySegmentLog(path, (t) => texts.push(t));
    assert.deepEqual(texts, ['{"live":1}', '{"during":1}', '{"after":1}']);
    assert.equal(log.compactions, 1);
  });

  it('a failed write loses only its own batch; the log stays readable and appends go on', async () => {
    class FlakyLog extends SegmentLog {
      failNext = false;
      protected override write(fd: number, text: string): number {
        if (!this.failNext) return super.write(fd, text);
        this.failNext = false;
        super.write(fd, text.slice(0, 12)); // part of the batch reached the disk
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      }
    }
    const path = freshPath();
    const log = new FlakyLog(path);
    log.append(['{"a":1}']);
    log.failNext = true;
    log.append(['{"lost":1}', '{"lost":2}']);
    log.append(['{"b":1}']);
    await log.close();
    const texts: string[] = [];
    await replaySegmentLog(path, (t) => texts.push(t));
    assert.deepEqual(texts, ['{"a":1}', '{"b":1}']);
    assert.equal(log.failedWrites, 1);
  });

  it('compaction keeps a document nested thousands of levels deep', async () => {
    const store = new TraceStore({ maxSegments: 100, maxBytes: 10e6 });
    const deep = segment({ trace_id: traceId(1_700_000_000) });
    const text = JSON.stringify(deep).replace(/}$/, `,"metadata":{"d":{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}}`);
    const check = parseSegment(text);
    assert.ok(check.ok);
    store.putMany([{ doc: check.doc, text }]);
    const path = freshPath();
    const log = new SegmentLog(path);
    await log.compact(store.liveTexts());
    await log.close();
    const texts: string[] = [];
    await replaySegmentLog(path, (t) => texts.push(t));
    assert.deepEqual(texts, [text]);
  });
});
