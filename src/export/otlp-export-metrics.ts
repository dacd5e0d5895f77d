/**
 * The OTLP exporter's Prometheus metrics, in the daemon's registry (names in docs/metrics.md): the
 * same set as the X-Ray pipeline's, prefixed `xrayd_otlp_export_`, plus span counts. Values are read
 * from the exporter at scrape time, so /metrics and /healthz agree.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BACKEND_ERROR_CLASSES, type CounterValues } from '../telemetry/counters.js';
import type { UploadObserver } from '../telemetry/daemon-metrics.js';
import type { OtlpExport } from './otlp-export.js';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

export function registerOtlpExportMetrics(registry: Registry, e: OtlpExport): UploadObserver {
  const registers = [registry];
  const counter = (name: string, help: string, read: (e: OtlpExport, c: CounterValues) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(e, e.counters.snapshot()));
      },
    });
  counter('xrayd_otlp_export_segments_received_total', 'Segment documents handed to the OTLP exporter.', (_, c) => c.received);
  counter('xrayd_otlp_export_segments_sent_total', 'Segment documents in export requests the OTLP receiver accepted.', (_, c) => c.sent);
  counter('xrayd_otlp_export_segments_spillover_total', 'Segment documents dropped from the export: its buffer was full, or the retry window closed.', (_, c) => c.spillover);
  counter('xrayd_otlp_export_segments_rejected_total', 'Segment documents not exported: untranslatable, or in a batch the receiver refused (e.g. 400).', (_, c) => c.rejected);
  counter('xrayd_otlp_export_in_progress_skipped_total', 'In-progress segment documents not exported (their completed version is).', (e) => e.inProgressSkipped);
  counter('xrayd_otlp_export_spans_sent_total', 'Spans the OTLP receiver accepted.', (e) => e.sink.spans.sent);
  counter('xrayd_otlp_export_spans_rejected_total', 'Spans the OTLP receiver reported as rejected (partial_success).', (e) => e.sink.spans.rejected);
  new Counter({
    name: 'xrayd_otlp_export_errors_total',
    help: 'Failed OTLP export requests by class (timeout, refused, http4xx, http5xx, unknownHost, other).',
    labelNames: ['class'],
    registers,
    collect() {
      this.reset();
      const errors = e.counters.snapshot().backendErrors;
      for (const c of BACKEND_ERROR_CLASSES) this.inc({ class: c }, errors[c]);
    },
  });
  const gauge = (name: string, help: string, read: (e: OtlpExport) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(e));
      },
    });
  gauge('xrayd_otlp_export_buffer_bytes', 'Bytes of segment documents waiting in the OTLP export buffer.', (e) => e.buffer.usedBytes);
  gauge('xrayd_otlp_export_buffer_limit_bytes', 'The OTLP export buffer budget in bytes; past it the oldest documents are dropped.', (e) => e.buffer.limitBytes);
  gauge('xrayd_otlp_export_batches_in_flight', 'OTLP export requests in progress.', (e) => e.inFlight);
  const durations = new Histogram({
    name: 'xrayd_otlp_export_duration_seconds',
    help: 'Duration of OTLP export attempts, by outcome (success, retryable, failure).',
    labelNames: ['outcome'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  return {
    observe(durationMs, outcome) {
      if (Number.isFinite(durationMs) && durationMs >= 0) durations.observe({ outcome }, durationMs / 1000);
    },
  };
}
