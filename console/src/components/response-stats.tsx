import type { HistogramEntry } from '../../../src/console/model/xray-types.js';
import { formatCount, formatDuration, formatPercent } from '../../../src/console/model/format.js';
import type { StatCounts } from '../../../src/console/model/health.js';

/** Requests, average response time and the ok/error/throttle/fault split, for a node or an edge. */
export function ResponseStats({ stats }: { stats: StatCounts }) {
  const rows: [string, number, string][] = [
    ['OK', stats.ok, 'ok'],
    ['Error (4xx)', stats.error, 'error'],
    ['Throttle (429)', stats.throttle, 'throttle'],
    ['Fault (5xx)', stats.fault, 'fault'],
  ];
  return (
    <>
      <div class="big-numbers">
        <div>
          <div class="big">{formatCount(stats.total)}</div>
          <div class="muted small">requests</div>
        </div>
        <div>
          <div class="big">{formatDuration(stats.average)}</div>
          <div class="muted small">average response</div>
        </div>
      </div>
      <section class="details-section">
        <h3>Responses</h3>
        <div class="stack-bar" aria-hidden="true">
          {rows.map(([, n, cls]) => (n > 0 ? <span key={cls} class={`bg-${cls}`} style={{ flexGrow: n }} /> : null))}
        </div>
        <table class="stat-table">
          <tbody>
            {rows.map(([label, n, cls]) => (
              <tr key={cls}>
                <td>
                  <span class={`dot dot-${cls}`} /> {label}
                </td>
                <td class="num">{n}</td>
                <td class="num muted">{formatPercent(n, stats.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

export function ResponseHistogram({ entries }: { entries: HistogramEntry[] | undefined }) {
  if (entries === undefined || entries.length === 0) return null;
  return (
    <section class="details-section">
      <h3>Response time distribution</h3>
      <Histogram entries={entries} />
    </section>
  );
}

const BINS = 24;

/** Response times on a linear axis from fastest to slowest, counts binned so one sample is one bar, not a wall. */
function Histogram({ entries }: { entries: HistogramEntry[] }) {
  const points = entries.filter((e) => (e.Count ?? 0) > 0 && Number.isFinite(e.Value ?? Number.NaN));
  if (points.length === 0) return null;
  const values = points.map((e) => e.Value ?? 0);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const bins = new Array<number>(BINS).fill(0);
  for (const e of points) {
    const i = max === min ? Math.floor(BINS / 2) : Math.min(BINS - 1, Math.floor((((e.Value ?? 0) - min) / (max - min)) * BINS));
    bins[i] += e.Count ?? 0;
  }
  const top = Math.max(1, ...bins);
  const width = (max - min) / BINS;
  return (
    <div>
      <div class="histogram">
        {bins.map((count, i) => (
          <span
            key={i}
            class={`histogram-bar${count === 0 ? ' empty' : ''}`}
            style={{ height: `${count === 0 ? 0 : Math.max(6, (count / top) * 100)}%` }}
            title={max === min ? `${formatDuration(min)}: ${count}` : `${formatDuration(min + i * width)} – ${formatDuration(min + (i + 1) * width)}: ${count}`}
          />
        ))}
      </div>
      <div class="histogram-axis muted small">
        <span>{formatDuration(min)}</span>
        {max !== min && <span>{formatDuration(max)}</span>}
      </div>
    </div>
  );
}
