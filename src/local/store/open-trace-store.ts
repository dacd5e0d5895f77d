/**
 * Builds the local store: memory only, or backed by the persistence log at `storePath` (replayed
 * first, so traces survive a restart; the same limits apply to what is replayed).
 */
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import { StoreLogFormatError, isStateRecord } from './log-record.js';
import { type ReplayReport, replaySegmentLog } from './replay-segment-log.js';
import { SegmentLog, segmentLogHealth } from './segment-log.js';
import type { BackgroundFaults } from '../../health/background-faults.js';
import { type StoreInput, type TraceObserver, TraceStore } from './trace-store.js';
import { parseSegment } from './validate-segment.js';

export interface OpenTraceStoreOptions {
  maxSegments: number;
  maxMB: number;
  /** Persistence log; undefined = memory only. */
  path?: string;
  logger?: Logger;
  /** The log is compacted once it exceeds both this size and twice the live documents' size. */
  compactMinBytes?: number;
  /** Where write and compaction failures are reported (/healthz, /metrics); a private one if absent. */
  faults?: BackgroundFaults;
  /** Told of every trace change, replay included (the time-series rollups). */
  observers?: TraceObserver[];
  /** Receives the state records of the log, in order, during replay. */
  onStateRecord?: (text: string) => void;
  /** The live state records, which every compaction (the one right after replay too) writes first. */
  stateTexts?: () => Iterable<string>;
}

/** Appends state records to the log. */
export interface StateLog {
  append(texts: readonly string[]): void;
}

export interface OpenedTraceStore {
  store: TraceStore;
  /** Undefined in memory-only mode. */
  stateLog?: StateLog;
  /** Waits for a running compaction, closes the log (fsync); idempotent, a no-op in memory-only mode. */
  close(): Promise<void>;
}

/** Replay batch size: documents are handed to the store in batches like live traffic. */
const REPLAY_BATCH = 500;

export async function openTraceStore(options: OpenTraceStoreOptions): Promise<OpenedTraceStore> {
  const logger = (options.logger ?? silentLogger).child({ component: 'local-store' });
  const store = new TraceStore({ maxSegments: options.maxSegments, maxBytes: Math.floor(options.maxMB * 1024 * 1024) });
  for (const o of options.observers ?? []) store.addObserver(o);
  const path = options.path;
  if (!path) return { store, close: async () => {} };

  let batch: StoreInput[] = [];
  let invalid = 0;
  const onRecord = (text: string): void => {
    if (isStateRecord(text)) {
      store.putMany(batch); // state records apply in log order, after the documents before them
      batch = [];
      options.onStateRecord?.(text);
      return;
    }
    const check = parseSegment(text);
    if (!check.ok) {
      invalid += 1;
      return;
    }
    batch.push({ doc: check.doc, text });
    if (batch.length >= REPLAY_BATCH) {
      store.putMany(batch);
      batch = [];
    }
  };
  let report: ReplayReport;
  let log: SegmentLog;
  try {
    report = await replaySegmentLog(path, onRecord);
    store.putMany(batch);
    log = new SegmentLog(path, options.compactMinBytes, logger, options.faults && segmentLogHealth(options.faults, logger));
    if (options.stateTexts) log.setStateSource(options.stateTexts);
  } catch (err) {
    if (err instanceof StoreLogFormatError) throw err;
    throw new Error(`cannot use the store log ${path}: ${(err as Error).message}`, { cause: err });
  }
  store.attachJournal(log);
  // What the limits evicted during replay, and replaced in-progress versions, are dead weight.
  log.afterBatch(store.stats().bytes, () => store.liveTexts());
  const stats = store.stats();
  if (report.corrupt > 0 || invalid > 0) {
    logger.warn({ path, corrupt: report.corrupt, truncatedBytes: report.truncatedBytes, invalid }, 'store log had unreadable records; they were skipped');
  }
  logger.info({ path, records: report.records, traces: stats.traces, segments: stats.segments }, 'store log replayed');
  let closing: Promise<void> | undefined;
  return {
    store,
    stateLog: { append: (texts) => log.append(texts) },
    close: () => (closing ??= log.close()),
  };
}
