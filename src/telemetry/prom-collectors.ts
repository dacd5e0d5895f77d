/**
 * The prom-client side of the daemon's metrics (names documented in docs/metrics.md), in a module of
 * its own so prom-client is loaded only when metrics are first needed (see daemon-metrics.ts).
 */
import { createRequire } from 'node:module';
import type * as Prom from 'prom-client';
import { BACKEND_ERROR_CLASSES, type BackendErrorClass } from './counters.js';
import type { DaemonMetricsDeps, UploadObserver } from './daemon-metrics.js';

// required, not imported: Node keeps a failed ESM import failed for the life of the process (an
// EMFILE while the files are read would break /metrics until restart); a failed require is retried
const { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } = createRequire(import.meta.url)('prom-client') as typeof Prom;
type Registry = Prom.Registry;
type Counter = Prom.Counter;
type Gauge = Prom.Gauge;

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
 * Counters are read from `Counters.snapshot()` at scrape time, so /metrics, /healthz and telemetry
 * always agree; gauges from `stats` (absent in the local backend: those gauges read 0); refusals
 * from the counts daemon-metrics.ts keeps.
 */
export function buildDaemonRegistry(deps: DaemonMetricsDeps, refusals: ReadonlyMap<string, number>): { registry: Registry; upload: UploadObserver } {
  const registry = lazyDefaultsRegistry(deps.processMetrics !== false);
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
  fromSnapshot('xrayd_segments_replayed_total', 'Segment documents recovered from the disk spool at start (left undelivered by an earlier run).', (s) => s.replayed);
  const byReason = (name: string, help: string, read: () => Record<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(read())) this.inc({ reason }, n);
      },
    });
  byReason(
    'xrayd_segments_dropped_total',
    'Segment documents dropped, by reason: buffer-full, retry-window, shutdown, spool-full, spool-unwritable (their sum is xrayd_segments_spillover_total).',
    () => deps.counters.dropsByReason(),
  );
  byReason(
    'xrayd_segments_rejected_by_reason_total',
    'Rejected datagrams and documents, by reason: no-newline, empty-body, bad-header, unprocessed, refused (their sum is xrayd_segments_rejected_total).',
    () => deps.counters.rejectionsByReason(),
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
  if (deps.spool) {
    const spool = deps.spool;
    gauge('xrayd_spool_bytes', 'Bytes of spool files on disk.', () => spool().bytes);
    gauge('xrayd_spool_limit_bytes', 'The spool limit (Spool.MaxMB); past it the oldest undelivered segments are dropped.', () => spool().limitBytes);
    gauge('xrayd_spool_segments', 'Undelivered segment documents in spool files.', () => spool().segments);
    gauge('xrayd_spool_oldest_age_seconds', 'Age of the oldest spool file (0 when the spool is empty).', () => spool().oldestAgeSeconds);
    gauge('xrayd_spool_writable', '1 while the spool directory takes writes, 0 while it fails (segments then wait in memory only).', () => (spool().writable ? 1 : 0));
    gauge('xrayd_spool_corrupt_bytes', 'Bytes of torn or corrupt spool data skipped since start (e.g. a record cut by a crash).', () => spool().corruptBytes);
  }
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

  new Counter({
    name: 'xrayd_http_requests_refused_total',
    help: 'HTTP requests refused before any route ran, by reason (host, origin, sec-fetch-site, content-type, connections, body-bytes, accept-failed).',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of refusals) this.inc({ reason }, n);
    },
  });
  return { registry, upload };
}

/**
 * prom-client's default collectors cost even when nobody looks: the event-loop monitor wakes the
 * process ~100 times a second and the GC observer runs on every collection. They start with the
 * first scrape instead, so a daemon nobody scrapes stays asleep between its own timers.
 */
function lazyDefaultsRegistry(withDefaults: boolean): Registry {
  let pendingDefaults = withDefaults;
  return new (class extends Registry {
    override async metrics(): Promise<string> {
      if (pendingDefaults) {
        pendingDefaults = false;
        collectDefaultMetrics({ register: this });
      }
      return super.metrics();
    }
  })();
}
