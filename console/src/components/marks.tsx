import { errorPosition } from '../../../src/console/model/filter-text.js';
import type { Health } from '../../../src/console/model/health.js';

const LABELS: Record<Exclude<Health, 'ok'>, string> = { fault: 'Fault', error: 'Error', throttle: 'Throttle' };

/** Fault / error / throttle pills; a trace can carry several (a throttle is also an error). */
export function Marks(props: { fault?: boolean; error?: boolean; throttle?: boolean }) {
  const marks: Exclude<Health, 'ok'>[] = [];
  if (props.fault === true) marks.push('fault');
  if (props.throttle === true) marks.push('throttle');
  else if (props.error === true) marks.push('error');
  if (marks.length === 0) return null;
  return (
    <span class="marks">
      {marks.map((m) => (
        <span key={m} class={`pill pill-${m}`}>
          {LABELS[m]}
        </span>
      ))}
    </span>
  );
}

/** An HTTP status colored by class: 4xx like errors, 429 like throttles, 5xx like faults. */
export function HttpStatus(props: { status: number | undefined }) {
  const { status } = props;
  if (status === undefined) return <span class="muted">–</span>;
  const cls = status >= 500 ? 'fault' : status === 429 ? 'throttle' : status >= 400 ? 'error' : 'ok';
  return <span class={`status status-${cls}`}>{status}</span>;
}

/** The inline message for a failed API call; filter errors point at the position they name. */
export function ErrorNote(props: { error: Error; source?: string }) {
  const position = props.source === undefined ? undefined : errorPosition(props.error.message, props.source.length);
  return (
    <div class="error-note" role="alert">
      <span class="error-text">{props.error.message}</span>
      {position !== undefined && props.source !== undefined && (
        <pre class="error-caret" aria-hidden="true">
          {props.source}
          {'\n'}
          {' '.repeat(position)}
          <span class="caret">^</span>
        </pre>
      )}
    </div>
  );
}
