import { hex, newTraceId } from '../helpers/local-xray.js';

/**
 * Crafted traces for the analysis views, placed over the last ten minutes:
 * - `checkout`: the critical path is known (see expectedCriticalPath);
 * - two traces of GET /api/cart: B is slower and makes a call A does not (`recommendations`);
 * - fast traces that fault, error and throttle (the shapes on the scatter plot, the histogram's first bar).
 */
export interface AnalysisFixtures {
  checkoutId: string;
  expectedCriticalPath: string[];
  cartA: string;
  cartB: string;
  fast: { id: string; health: 'ok' | 'error' | 'throttle' | 'fault' }[];
  documents: string[];
}

interface Sub {
  name: string;
  start: number;
  end: number;
  subsegments?: Sub[];
}

const sub = (s: Sub, at: number): Record<string, unknown> => ({
  id: hex(8),
  name: s.name,
  start_time: at + s.start,
  end_time: at + s.end,
  ...(s.subsegments === undefined ? {} : { subsegments: s.subsegments.map((c) => sub(c, at)) }),
});

function segment(traceId: string, name: string, url: string, at: number, seconds: number, subs: Sub[], flags: Record<string, boolean> = {}, status = 200): string {
  return JSON.stringify({
    trace_id: traceId,
    id: hex(8),
    name,
    origin: 'AWS::ECS::Container',
    start_time: at,
    end_time: at + seconds,
    http: { request: { method: 'GET', url: `http://shop.example.com${url}` }, response: { status } },
    subsegments: subs.map((s) => sub(s, at)),
    ...flags,
  });
}

export function analysisFixtures(nowS: number): AnalysisFixtures {
  const documents: string[] = [];
  // checkout: fetch-prices runs in parallel with the longer fetch-stock (off the path), audit-log
  // outlives the request (asynchronous: on the path up to the root's end), late-callback starts
  // after the end (ignored).
  const checkoutAt = nowS - 540;
  const checkoutId = newTraceId(checkoutAt);
  documents.push(
    segment(checkoutId, 'checkout', '/api/checkout', checkoutAt, 1.0, [
      { name: 'auth', start: 0.05, end: 0.15 },
      { name: 'fetch-prices', start: 0.2, end: 0.6 },
      { name: 'fetch-stock', start: 0.2, end: 0.8, subsegments: [{ name: 'stock-db', start: 0.3, end: 0.7 }] },
      { name: 'audit-log', start: 0.85, end: 1.3 },
      { name: 'late-callback', start: 1.1, end: 1.2 },
    ]),
  );
  const cartAAt = nowS - 420;
  const cartA = newTraceId(cartAAt);
  documents.push(segment(cartA, 'cart', '/api/cart', cartAAt, 0.3, [{ name: 'load-cart', start: 0.01, end: 0.1 }, { name: 'price', start: 0.1, end: 0.28 }]));
  const cartBAt = nowS - 300;
  const cartB = newTraceId(cartBAt);
  documents.push(
    segment(cartB, 'cart', '/api/cart', cartBAt, 0.9, [
      { name: 'load-cart', start: 0.01, end: 0.1 },
      { name: 'price', start: 0.1, end: 0.3 },
      { name: 'recommendations', start: 0.3, end: 0.88 },
    ]),
  );
  const fast: AnalysisFixtures['fast'] = [];
  const outcomes = [
    ['ok', {}, 200],
    ['error', { error: true }, 404],
    ['throttle', { error: true, throttle: true }, 429],
    ['fault', { fault: true }, 500],
  ] as const;
  outcomes.forEach(([health, flags, status], i) => {
    const at = nowS - 180 + i * 40;
    const id = newTraceId(at);
    fast.push({ id, health });
    documents.push(segment(id, 'web', `/api/item/${i}`, at, 0.01 + i * 0.005, [], flags, status));
  });
  return { checkoutId, expectedCriticalPath: ['checkout', 'auth', 'fetch-stock', 'stock-db', 'audit-log'], cartA, cartB, fast, documents };
}
