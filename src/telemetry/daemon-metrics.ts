import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import { BACKEND_ERROR_CLASSES, type BackendErrorClass, type Counters } from './counters.js';
import type { CredentialState } from '../xray/credential-errors.js';
import type { BackgroundFaults } from '../health/background-faults.js';

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

export interface DaemonMetrics {
  /** Our own registry (never prom-client's global one): two daemons in one process never collide. */
  registry: Registry;
  upload: UploadObserver;
  /** The request guard calls this once per refused request or failed accept (see docs/metrics.md). */
  refused(reason: string): void;
}

/** Refusal reasons, pre-set to 0 so dashboards see every series before the first attack. */
const REFUSAL_REASONS = ['host', 'origin', 'sec-fetch-site', 'content-type', 'connections', 'body-bytes', 'accept-failed'];

/** Upload latency buckets in seconds: X-Ray answers in tens of ms; our timeout defaults to 2 s. */
const UPLOAD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

/** A counter whose value is read at scrape time from counters kept elsewhere (never incremented here). */
export function collectedCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** A gauge read at scrape time. */
export function collectedGauge(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** Failed calls by error class, read at scrape time. */
export function errorClassCounter(registry: Registry, name: string, help: string, read: () => Record<BackendErrorClass, number>): Counter {
  return new Counter({
    name,
    help,
    labelNames: ['class'],
    registers: [registry],
    collect() {
      this.reset();
      const errors = read();
      for (const c of BACKEND_ERROR_CLASSES) this.inc({ class: c }, errors[c]);
    },
  });
}

/** A histogram of attempt durations by outcome, and the observer that feeds it. */
export function durationHistogram(registry: Registry, name: string, help: string): UploadObserver {
  const histogram = new Histogram({ name, help, labelNames: ['outcome'], buckets: UPLOAD_BUCKETS, registers: [registry] });
  return {
    observe(durationMs, outcome) {
      if (Number.isFinite(durationMs) && durationMs >= 0) histogram.observe({ outcome }, durationMs / 1000);
    },
  };
}

/**
 * The daemon's Prometheus metrics (names documented in docs/metrics.md). Counters are read from
 * `Counters.snapshot()` at scrape time, so /metrics, /healthz and telemetry always agree; gauges
 * from `stats` (absent in the local backend: those gauges read 0).
 */
export function createDaemonMetrics(deps: {
  counters: Counters;
  stats?: PipelineStats;
  credentials?: { state(): CredentialState };
  /** The TCP listener's load against its limits (src/http/connection-limits.ts). */
  http?: { connections(): number; inFlightBodyBytes(): number };
  /** The same for the OTLP/HTTP listener (`Socket.OTLPAddress`), which has limits of its own. */
  otlpHttp?: { connections(): number; inFlightBodyBytes(): number };
  /** Background failures by component, and the open problems (/healthz `degraded`). */
  faults?: BackgroundFaults;
  /** Process metrics (CPU, memory, event loop lag, GC); on by default. */
  processMetrics?: boolean;
}): DaemonMetrics {
  const registry = new Registry();
  const snap = () => deps.counters.snapshot();

  const fromSnapshot = (name: string, help: string, pick: (s: ReturnType<typeof snap>) => number) => collectedCounter(registry, name, help, () => pick(snap()));
  fromSnapshot('xrayd_segments_received_total', 'Non-empty datagrams received on the UDP port.', (s) => s.received);
  fromSnapshot('xrayd_segments_sent_total', 'Segment documents the backend accepted.', (s) => s.sent);
  fromSnapshot('xrayd_segments_spillover_total', 'Segment documents dropped because the buffer was full.', (s) => s.spillover);
  fromSnapshot(
    'xrayd_segments_rejected_total',
    'Malformed datagrams, and documents the backend refused (unprocessed or non-retryable answer).',
    (s) => s.rejected,
  );
  errorClassCounter(registry, 'xrayd_backend_errors_total', 'Failed backend calls by class (timeout, refused, http4xx, http5xx, unknownHost, other).', () => snap().backendErrors);

  const gauge = (name: string, help: string, read: () => number) => collectedGauge(registry, name, help, read);
  gauge('xrayd_buffer_bytes', 'Bytes of segment documents waiting in the buffer.', () => deps.stats?.bufferBytes() ?? 0);
  gauge('xrayd_buffer_limit_bytes', 'The buffer budget in bytes; past it the oldest segments are dropped.', () => deps.stats?.bufferLimitBytes() ?? 0);
  gauge('xrayd_batches_in_flight', 'Upload requests in progress.', () => deps.stats?.batchesInFlight() ?? 0);
  gauge('xrayd_http_connections', 'Open connections on the TCP port (capped by Socket.MaxConnections).', () => deps.http?.connections() ?? 0);
  gauge('xrayd_http_body_bytes_in_flight', 'Request body bytes admitted and being received (capped by Socket.MaxInFlightBodyBytes).', () => deps.http?.inFlightBodyBytes() ?? 0);
  gauge('xrayd_otlp_http_connections', 'Open connections on the OTLP/HTTP port (capped by Socket.MaxConnections, counted apart from the TCP port).', () => deps.otlpHttp?.connections() ?? 0);
  gauge('xrayd_otlp_http_body_bytes_in_flight', 'Request body bytes admitted and being received on the OTLP/HTTP port (capped by Socket.MaxInFlightBodyBytes).', () => deps.otlpHttp?.inFlightBodyBytes() ?? 0);
  if (deps.credentials) {
    const creds = deps.credentials;
    gauge('xrayd_credentials_resolved', '1 when the last credential fetch succeeded, 0 when it failed, -1 before the first.', () => {
      const s = creds.state().status;
      return s === 'resolved' ? 1 : s === 'failing' ? 0 : -1;
    });
  }

  if (deps.faults) {
    const faults = deps.faults;
    new Counter({
      name: 'xrayd_background_failures_total',
      help: 'Failures of background tasks (store, store-compaction, udp, upload, credentials, discovery, process), by component.',
      labelNames: ['component'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [component, n] of faults.totals()) this.inc({ component }, n);
      },
    });
    gauge('xrayd_degraded', '1 while a background component reports a problem (/healthz status degraded, /readyz 503), else 0.', () =>
      faults.health.degraded ? 1 : 0,
    );
  }

  const upload = durationHistogram(registry, 'xrayd_upload_duration_seconds', 'Duration of PutTraceSegments attempts, by outcome (success, retryable, failure).');

  const refusals = new Counter({
    name: 'xrayd_http_requests_refused_total',
    help: 'HTTP requests refused before any route ran, by reason (host, origin, sec-fetch-site, content-type, connections, body-bytes, accept-failed).',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of REFUSAL_REASONS) refusals.inc({ reason }, 0);

  if (deps.processMetrics !== false) collectDefaultMetrics({ register: registry });

  return { registry, refused: (reason) => refusals.inc({ reason }), upload };
}
