/**
 * Where received OTLP spans go: into the daemon's one segment buffer, as documents, so they share
 * its byte budget, batching, retries, telemetry and counters with UDP segments.
 * - `local`: translated to segment documents, any trace id (the local store joins the pieces);
 * - `segments` (aws backend, default): translated, only X-Ray trace ids (PutTraceSegments refuses
 *   others); spans with other ids are rejected with a reason and a log line saying what to change;
 * - `upload` (aws backend, --otlp-upload): each span as its own small OTLP request (an
 *   `OTLP_DOCUMENT_PREFIX` document) that the uploader sends to X-Ray's OTLP endpoint.
 */
import type { Logger } from '../log/logger.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import { encodeTraceRequest, type OtlpTraceRequest } from './proto/otlp-trace-codec.js';
import { translateRequest, type TranslateOptions } from './otlp-to-xray.js';
import type { OtlpSpanRejection, OtlpStats } from './otlp-stats.js';

export type OtlpIntakeMode = 'local' | 'segments' | 'upload';

import { OTLP_DOCUMENT_PREFIX } from './otlp-document.js';

export { OTLP_DOCUMENT_PREFIX };
/** X-Ray's OTLP endpoint refuses spans over 200 KB. */
export const MAX_UPLOAD_SPAN_BYTES = 200 * 1024;

export interface IntakeResult {
  rejectedSpans: number;
  /** For the response's partial_success; empty when nothing was rejected. */
  message: string;
}

const REASONS: Record<OtlpSpanRejection, string> = {
  'invalid-id': 'trace id or span id missing, zero or of the wrong length',
  'non-xray-trace-id':
    'trace id is not an X-Ray trace id (its first 8 hex digits must be a recent epoch second); PutTraceSegments refuses it',
  'span-too-large': `span larger than ${MAX_UPLOAD_SPAN_BYTES} bytes, X-Ray's OTLP limit`,
};

export class OtlpIntake {
  private readonly idWarning: EpisodeWarning;

  constructor(
    private readonly mode: OtlpIntakeMode,
    private readonly translate: Omit<TranslateOptions, 'xrayIdsAt'>,
    /** Adds one document to the segment buffer (and wakes the dispatcher). */
    private readonly push: (text: string) => void,
    private readonly stats: OtlpStats,
    private readonly counters: { received(n: number): void; rejected(n: number): void },
    logger: Logger,
  ) {
    this.idWarning = new EpisodeWarning(
      logger,
      'OTLP spans rejected: their trace ids are not X-Ray trace ids, which PutTraceSegments requires. Either use the X-Ray id generator in the SDK (AWSXRayIdGenerator, @opentelemetry/id-generator-aws-xray; ADOT does this by default) or start xrayd with --otlp-upload to send OTLP to X-Ray (needs CloudWatch Transaction Search)',
    );
  }

  /** Takes every span of a decoded export request; returns what was rejected. */
  accept(request: OtlpTraceRequest): IntakeResult {
    const rejected: Partial<Record<OtlpSpanRejection, number>> = {};
    let spans = 0;
    if (this.mode === 'upload') {
      spans = this.acceptForUpload(request, rejected);
    } else {
      const result = translateRequest(request, { ...this.translate, xrayIdsAt: this.mode === 'segments' ? Math.floor(Date.now() / 1000) : undefined });
      for (const doc of result.documents) this.push(JSON.stringify(doc));
      Object.assign(rejected, result.rejected);
      spans = result.spans;
    }
    let rejectedSpans = 0;
    const parts: string[] = [];
    for (const [reason, n] of Object.entries(rejected) as [OtlpSpanRejection, number][]) {
      this.stats.spansRejected[reason] += n;
      rejectedSpans += n;
      parts.push(`${n} span(s): ${REASONS[reason]}`);
    }
    if (rejected['non-xray-trace-id']) this.idWarning.add(rejected['non-xray-trace-id']);
    this.stats.spansReceived += spans + rejectedSpans;
    this.counters.received(spans + rejectedSpans);
    if (rejectedSpans) this.counters.rejected(rejectedSpans);
    return { rejectedSpans, message: parts.join('; ') };
  }

  /** One OTLP document per span, keeping its resource and scope, ids checked, X-Ray's size limit applied. */
  private acceptForUpload(request: OtlpTraceRequest, rejected: Partial<Record<OtlpSpanRejection, number>>): number {
    let spans = 0;
    for (const rs of request.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          if (!isValidId(span.traceId, 16) || !isValidId(span.spanId, 8)) {
            rejected['invalid-id'] = (rejected['invalid-id'] ?? 0) + 1;
            continue;
          }
          const bytes = encodeTraceRequest({
            resourceSpans: [{ resource: rs.resource, schemaUrl: rs.schemaUrl, scopeSpans: [{ scope: ss.scope, schemaUrl: ss.schemaUrl, spans: [span] }] }],
          });
          if (bytes.length > MAX_UPLOAD_SPAN_BYTES) {
            rejected['span-too-large'] = (rejected['span-too-large'] ?? 0) + 1;
            continue;
          }
          this.push(OTLP_DOCUMENT_PREFIX + Buffer.from(bytes).toString('base64'));
          spans++;
        }
      }
    }
    return spans;
  }

  /** Logs a pending episode (shutdown). */
  flushWarnings(): void {
    this.idWarning.flush();
  }
}

/** An id of the right length that is not all zeros (OTLP: an all-zero id is invalid). */
function isValidId(id: Uint8Array | undefined, length: number): boolean {
  return !!id && id.length === length && id.some((b) => b !== 0);
}
