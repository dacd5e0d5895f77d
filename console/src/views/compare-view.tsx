import { useCallback, useEffect, useMemo } from 'preact/hooks';
import type { Trace } from '../../../src/console/model/xray-types.js';
import { getTrace, getTraceSummaries } from '../api/xray-client.js';
import { ErrorNote } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { formatDuration } from '../../../src/console/model/format.js';
import { buildWaterfall } from '../../../src/console/model/segment-tree.js';
import { byLargestDelta, compareTraces, mostTypical, type CompareNode } from '../../../src/console/model/trace-compare.js';
import { timeWindow } from '../../../src/console/model/time-range.js';

export interface CompareViewProps {
  a: string;
  b: string | undefined;
  sort: 'tree' | 'delta';
  onPick: (a: string, b: string) => void;
  onSort: (sort: 'tree' | 'delta') => void;
  onOpen: (id: string) => void;
  onBack: () => void;
}

interface Pair {
  a: Trace | undefined;
  b: Trace | undefined;
  /** Without a B: the most typical trace of A's URL, or why none was found. */
  typical?: string;
  note?: string;
}

/**
 * Two traces as one merged tree: calls only one of them made, and for shared calls how much slower
 * or faster B was. Without a B, B is the most typical trace (median duration) of A's URL.
 */
export function CompareView({ a, b, sort, onPick, onSort, onOpen, onBack }: CompareViewProps) {
  const load = useCallback(async (signal: AbortSignal): Promise<Pair> => {
    const traceA = await getTrace(a, signal);
    if (b !== undefined) return { a: traceA, b: await getTrace(b, signal) };
    const url = traceA === undefined ? undefined : rootUrl(traceA);
    if (url === undefined) return { a: traceA, b: undefined, note: 'This trace has no URL to find a typical trace of; enter a trace id to compare with.' };
    const { summaries } = await getTraceSummaries({ ...timeWindow('all'), FilterExpression: `http.url = ${JSON.stringify(url)}` }, signal);
    const self = summaries.find((s) => s.Id === a) ?? { Id: a, Http: { HttpURL: url } };
    const typical = mostTypical(self, summaries);
    return typical === undefined ? { a: traceA, b: undefined, note: `No other trace of ${url} is stored to compare with.` } : { a: traceA, b: undefined, typical: typical.Id };
  }, [a, b]);
  const pair = usePoll(load, `${a}\n${b ?? ''}`, { live: false, intervalMs: 60_000, active: true });
  const typicalId = b === undefined ? pair.data?.typical : undefined;
  useEffect(() => {
    if (typicalId !== undefined) onPick(a, typicalId);
  }, [typicalId]);

  const nodes = useMemo(() => {
    if (pair.data?.a === undefined || pair.data.b === undefined) return undefined;
    return compareTraces(buildWaterfall(pair.data.a), buildWaterfall(pair.data.b));
  }, [pair.data]);
  const shown = nodes === undefined ? undefined : sort === 'delta' ? byLargestDelta(nodes) : nodes;
  const counts = nodes === undefined ? undefined : { onlyA: nodes.filter((n) => n.presence === 'onlyA').length, onlyB: nodes.filter((n) => n.presence === 'onlyB').length };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || (e.target as HTMLElement | null)?.closest('input, textarea, select') != null) return;
      onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onBack]);

  return (
    <section class="compare-view" aria-label="Compare traces">
      <div class="trace-head">
        <button type="button" class="button ghost back" onClick={onBack} title="Back (Esc)">
          ← Back
        </button>
        <div class="trace-title">
          <h1>Compare traces</h1>
          <div class="compare-sides">
            <Side label="A" id={a} trace={pair.data?.a} onOpen={onOpen} />
            <Side label="B" id={b} trace={pair.data?.b} onOpen={onOpen} />
            {b !== undefined && (
              <button type="button" class="button small" onClick={() => onPick(b, a)} title="Swap A and B">
                ⇄ Swap
              </button>
            )}
          </div>
        </div>
      </div>
      {pair.error !== undefined && <ErrorNote error={pair.error} />}
      {b === undefined && pair.data?.note !== undefined && <div class="error-note">{pair.data.note}</div>}
      {pair.data !== undefined && (pair.data.a === undefined || (b !== undefined && pair.data.b === undefined)) && (
        <div class="error-note">The daemon does not hold trace {pair.data.a === undefined ? a : b} (any more).</div>
      )}
      {shown !== undefined && counts !== undefined && (
        <>
          <div class="trace-tools">
            <span class="segmented" role="group" aria-label="Order">
              <button type="button" aria-pressed={sort === 'tree'} onClick={() => onSort('tree')}>
                Tree
              </button>
              <button type="button" aria-pressed={sort === 'delta'} onClick={() => onSort('delta')}>
                Largest difference first
              </button>
            </span>
            <span class="muted small">
              <span class="presence presence-onlyA">− only in A</span> {counts.onlyA} · <span class="presence presence-onlyB">+ only in B</span> {counts.onlyB}
            </span>
          </div>
          <div class="table-scroll">
            <table class="compare-table" aria-label="Merged tree of A and B">
              <thead>
                <tr>
                  <th>Call</th>
                  <th>Service</th>
                  <th class="num">A</th>
                  <th class="num">B</th>
                  <th class="num">B − A</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((n) => (
                  <CompareRow key={n.path} node={n} flat={sort === 'delta'} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function CompareRow({ node, flat }: { node: CompareNode; flat: boolean }) {
  const parents = node.path.split('/').slice(1, -1).map((p) => p.replace(/#\d+$/, ''));
  return (
    <tr class={`compare-row presence-${node.presence}`} data-presence={node.presence} data-name={node.name}>
      <td style={flat ? undefined : { paddingLeft: `${10 + Math.min(node.depth, 16) * 14}px` }}>
        {node.presence !== 'both' && <span class={`presence presence-${node.presence}`}>{node.presence === 'onlyA' ? '− only in A' : '+ only in B'}</span>}
        {flat && parents.length > 0 && <span class="muted small">{parents.join(' › ')} › </span>}
        <span class="compare-name">{node.name}</span>
      </td>
      <td class="muted">{node.service}</td>
      <td class="num">{formatDuration(node.durationA)}</td>
      <td class="num">{formatDuration(node.durationB)}</td>
      <td class={`num delta${(node.delta ?? 0) > 0 ? ' slower' : (node.delta ?? 0) < 0 ? ' faster' : ''}`}>
        {node.delta === undefined ? '–' : `${node.delta > 0 ? '+' : node.delta < 0 ? '−' : '±'}${formatDuration(Math.abs(node.delta))}`}
      </td>
    </tr>
  );
}

function Side({ label, id, trace, onOpen }: { label: string; id: string | undefined; trace: Trace | undefined; onOpen: (id: string) => void }) {
  return (
    <span class="compare-side">
      <strong>{label}</strong>
      {id === undefined ? (
        <span class="muted">finding the most typical trace of the same URL…</span>
      ) : (
        <button type="button" class="link mono" onClick={() => onOpen(id)} title="Open this trace">
          {id}
        </button>
      )}
      {trace?.Duration !== undefined && <span class="muted">{formatDuration(trace.Duration)}</span>}
    </span>
  );
}

/** The URL of the trace's first segment that has one (the entry point's). */
function rootUrl(trace: Trace): string | undefined {
  for (const segment of trace.Segments ?? []) {
    try {
      const doc = JSON.parse(segment.Document ?? '{}') as { parent_id?: string; http?: { request?: { url?: unknown } } };
      if (doc.parent_id === undefined && typeof doc.http?.request?.url === 'string') return doc.http.request.url;
    } catch {
      // an unreadable document has no URL to offer
    }
  }
  return undefined;
}
