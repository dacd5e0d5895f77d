/**
 * OpenTelemetry intake counters (OTLP/HTTP requests and spans, ADOT datagrams), next to the
 * daemon's segment counters: spans also count as received/rejected there, so telemetry and the
 * summary line include them. Shown under `otlp` in /healthz and as `xrayd_otlp_*` in /metrics.
 */
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';

export type OtlpRequestOutcome = 'accepted' | 'malformed' | 'unsupportedMediaType' | 'tooLarge' | 'notFound';
/** Why spans were not taken (see otlp-to-xray's SpanRejection, plus intake limits). */
export type OtlpSpanRejection = 'invalid-id' | 'non-xray-trace-id' | 'span-too-large';

export class OtlpStats {
  readonly requests: Record<OtlpRequestOutcome, number> = { accepted: 0, malformed: 0, unsupportedMediaType: 0, tooLarge: 0, notFound: 0 };
  /** Spans in accepted OTLP/HTTP requests and ADOT datagrams. */
  spansReceived = 0;
  readonly spansRejected: Record<OtlpSpanRejection, number> = { 'invalid-id': 0, 'non-xray-trace-id': 0, 'span-too-large': 0 };
  /** ADOT `T1U` spans: counted, never stored (the local backend; the relay forwards them). */
  unsampledSpans = 0;
  /** ADOT datagrams the local backend could not decode. */
  malformedDatagrams = 0;

  snapshot() {
    return {
      requests: { ...this.requests },
      spansReceived: this.spansReceived,
      spansRejected: { ...this.spansRejected },
      unsampledSpans: this.unsampledSpans,
      malformedDatagrams: this.malformedDatagrams,
    };
  }
}

/** The /metrics view of `stats`, read at scrape time. */
export function registerOtlpMetrics(registry: Registry, stats: OtlpStats): void {
  // called once prom-client is loaded (daemon-metrics.ts loads it on first use); require gives that same instance
  const { Counter } = createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
  const registers = [registry];
  new Counter({
    name: 'xrayd_otlp_requests_total',
    help: 'OTLP/HTTP export requests by outcome (accepted, malformed, unsupportedMediaType, tooLarge, notFound).',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const [outcome, n] of Object.entries(stats.requests)) this.inc({ outcome }, n);
    },
  });
  new Counter({
    name: 'xrayd_otlp_spans_received_total',
    help: 'Spans received over OTLP/HTTP and in ADOT UDP datagrams.',
    registers,
    collect() {
      this.reset();
      this.inc(stats.spansReceived);
    },
  });
  new Counter({
    name: 'xrayd_otlp_spans_rejected_total',
    help: 'Spans not taken, by reason (invalid-id, non-xray-trace-id, span-too-large).',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(stats.spansRejected)) this.inc({ reason }, n);
    },
  });
  new Counter({
    name: 'xrayd_otlp_unsampled_spans_total',
    help: 'ADOT T1U (unsampled) spans seen by the local backend: counted, not stored.',
    registers,
    collect() {
      this.reset();
      this.inc(stats.unsampledSpans);
    },
  });
}
