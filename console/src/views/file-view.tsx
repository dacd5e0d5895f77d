import { useState } from 'preact/hooks';
import type { Trace } from '../../../src/console/model/xray-types.js';
import { formatDateTime, formatDuration } from '../../../src/console/model/format.js';
import { MAX_TRACE_FILE_BYTES } from '../../../src/console/model/trace-file-limits.js';
import { buildWaterfall } from '../../../src/console/model/segment-tree.js';

export interface OpenedFile {
  name: string;
  traces: Trace[];
  skipped: number;
}

interface Props {
  file: OpenedFile | undefined;
  onFile: (file: OpenedFile | undefined) => void;
  onOpen: (id: string) => void;
}

/**
 * Open a file: drop, or pick, the output of `aws xray batch-get-traces`. The file is read in the
 * browser and kept in memory only while the page is open; nothing is sent to the daemon or stored.
 */
export function FileView({ file, onFile, onOpen }: Props) {
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const read = async (picked: File | undefined) => {
    if (picked === undefined) return;
    if (picked.size > MAX_TRACE_FILE_BYTES) {
      setProblem(`${picked.name} is ${(picked.size / 2 ** 20).toFixed(0)} MiB; files up to ${MAX_TRACE_FILE_BYTES / 2 ** 20} MiB can be opened.`);
      return;
    }
    // Loaded on first use: the OTLP translation it carries is most of the console's code.
    const { readTraceFile } = await import('../../../src/console/model/trace-file.js');
    const result = readTraceFile(await picked.text());
    if (result.kind !== 'traces') {
      setProblem(`${picked.name}: ${result.message}`);
      return;
    }
    setProblem(undefined);
    onFile({ name: picked.name, traces: result.traces, skipped: result.skipped });
    if (result.traces.length === 1) onOpen(result.traces[0].Id);
  };

  return (
    <section class="file-view" aria-label="Open a file">
      <div
        class={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void read(e.dataTransfer?.files[0]);
        }}
      >
        <p class="empty-title">Drop a trace file here</p>
        <p class="file-note">
          The output of <code>aws xray batch-get-traces --trace-ids …</code> (<code>{'{"Traces": [...]}'}</code>) or an OTLP JSON file
          (<code>{'{"resourceSpans": [...]}'}</code>, translated as the daemon translates OTLP). It is read in this browser tab only:
          nothing is uploaded or stored.
        </p>
        <label class="button">
          Choose a file…
          <input
            type="file"
            name="trace-file"
            accept=".json,application/json"
            class="visually-hidden"
            onChange={(e) => {
              void read(e.currentTarget.files?.[0]);
              e.currentTarget.value = '';
            }}
          />
        </label>
      </div>
      {problem !== undefined && (
        <div class="error-note" role="alert">
          {problem}
        </div>
      )}
      {file !== undefined && (
        <>
          <div class="status-line">
            <span>
              <strong>{file.traces.length}</strong> {file.traces.length === 1 ? 'trace' : 'traces'} in <code>{file.name}</code>
              {file.skipped > 0 ? ` (${file.skipped} without segments skipped)` : ''}
            </span>
            <span class="spacer" />
            <button type="button" class="button ghost small" onClick={() => onFile(undefined)}>
              Close the file
            </button>
          </div>
          <table class="file-list" aria-label="Traces in the file">
            <thead>
              <tr>
                <th>Trace ID</th>
                <th>Start</th>
                <th>Duration</th>
                <th>Documents</th>
              </tr>
            </thead>
            <tbody>
              {file.traces.map((t) => (
                <FileTraceRow key={t.Id} trace={t} onOpen={onOpen} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function FileTraceRow({ trace, onOpen }: { trace: Trace; onOpen: (id: string) => void }) {
  const waterfall = buildWaterfall(trace);
  return (
    <tr
      class="file-trace"
      data-id={trace.Id}
      tabIndex={0}
      onClick={() => onOpen(trace.Id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen(trace.Id);
      }}
    >
      <td class="mono">{trace.Id}</td>
      <td>{waterfall.rows.length > 0 ? formatDateTime(waterfall.start) : '–'}</td>
      <td class="num">{formatDuration(trace.Duration ?? waterfall.end - waterfall.start)}</td>
      <td class="num">{trace.Segments?.length ?? 0}</td>
    </tr>
  );
}
