import type { ComponentChildren } from 'preact';
import { HttpStatus, Marks } from '../components/marks.js';
import { annotationFilter } from '../../../src/console/model/filter-text.js';
import { formatDateTime, formatDuration } from '../../../src/console/model/format.js';
import { withoutChildren, type ExceptionInfo, type WaterfallRow } from '../../../src/console/model/segment-tree.js';

type Pairs = [string, unknown][];

/** Everything a segment document says about one row, most useful first. */
export function SegmentDetails(props: { row: WaterfallRow; traceStart: number; onFindTraces: (filter: string) => void }) {
  const { row, traceStart, onFindTraces } = props;
  const doc = row.doc;
  const request = doc.http?.request ?? {};
  const response = doc.http?.response ?? {};
  const annotations = Object.entries(doc.annotations ?? {});
  const metadata = Object.entries(doc.metadata ?? {});
  const aws = Object.entries(doc.aws ?? {});
  const sql = Object.entries(doc.sql ?? {});
  const overview: Pairs = [
    ['Id', doc.id],
    ['Parent', doc.parent_id],
    ['Start', `${formatDateTime(row.start)}  (+${formatDuration(row.start - traceStart)})`],
    ['End', row.end === undefined ? 'in progress' : formatDateTime(row.end)],
    ['Duration', row.end === undefined ? undefined : formatDuration(row.end - row.start)],
    ['Origin', doc.origin],
    ['Namespace', doc.namespace],
    ['User', doc.user],
    ['Resource ARN', doc.resource_arn],
  ];

  return (
    <aside class="details" aria-label="Selected segment details">
      <header class="details-head">
        <div class="details-kind">{row.inferred ? 'Inferred segment' : row.isSegment ? 'Segment' : 'Subsegment'}</div>
        <h2 title={row.name}>{row.name}</h2>
        <div class="details-sub">
          {row.end !== undefined && <strong>{formatDuration(row.end - row.start)}</strong>}
          {typeof response.status === 'number' && <HttpStatus status={response.status} />}
          <Marks fault={doc.fault} error={doc.error} throttle={doc.throttle} />
        </div>
      </header>
      {(row.exceptions.length > 0 || row.causeRef !== undefined) && (
        <Section title={row.exceptions.length === 1 ? 'Exception' : 'Exceptions'}>
          {row.exceptions.length === 0 && <p class="muted">Caused by exception {row.causeRef}, not found in this trace.</p>}
          {row.exceptions.map((ex, i) => (
            <ExceptionBlock key={ex.id ?? i} ex={ex} />
          ))}
        </Section>
      )}
      <Section title="Overview">
        <Fields pairs={overview} />
      </Section>
      {(Object.keys(request).length > 0 || Object.keys(response).length > 0) && (
        <Section title="HTTP">
          <Fields pairs={[...Object.entries(request).map(([k, v]): [string, unknown] => [`request.${k}`, v]), ...Object.entries(response).map(([k, v]): [string, unknown] => [`response.${k}`, v])]} />
        </Section>
      )}
      {aws.length > 0 && (
        <Section title="AWS">
          <Fields pairs={aws} />
        </Section>
      )}
      {sql.length > 0 && (
        <Section title="SQL">
          <Fields pairs={sql} />
        </Section>
      )}
      {annotations.length > 0 && (
        <Section title="Annotations">
          <dl class="fields">
            {annotations.map(([key, value]) => {
              const filter = annotationFilter(key, value);
              return (
                <div key={key} class="field">
                  <dt>{key}</dt>
                  <dd class="annotation">
                    <span>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</span>
                    {filter !== undefined && (
                      <button type="button" class="link small" title={filter} onClick={() => onFindTraces(filter)}>
                        traces with this →
                      </button>
                    )}
                  </dd>
                </div>
              );
            })}
          </dl>
        </Section>
      )}
      {metadata.length > 0 && (
        <Section title="Metadata">
          {metadata.map(([namespace, value]) => (
            <div key={namespace} class="meta-ns">
              <div class="meta-ns-name">{namespace}</div>
              <pre class="json">{pretty(value)}</pre>
            </div>
          ))}
        </Section>
      )}
      <details class="raw">
        <summary>Raw document</summary>
        <pre class="json">{pretty(withoutChildren(doc))}</pre>
      </details>
    </aside>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="details-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function Fields({ pairs }: { pairs: Pairs }) {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (shown.length === 0) return <p class="muted">Nothing recorded.</p>;
  return (
    <dl class="fields">
      {shown.map(([k, v]) => (
        <div key={k} class="field">
          <dt>{k}</dt>
          <dd>{typeof v === 'object' ? <pre class="json">{pretty(v)}</pre> : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function ExceptionBlock({ ex }: { ex: ExceptionInfo }) {
  return (
    <div class="exception">
      <div class="exception-head">
        <span class="exception-type">{ex.type ?? 'Exception'}</span>
        {ex.remote === true && <span class="pill pill-neutral" title="Raised by a downstream service">remote</span>}
      </div>
      {ex.message !== undefined && <p class="exception-message">{ex.message}</p>}
      {ex.stack.length > 0 && (
        <ol class="stack">
          {ex.stack.map((f, i) => (
            <li key={i}>
              <span class="frame-label">{f.label ?? '(anonymous)'}</span>
              <span class="frame-path">
                {f.path ?? ''}
                {f.line !== undefined ? `:${f.line}` : ''}
              </span>
            </li>
          ))}
        </ol>
      )}
      {(ex.truncated ?? 0) > 0 && <p class="muted small">{ex.truncated} more frames not recorded.</p>}
      {(ex.skipped ?? 0) > 0 && <p class="muted small">{ex.skipped} exceptions skipped.</p>}
    </div>
  );
}

function pretty(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
