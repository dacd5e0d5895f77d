/**
 * GetTimeSeriesServiceStatistics over the minute rollups.
 *
 * EntitySelectorExpression: `service("name")`, `service(id(name: "n", type: "t"))`, a bare
 * `id(...)` (a service), or `edge("a", "b")` / `edge(id(...), id(...))`. As X-Ray does, a service
 * selector answers ServiceSummaryStatistics (the node's own requests) and an edge selector
 * EdgeSummaryStatistics; without a selector the answer is the edge statistics of the requests
 * entering the group (the client edges). Entries: one per Period (aligned to multiples of it,
 * X-Ray's default 60 s) that holds requests, oldest first.
 *
 * Local forecast (ForecastStatistics, needs a selector as in X-Ray): for each period, the fault
 * counts of the 10 periods before it give a mean m and standard deviation s; FaultCountLow =
 * max(0, floor(m - 2s)), FaultCountHigh = ceil(m + 2s) (both 0 without history).
 */
import { invalidRequest } from '../api/xray-api-error.js';
import type { FilterNode, NodeSelector } from '../filter/ast.js';
import { FilterSyntaxError, FilterUnsupportedError } from '../filter/index.js';
import { parseFilter } from '../filter/parser.js';
import type { ServiceRef } from '../reads/inferred-service.js';
import { Cell, ENTRY_KEY, type Scope, type Series } from './minute-rollups.js';

export type Selector = { kind: 'service'; node: NodeSelector } | { kind: 'edge'; from: NodeSelector; to: NodeSelector } | { kind: 'entry' };

export const MAX_PERIODS = 1440;
const FORECAST_HISTORY = 10;

export function parseSelector(expression: string | undefined): Selector {
  if (expression === undefined || expression.trim() === '') return { kind: 'entry' };
  const text = /^\s*id\s*\(/i.test(expression) ? `service(${expression})` : expression;
  let node: FilterNode;
  try {
    node = parseFilter(text);
  } catch (err) {
    if (err instanceof FilterSyntaxError || err instanceof FilterUnsupportedError) throw invalidRequest(`EntitySelectorExpression: ${err.message}`);
    throw err;
  }
  if (node.kind === 'service' && node.target && !node.filter) return { kind: 'service', node: node.target };
  if (node.kind === 'edge' && !node.filter) return { kind: 'edge', from: node.from, to: node.to };
  throw invalidRequest('EntitySelectorExpression must be one service("name"), edge("a", "b") or id(name: "n", type: "t")');
}

function matches(ref: ServiceRef | undefined, sel: NodeSelector): boolean {
  if (!ref) return false;
  if (sel.name !== undefined && ref.id.Name !== sel.name) return false;
  return sel.type === undefined || ref.id.Type === sel.type;
}

function selected(scope: Scope, sel: Selector): Series[] {
  if (sel.kind === 'entry') {
    const entry = scope.series.get(ENTRY_KEY);
    return entry ? [entry] : [];
  }
  const out: Series[] = [];
  for (const s of scope.series.values()) {
    if (s.aggregate) continue;
    if (sel.kind === 'service' ? !s.edge && matches(s.to, sel.node) : s.edge && matches(s.from, sel.from) && matches(s.to, sel.to)) out.push(s);
  }
  return out;
}

function forecast(history: number[]): { FaultCountHigh: number; FaultCountLow: number } {
  if (history.length === 0) return { FaultCountHigh: 0, FaultCountLow: 0 };
  const mean = history.reduce((a, b) => a + b, 0) / history.length;
  const sd = Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / history.length);
  return { FaultCountHigh: Math.ceil(mean + 2 * sd), FaultCountLow: Math.max(0, Math.floor(mean - 2 * sd)) };
}

export interface TimeSeriesRequest {
  startTime: number;
  endTime: number;
  periodS: number;
  selector: Selector;
  forecast: boolean;
}

/**
 * The `TimeSeriesServiceStatistics` list as JSON text: a minute cell keeps its JSON until it
 * changes, so answering a window of past minutes allocates little beyond the answer itself (on a
 * large heap, allocation is what makes a request slow).
 */
export function timeSeriesJson(scope: Scope | undefined, q: TimeSeriesRequest): string {
  const first = Math.floor(q.startTime / q.periodS) * q.periodS;
  const periods = Math.ceil((q.endTime - first) / q.periodS);
  if (periods > MAX_PERIODS) throw invalidRequest(`The time range holds ${periods} periods of ${q.periodS} s; at most ${MAX_PERIODS} (use a longer Period)`);
  const history = q.forecast ? FORECAST_HISTORY : 0;
  const from = first - history * q.periodS;
  // The minute cells of each period; one alone is answered as it is (no copy).
  const found: Cell[][] = Array.from({ length: periods + history }, () => []);
  const perMinute = q.periodS / 60;
  const firstMinute = from / 60;
  const lastMinute = firstMinute + found.length * perMinute;
  for (const s of scope ? selected(scope, q.selector) : []) {
    if (s.cells.size < lastMinute - firstMinute) {
      for (const [minute, cell] of s.cells) if (minute >= firstMinute && minute < lastMinute) found[Math.floor((minute - firstMinute) / perMinute)].push(cell);
    } else {
      for (let m = firstMinute; m < lastMinute; m++) {
        const cell = s.cells.get(m);
        if (cell) found[Math.floor((m - firstMinute) / perMinute)].push(cell);
      }
    }
  }
  const faults = found.map((list) => list.reduce((n, c) => n + c.fault, 0));
  const out: string[] = [];
  const key = q.selector.kind === 'service' ? 'ServiceSummaryStatistics' : 'EdgeSummaryStatistics';
  for (let i = history; i < found.length; i++) {
    if (found[i].length === 0) continue;
    const c = found[i].length === 1 ? found[i][0] : found[i].reduce((sum, cell) => (sum.merge(cell), sum), new Cell());
    const { statistics, histogram } = c.toJson();
    const forecastJson = q.forecast ? `,"ServiceForecastStatistics":${JSON.stringify(forecast(faults.slice(i - history, i)))}` : '';
    out.push(`{"Timestamp":${from + i * q.periodS},"${key}":${statistics},"ResponseTimeHistogram":${histogram}${forecastJson}}`);
  }
  return `[${out.join(',')}]`;
}
