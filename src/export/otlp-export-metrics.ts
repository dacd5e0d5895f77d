/**
 * The OTLP exporter's Prometheus metrics, in the daemon's registry (names in docs/metrics.md): the
 * same set as the X-Ray pipeline's, prefixed `xrayd_otlp_export_`, plus span counts. Values are read
 * from the exporter at scrape time, so /metrics and /healthz agree.
 */
import type { Registry } from 'prom-client';
import type { CounterValues } from '../telemetry/counters.js';
import { collectedCounter, collectedGauge, durationHistogram, errorClassCounter } from '../telemetry/prom-collectors.js';
import type { UploadObserver } from '../telemetry/daemon-metrics.js';
import type { OtlpExport } from './otlp-export.js';

export function registerOtlpExportMetrics(registry: Registry, e: OtlpExport): UploadObserver {
  const counter = (name: string, help: string, read: (c: CounterValues) => number) => collectedCounter(registry, name, help, () => read(e.counters.snapshot()));
  counter('xrayd_otlp_export_segments_received_total', 'Segment documents handed to the OTLP exporter.', (c) => c.received);
  counter('xrayd_otlp_export_segments_sent_total', 'Segment documents in export requests the OTLP receiver accepted.', (c) => c.sent);
  counter('xrayd_otlp_export_segments_spillover_total', 'Segment documents dropped from the export: its buffer was full, or the retry window closed.', (c) => c.spillover);
  counter('xrayd_otlp_export_segments_rejected_total', 'Segment documents not exported: untranslatable, or in a batch the receiver refused (e.g. 400).', (c) => c.rejected);
  counter('xrayd_otlp_export_in_progress_skipped_total', 'In-progress segment documents not exported (their completed version is).', () => e.inProgressSkipped);
  counter('xrayd_otlp_export_unsampled_skipped_total', 'ADOT T1U (unsampled) span datagrams not exported.', () => e.unsampledSkipped);
  counter('xrayd_otlp_export_spans_sent_total', 'Spans the OTLP receiver accepted.', () => e.sink.spans.sent);
  counter('xrayd_otlp_export_spans_rejected_total', 'Spans the OTLP receiver reported as rejected (partial_success).', () => e.sink.spans.rejected);
  errorClassCounter(registry, 'xrayd_otlp_export_errors_total', 'Failed OTLP export requests by class (timeout, refused, http4xx, http5xx, unknownHost, other).', () => e.counters.snapshot().backendErrors);
  const gauge = (name: string, help: string, read: () => number) => collectedGauge(registry, name, help, read);
  gauge('xrayd_otlp_export_buffer_bytes', 'Bytes of segment documents waiting in the OTLP export buffer.', () => e.buffer.usedBytes);
  gauge('xrayd_otlp_export_buffer_limit_bytes', 'The OTLP export buffer budget in bytes; past it the oldest documents are dropped.', () => e.buffer.limitBytes);
  gauge('xrayd_otlp_export_batches_in_flight', 'OTLP export requests in progress.', () => e.inFlight);
  const spool = e.spool;
  if (spool) {
    counter('xrayd_otlp_export_segments_replayed_total', 'Documents recovered from the OTLP export spool at start (left unexported by an earlier run).', (c) => c.replayed);
    gauge('xrayd_otlp_export_spool_bytes', 'Bytes of OTLP export spool files on disk.', () => spool.stats().bytes);
    gauge('xrayd_otlp_export_spool_limit_bytes', "The OTLP export spool's share of Spool.MaxMB; past it the oldest unexported documents are dropped.", () => spool.stats().limitBytes);
    gauge('xrayd_otlp_export_spool_segments', 'Unexported documents in OTLP export spool files.', () => spool.stats().segments);
    gauge('xrayd_otlp_export_spool_oldest_age_seconds', 'Age of the oldest OTLP export spool file (0 when empty).', () => spool.stats().oldestAgeSeconds);
    gauge('xrayd_otlp_export_spool_writable', '1 while the OTLP export spool takes writes, 0 while it fails.', () => (spool.stats().writable ? 1 : 0));
  }
  return durationHistogram(registry, 'xrayd_otlp_export_duration_seconds', 'Duration of OTLP export attempts, by outcome (success, retryable, failure).');
}
