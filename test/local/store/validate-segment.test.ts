import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSegment, traceIdEpoch } from '../../../src/local/store/validate-segment.js';
import { readCorpusSegment } from '../../helpers/corpus.js';

const corpus = (name: string): string => readCorpusSegment(name);
const base = { name: 'api', id: '70de5b6f19ff9a0a', trace_id: '1-581cf771-a006649127e371903a2de979', start_time: 1478293361.271 };

function reason(doc: unknown): string {
  const r = parseSegment(JSON.stringify(doc));
  assert.equal(r.ok, false);
  return r.ok ? '' : r.message;
}

describe('parseSegment', () => {
  it('accepts real documents from the corpus (segments, independent subsegments, in-progress)', () => {
    for (const f of ['ddbSample.json', 'indepSubsegment.json', 'minInProgress.json', 'awsValidAwsFields.json', 'minOtherFields.json']) {
      const r = parseSegment(corpus(f));
      assert.equal(r.ok, true, f + (r.ok ? '' : `: ${r.message}`));
    }
  });

  it('refuses text that is not JSON, with the InvalidJson code', () => {
    const r = parseSegment('{"name": ');
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.errorCode, 'InvalidJson');
  });

  it('names the missing or bad field', () => {
    assert.match(reason({ ...base, end_time: 1, name: undefined }), /name/);
    assert.match(reason({ ...base, end_time: 1, name: 'x'.repeat(201) }), /200/);
    assert.match(reason({ ...base, end_time: 1, id: 'xyz' }), /id must be 16/);
    assert.match(reason({ ...base, end_time: 1, trace_id: '1-abc-def' }), /trace_id/);
    assert.match(reason({ ...base, end_time: 1, start_time: '1' }), /start_time/);
    assert.match(reason(base), /exactly one of end_time or in_progress/);
    assert.match(reason({ ...base, end_time: 2, in_progress: true }), /exactly one/);
    assert.match(reason({ ...base, end_time: 2, type: 'subsegment' }), /parent_id/);
    assert.match(reason([1, 2]), /JSON object/);
  });

  it('keeps the id of a refused document so it can be reported', () => {
    const r = parseSegment(JSON.stringify(base));
    assert.equal(r.ok ? 'ok' : r.id, '70de5b6f19ff9a0a');
  });

  it('reads the time part of a trace id', () => {
    assert.equal(traceIdEpoch('1-581cf771-a006649127e371903a2de979'), 0x581cf771);
  });
});
