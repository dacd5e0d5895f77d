import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '../../../src/local/filter/index.js';
import type { SegmentDocument, TraceView } from '../../../src/local/trace-view.js';

const T = 1700000000;
const seg = (over: Partial<SegmentDocument> & { id: string }): SegmentDocument => ({ name: 'svc', start_time: T, end_time: T + 1, ...over });

describe('derived facts are cached per TraceView and refreshed when documents change', () => {
  it('sees a document appended to the same segments array', () => {
    const view: TraceView = { id: '1-6553f100-00000000000000000000000a', segments: [seg({ id: 'a000000000000001' })] };
    const partial = compileFilter('partial');
    const fault = compileFilter('service("late") { fault }');
    assert.equal(partial(view), false);
    assert.equal(fault(view), false);
    view.segments.push(seg({ id: 'a000000000000002', name: 'late', parent_id: 'ffffffffffffffff', in_progress: true, end_time: undefined, fault: true }));
    assert.equal(partial(view), true);
    assert.equal(fault(view), true);
  });

  it('sees a swapped segments array of the same length (a completed segment replacing its in-progress one)', () => {
    const view: TraceView = { id: '1-6553f100-00000000000000000000000b', segments: [seg({ id: 'b000000000000001', in_progress: true, end_time: undefined })] };
    const done = compileFilter('!partial AND responsetime = 2');
    assert.equal(done(view), false);
    view.segments = [seg({ id: 'b000000000000001', end_time: T + 2 })];
    assert.equal(done(view), true);
  });

  it('gives the same answers to several filters sharing one cached view', () => {
    const view: TraceView = { id: '1-6553f100-00000000000000000000000c', segments: [seg({ id: 'c000000000000001', error: true })] };
    assert.equal(compileFilter('error')(view), true);
    assert.equal(compileFilter('ok')(view), false);
    assert.equal(compileFilter('error AND !ok')(view), true);
  });
});

describe('odd documents never make a filter throw', () => {
  const odd: TraceView = {
    id: '1-6553f100-00000000000000000000000d',
    segments: [
      {
        id: 'd000000000000001', name: 'odd', start_time: T, end_time: T + 1, cause: 'd000000000000009',
        annotations: null as unknown as Record<string, string>, subsegments: 'nope' as unknown as SegmentDocument[],
        http: { request: null as unknown as { url: string }, response: { status: '503' as unknown as number } }, aws: { ec2: 'x' },
      },
      { id: 'd000000000000002', name: 'odder', start_time: T, parent_id: 'nowhere', type: 'subsegment', cause: { exceptions: [null, 7, { message: 42 }] },
        subsegments: [null as unknown as SegmentDocument, { id: 'd000000000000003', name: 'x', start_time: T, namespace: 'remote', annotations: { k: { nested: true } as unknown as string } }] },
    ],
  };
  const expressions = [
    'ok', 'http.status = 503', 'http.url CONTAINS "x"', 'message CONTAINS "4"', 'annotation.k', 'annotation.k = "x"',
    'service() { fault }', 'edge("odd", "x")', 'availabilityzone = "x"', 'duration > 0', 'inferred',
  ];
  for (const e of expressions) {
    it(e, () => assert.doesNotThrow(() => compileFilter(e)(odd)));
  }

  it('reads a string response status as a number and ignores non-primitive annotation values', () => {
    assert.equal(compileFilter('http.status = 503')(odd), true);
    assert.equal(compileFilter('annotation.k')(odd), false);
  });

  it('handles an empty trace and deeply nested subsegments', () => {
    assert.equal(compileFilter('service() OR partial OR root')({ id: '1-6553f100-00000000000000000000000e', segments: [] }), false);
    const top = seg({ id: 'e000000000000001' });
    let cur = top;
    for (let i = 0; i < 20000; i++) {
      const next = seg({ id: `e${String(i).padStart(15, '0')}` });
      cur.subsegments = [next];
      cur = next;
    }
    cur.fault = true;
    assert.equal(compileFilter('fault AND service("svc") { !fault }')({ id: '1-6553f100-00000000000000000000000f', segments: [top] }), true);
  });
});

describe('service graph links independent subsegments in any arrival order', () => {
  it('follows an independent subsegment nested under another that arrived later', () => {
    const view: TraceView = {
      id: '1-6553f100-000000000000000000000010',
      segments: [
        seg({ id: 'f000000000000001', name: 'front' }),
        seg({ id: 'f000000000000003', name: 'deep.example.com', type: 'subsegment', parent_id: 'f000000000000002', namespace: 'remote', fault: true }),
        seg({ id: 'f000000000000002', name: 'handler', type: 'subsegment', parent_id: 'f000000000000001' }),
      ],
    };
    assert.equal(compileFilter('edge("front", "deep.example.com") { fault }')(view), true);
    assert.equal(compileFilter('service(id(name: "deep.example.com", type: "remote")) { inferred }')(view), true);
  });
});

describe('inferred AWS nodes are named the same in filters and in the service map', () => {
  it('a Go SDK subsegment named "s3" is AWS::S3 in both', async () => {
    const { buildServiceGraph } = await import('../../../src/local/reads/service-graph.js');
    const view: TraceView = {
      id: '1-6553f100-00000000000000000000000e',
      segments: [
        seg({
          id: 'e000000000000001',
          name: 'uploader',
          subsegments: [{ id: 'e000000000000002', name: 's3', namespace: 'aws', start_time: T, end_time: T + 0.5, aws: { operation: 'PutObject' } }],
        }),
      ],
    };
    const inferred = buildServiceGraph([view]).find((n) => n.Name === 's3');
    assert.equal(inferred?.Type, 'AWS::S3', 'the map');
    assert.equal(compileFilter('service(id(name: "s3", type: "AWS::S3"))')(view), true, 'a filter written from the map matches');
    assert.equal(compileFilter('edge("uploader", id(name: "s3", type: "AWS::S3"))')(view), true);
    assert.equal(compileFilter('service(id(type: "AWS::s3"))')(view), false);
  });
});
