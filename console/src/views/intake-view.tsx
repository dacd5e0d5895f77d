import { useCallback, useState } from 'preact/hooks';
import { getIntake, getTraceRecord, type Intake, type TraceRecord } from '../api/debug-client.js';
import { ErrorNote } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { formatBytes, formatClock, formatCount } from '../../../src/console/model/format.js';

export interface IntakeViewProps {
  /** The trace id looked up (from the URL), if any. */
  lookup: string | undefined;
  live: boolean;
  pollMs: number;
  onLookup: (traceId: string | undefined) => void;
}

const clock = (iso: string) => formatClock(Date.parse(iso) / 1000);

/**
 * What happened at the daemon's door: "why is my trace missing" answered by the trace ledger, recent
 * rejections and drops with their reasons and a sample of the offending bytes, X-Ray's (or the store's)
 * recent error codes, and the disk spool's state.
 */
export function IntakeView({ lookup, live, pollMs, onLookup }: IntakeViewProps) {
  const intake = usePoll(useCallback((signal: AbortSignal) => getIntake(signal), []), 'intake', { live, intervalMs: pollMs, active: true });
  const [text, setText] = useState(lookup ?? '');
  return (
    <section class="intake-view" aria-label="Intake">
      <form
        class="filter-bar"
        onSubmit={(e) => {
          e.preventDefault();
          onLookup(text.trim() === '' ? undefined : text.trim());
        }}
      >
        <label class="filter-field">
          <span class="visually-hidden">Trace id</span>
          <input value={text} placeholder="Why is my trace missing? Paste a trace id: 1-5759e988-bd862e3fe1be46a994272793" onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <button type="submit" class="button primary">
          Look up
        </button>
      </form>
      {lookup !== undefined && <TraceLookup traceId={lookup} live={live} pollMs={pollMs} />}
      {intake.error !== undefined && <ErrorNote error={intake.error} />}
      {intake.data !== undefined && <IntakeLists data={intake.data} />}
    </section>
  );
}

function TraceLookup({ traceId, live, pollMs }: { traceId: string; live: boolean; pollMs: number }) {
  const record = usePoll(useCallback((signal: AbortSignal) => getTraceRecord(traceId, signal), [traceId]), traceId, { live, intervalMs: pollMs, active: true });
  return (
    <div class="intake-card" aria-label="Trace record">
      <h2>
        Trace <code>{traceId}</code>
      </h2>
      {record.error !== undefined && <p class="muted">{record.error.message}</p>}
      {record.data !== undefined && <TraceEvents record={record.data} />}
    </div>
  );
}

function TraceEvents({ record }: { record: TraceRecord }) {
  return (
    <table class="intake-table">
      <thead>
        <tr>
          <th>Segment</th>
          <th>Time</th>
          <th>Event</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {record.segments.flatMap((s) =>
          s.events.map((e, i) => (
            <tr key={`${s.id}-${i}`}>
              <td>{i === 0 ? <code>{s.id}</code> : ''}</td>
              <td>{clock(e.at)}</td>
              <td>
                <span class={`event event-${e.event}`}>{e.event}</span>
              </td>
              <td>{e.detail}</td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}

function IntakeLists({ data }: { data: Intake }) {
  const c = data.counters;
  const reasons = [...Object.entries(c.rejectedByReason).map(([r, n]) => ['rejected', r, n] as const), ...Object.entries(c.droppedByReason).map(([r, n]) => ['dropped', r, n] as const)];
  return (
    <div class="intake-grid">
      <div class="intake-card" aria-label="Counters">
        <h2>Since start</h2>
        <p>
          received <strong>{formatCount(c.received)}</strong> · sent <strong>{formatCount(c.sent)}</strong> · rejected <strong>{formatCount(c.rejected)}</strong> · dropped{' '}
          <strong>{formatCount(c.spillover)}</strong>
          {c.replayed > 0 && (
            <>
              {' '}
              · replayed from the spool <strong>{formatCount(c.replayed)}</strong>
            </>
          )}
        </p>
        {reasons.length > 0 && (
          <ul class="reason-list">
            {reasons.map(([kind, reason, n]) => (
              <li key={`${kind}-${reason}`}>
                {kind} · {reason}: <strong>{formatCount(n)}</strong>
              </li>
            ))}
          </ul>
        )}
        <h2>Spool</h2>
        {data.spool === null ? (
          <p class="muted">No disk spool (aws backend with --spool-dir only).</p>
        ) : (
          <p>
            {formatBytes(data.spool.bytes)} of {formatBytes(data.spool.limitBytes)} · {formatCount(data.spool.segments)} segments waiting · oldest file{' '}
            {Math.round(data.spool.oldestAgeSeconds)} s · {data.spool.writable ? 'writable' : <strong class="bad">not writable (holding in memory)</strong>}
            <br />
            <code class="muted">{data.spool.directory}</code>
          </p>
        )}
      </div>
      <div class="intake-card" aria-label="Recent rejections and drops">
        <h2>Recent rejections and drops</h2>
        {data.problems.length === 0 ? (
          <p class="muted">None since start.</p>
        ) : (
          <table class="intake-table">
            <thead>
              <tr>
                <th>Last</th>
                <th>Kind</th>
                <th>Reason</th>
                <th>Count</th>
                <th>Sample of the bytes</th>
              </tr>
            </thead>
            <tbody>
              {data.problems.map((p) => (
                <tr key={`${p.firstAt}-${p.kind}-${p.reason}`}>
                  <td>{clock(p.lastAt)}</td>
                  <td>{p.kind}</td>
                  <td>{p.reason}</td>
                  <td>{formatCount(p.count)}</td>
                  <td>
                    <code class="sample">{p.sample}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div class="intake-card" aria-label="Recent backend error codes">
        <h2>Recent backend error codes</h2>
        {data.backendErrors.length === 0 ? (
          <p class="muted">None since start.</p>
        ) : (
          <table class="intake-table">
            <thead>
              <tr>
                <th>Last</th>
                <th>Code</th>
                <th>Count</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {data.backendErrors.map((e) => (
                <tr key={`${e.firstAt}-${e.code}`}>
                  <td>{clock(e.lastAt)}</td>
                  <td>
                    <code>{e.code}</code>
                  </td>
                  <td>{formatCount(e.count)}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
