import type { Registry } from 'prom-client';
import { BACKEND_ERROR_CLASSES, type Counters } from './counters.js';
import type { CredentialState } from '../xray/credential-errors.js';

/** What the pipeline reports about itself at scrape time (implemented by the buffer/uploader). */
export interface PipelineStats {
  /** Bytes of segment documents held in the buffer now. */
  bufferBytes(): number;
  /** The buffer's budget in bytes (past it, the oldest segments are dropped as spillover). */
  bufferLimitBytes(): number;
  /** Upload requests currently on the wire. */
  batchesInFlight(): number;
}

export type UploadOutcome = 'success' | 'retryable' | 'failure';

/** The uploader calls this once per PutTraceSegments attempt. */
export interface UploadObserver {
  observe(durationMs: number, outcome: UploadOutcome): void;
}

/** What /metrics serves: the exposition text, from our own registry (never prom-client's global one). */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface DaemonMetrics {
  registry: MetricsSource;
  upload: UploadObserver;
}

/** Observations kept while prom-client loads (it loads with the first upload or scrape). */
const MAX_PENDING_OBSERVATIONS = 10_000;

/** Upload latency buckets in seconds: X-Ray answers in tens of ms; our timeout defaults to 2 s. */
const UPLOAD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

/**
 * The daemon's Prometheus metrics (names documented in docs/metrics.md). Counters are read from
 * `Counters.snapshot()` at scrape time, so /metrics, /healthz and telemetry always agree; gauges
 * from `stats` (absent in the local backend: those gauges read 0).
 */
export function createDaemonMetrics(deps: {
  counters: Counters;
  stats?: PipelineStats;
  credentials?: { state(): CredentialState };
  /** Process metrics (CPU, memory, event loop lag, GC); on by default, started by the first scrape. */
  processMetrics?: boolean;
}): DaemonMetrics {
  let loaded: { registry: Registry; uploads: { observe(labels: { outcome: UploadOutcome }, seconds: number): void } } | undefined;
  let loading: Promise<NonNullable<typeof loaded>> | undefined;
  const pending: [UploadOutcome, number][] = [];
  // prom-client is loaded on first use, not at startup (~50 ms and a few MB a daemon nobody scrapes never needs)
  const load = () =>
    (loading ??= import('prom-client').then((prom) => {
      loaded = buildRegistry(prom, deps);
      for (const [outcome, seconds] of pending.splice(0)) loaded.uploads.observe({ outcome }, seconds);
      return loaded;
    }));
  return {
    registry: {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      metrics: async () => (await load()).registry.metrics(),
    },
    upload: {
      observe(durationMs, outcome) {
        if (!Number.isFinite(durationMs) || durationMs < 0) return;
        if (loaded) return loaded.uploads.observe({ outcome }, durationMs / 1000);
        if (pending.length >= MAX_PENDING_OBSERVATIONS) pending.shift();
        pending.push([outcome, durationMs / 1000]);
        void load();
      },
    },
  };
}

function buildRegistry(prom: typeof import('prom-client'), deps: Parameters<typeof createDaemonMetrics>[0]) {
  const { Counter, Gauge, Histogram } = prom;
  const registry = lazyDefaultsRegistry(prom, deps.processMetrics !== false);
  const registers = [registry];
  const snap = () => deps.counters.snapshot();

  const fromSnapshot = (name: string, help: string, pick: (s: ReturnType<typeof snap>) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(pick(snap()));
      },
    });
  fromSnapshot('xrayd_segments_received_total', 'Non-empty datagrams received on the UDP port.', (s) => s.received);
  fromSnapshot('xrayd_segments_sent_total', 'Segment documents the backend accepted.', (s) => s.sent);
  fromSnapshot('xrayd_segments_spillover_total', 'Segment documents dropped because the buffer was full.', (s) => s.spillover);
  fromSnapshot(
    'xrayd_segments_rejected_total',
    'Malformed datagrams, and documents the backend refused (unprocessed or non-retryable answer).',
    (s) => s.rejected,
  );
  new Counter({
    name: 'xrayd_backend_errors_total',
    help: 'Failed backend calls by class (timeout, refused, http4xx, http5xx, unknownHost, other).',
    labelNames: ['class'],
    registers,
    collect() {
      this.reset();
      const errors = snap().backendErrors;
      for (const c of BACKEND_ERROR_CLASSES) this.inc({ class: c }, errors[c]);
    },
  });

  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge('xrayd_buffer_bytes', 'Bytes of segment documents waiting in the buffer.', () => deps.stats?.bufferBytes() ?? 0);
  gauge('xrayd_buffer_limit_bytes', 'The buffer budget in bytes; past it the oldest segments are dropped.', () => deps.stats?.bufferLimitBytes() ?? 0);
  gauge('xrayd_batches_in_flight', 'Upload requests in progress.', () => deps.stats?.batchesInFlight() ?? 0);
  if (deps.credentials) {
    const creds = deps.credentials;
    gauge('xrayd_credentials_resolved', '1 when the last credential fetch succeeded, 0 when it failed, -1 before the first.', () => {
      const s = creds.state().status;
      return s === 'resolved' ? 1 : s === 'failing' ? 0 : -1;
    });
  }

  const uploads = new Histogram({
    name: 'xrayd_upload_duration_seconds',
    help: 'Duration of PutTraceSegments attempts, by outcome (success, retryable, failure).',
    labelNames: ['outcome'],
    buckets: UPLOAD_BUCKETS,
    registers,
  });

  return { registry, uploads };
}

/**
 * prom-client's default collectors cost even when nobody looks: the event-loop monitor wakes the
 * process ~100 times a second and the GC observer runs on every collection. They start with the
 * first scrape instead, so a daemon nobody scrapes stays asleep between its own timers.
 */
function lazyDefaultsRegistry(prom: typeof import('prom-client'), withDefaults: boolean): Registry {
  let pendingDefaults = withDefaults;
  return new (class extends prom.Registry {
    override async metrics(): Promise<string> {
      if (pendingDefaults) {
        pendingDefaults = false;
        prom.collectDefaultMetrics({ register: this });
      }
      return super.metrics();
    }
  })();
}
