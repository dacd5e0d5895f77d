/**
 * The OTLP exporter as a second, independent pipeline next to the main one: its own bounded
 * SegmentBuffer, its own Dispatcher (batching, concurrency, shared backoff, retry window) and its
 * own Counters, in front of OtlpExportSink. The daemon hands it every accepted document; a slow or
 * dead OTLP receiver only ever fills this buffer (oldest dropped, counted as spillover), never the
 * one that feeds X-Ray or the local store. With a spool directory the buffer is a disk spool of its
 * own (`<Spool.Directory>/otlp-export`): what the receiver does not take promptly waits on disk
 * across outages and restarts, exactly as for X-Ray.
 */
import { Agent } from 'undici';
import type { DaemonConfig } from '../config/config.js';
import { bufferBudgetBytes } from '../config/buffer-size.js';
import type { ComponentHealth } from '../health/component-health.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import type { Logger } from '../log/logger.js';
import { Dispatcher } from '../pipeline/dispatcher.js';
import type { SendOutcome } from '../pipeline/segment-sink.js';
import { SegmentBuffer } from '../pipeline/segment-buffer.js';
import { Counters } from '../telemetry/counters.js';
import { otlpTracesUrl } from './otlp-endpoint.js';
import { OtlpExportSink } from './otlp-export-sink.js';
import { ADOT_UNSAMPLED_PREFIX, otlpDocument } from './otlp-export-batch.js';
import type { OtlpSpan, OtlpTraceRequest } from '../otlp/proto/otlp-trace-codec.js';
import type { SpooledBuffer, SpoolOptions } from '../spool/spooled-buffer.js';
import { NO_RECORDER } from '../ledger/ledger-recorder.js';

/** Where the exporter spools, and the spool's constructor (its module is loaded only when configured). */
export interface ExportSpool {
  dir: string;
  maxBytes: number;
  open: (opts: SpoolOptions) => SpooledBuffer;
}

/** Segment documents per export request: up to 64 x 64 KB UDP documents, under receivers' usual 4+ MB limits. */
export const OTLP_BATCH_DOCUMENTS = 64;

export interface OtlpExportOptions {
  config: DaemonConfig;
  logger: Logger;
  health: ComponentHealth;
  userAgent: string;
  /** Called after every export attempt (for the duration histogram). */
  onAttempt?: (outcome: SendOutcome, durationMs: number) => void;
  /** A disk spool behind the export buffer (Spool.Directory), and its /healthz component. */
  spool?: ExportSpool;
  spoolHealth?: ComponentHealth;
}

export class OtlpExport {
  readonly counters = new Counters();
  readonly buffer: SegmentBuffer | SpooledBuffer;
  /** The disk spool, when configured (then it is the buffer). */
  readonly spool: SpooledBuffer | undefined;
  readonly sink: OtlpExportSink;
  readonly url: URL;
  /** Top-level in-progress documents not exported (their completed version is). */
  inProgressSkipped = 0;
  /** ADOT `T1U` (unsampled) span datagrams, not exported. */
  unsampledSkipped = 0;
  private readonly dispatcher: Dispatcher;
  private readonly agent: Agent;
  private readonly spillWarning: EpisodeWarning;

  constructor(private readonly opts: OtlpExportOptions) {
    const { config, logger, health } = opts;
    this.url = otlpTracesUrl(config.otlpEndpoint!);
    const timeout = config.requestTimeoutMs;
    this.agent = new Agent({ connections: config.concurrency + 1, connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout });
    this.sink = new OtlpExportSink({ url: this.url, headers: config.otlpHeaders, compression: config.otlpCompression, dispatcher: this.agent, userAgent: opts.userAgent });
    this.spillWarning = new EpisodeWarning(logger, 'OTLP export buffer full: oldest segments dropped from the export (spillover); X-Ray/local delivery is not affected');
    const memoryBytes = bufferBudgetBytes(config.bufferMemoryMB);
    this.spool = opts.spool?.open({
      dir: opts.spool.dir,
      maxBytes: opts.spool.maxBytes,
      memoryLimitBytes: memoryBytes,
      counters: this.counters,
      recorder: NO_RECORDER, // the trace ledger follows delivery to X-Ray / the local store
      health: opts.spoolHealth ?? health,
      logger: logger.child({ component: 'otlp-export-spool' }),
    });
    this.buffer =
      this.spool ??
      new SegmentBuffer(memoryBytes, (n) => {
        this.counters.spillover(n);
        this.spillWarning.add(n, { limitBytes: this.buffer.limitBytes, endpoint: this.url.origin });
      });
    this.dispatcher = new Dispatcher({
      buffer: this.buffer,
      sink: this.sink,
      counters: this.counters,
      logger,
      batchSize: OTLP_BATCH_DOCUMENTS,
      flushIntervalMs: config.flushIntervalMs,
      concurrency: config.concurrency,
      // with a spool a batch is never given up: it waits (on disk if memory is short) until exported
      retryWindowMs: this.spool ? Number.MAX_SAFE_INTEGER : config.retryWindowMs,
      drainStopsOnFailure: this.spool !== undefined,
      retryBaseDelayMs: config.retryBaseDelayMs,
      retryMaxDelayMs: config.retryMaxDelayMs,
      onAttempt: (outcome, durationMs) => {
        if (outcome.status === 'success') health.recover();
        else health.fail(`OTLP receiver ${this.url.origin}: ${outcome.message}${outcome.status === 'retryable' ? ' (retrying)' : ' (batch dropped)'}`);
        opts.onAttempt?.(outcome, durationMs);
      },
    });
  }

  /** Takes one accepted UDP document: segment JSON, or an ADOT span body (`T1S` exported as is, `T1U` skipped). */
  push(document: Buffer | string): void {
    const text = typeof document === 'string' ? document : document.toString('utf8');
    this.counters.received();
    if (isInProgress(text)) {
      this.inProgressSkipped++;
      return;
    }
    if (text.startsWith(ADOT_UNSAMPLED_PREFIX)) {
      this.unsampledSkipped++;
      return;
    }
    this.buffer.push(text, typeof document === 'string' ? Buffer.byteLength(text) : document.length);
    this.dispatcher.notify();
  }

  /**
   * Takes spans that arrived as OTLP (the OTLP intake): exported as they came, not translated, in
   * the same buffer and batches as segment documents.
   */
  pushOtlp(request: OtlpTraceRequest): void {
    const valid = withValidIds(request);
    if (!(valid.resourceSpans ?? []).some((rs) => (rs.scopeSpans ?? []).some((ss) => ss.spans?.length))) return;
    const text = otlpDocument(valid);
    this.counters.received();
    this.buffer.push(text, text.length);
    this.dispatcher.notify();
  }

  /** Starts exporting what an earlier run left in the spool (the daemon calls it once it runs). */
  resume(): void {
    if (this.spool && !this.spool.isEmpty) this.dispatcher.notify();
  }

  get inFlight(): number {
    return this.dispatcher.inFlight;
  }

  /** For /healthz. */
  describe(): Record<string, unknown> {
    const last = this.dispatcher.lastSuccessfulUploadAt;
    return {
      endpoint: this.url.href,
      compression: this.opts.config.otlpCompression,
      buffer: { usedBytes: this.buffer.usedBytes, limitBytes: this.buffer.limitBytes },
      ...(this.spool ? { spool: this.spool.stats() } : {}),
      inFlightBatches: this.inFlight,
      lastSuccessfulExport: last ? new Date(last).toISOString() : null,
      counters: { ...this.counters.snapshot(), inProgressSkipped: this.inProgressSkipped, unsampledSkipped: this.unsampledSkipped, spansSent: this.sink.spans.sent, spansRejected: this.sink.spans.rejected },
      ...(this.sink.lastPartialSuccess ? { lastPartialSuccess: this.sink.lastPartialSuccess } : {}),
    };
  }

  /**
   * Exports what is held for up to `timeoutMs`; what is left stays in the spool for the next start,
   * or without one is counted as spillover and logged.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    const { undelivered } = await this.dispatcher.drain(timeoutMs);
    if (this.spool) this.spool.close(); // what is left stays on disk for the next start (counted and logged there)
    else if (undelivered > 0) {
      this.counters.spillover(undelivered);
      this.opts.logger.error({ undelivered }, 'shutdown deadline reached before every segment was exported over OTLP; these were dropped');
    }
    this.dispatcher.flushWarnings();
    this.spillWarning.flush();
    await this.agent.close().catch(() => undefined);
  }
}

/**
 * The request without spans whose trace or span id is missing, zero or of the wrong length: the
 * intake already refused them (partial_success), and a receiver that refuses a request over one
 * bad span would drop the valid spans batched with it. Copies only when something is left out.
 */
function withValidIds(request: OtlpTraceRequest): OtlpTraceRequest {
  const ok = (id: Uint8Array | undefined, length: number) => !!id && id.length === length && id.some((b) => b !== 0);
  const valid = (s: OtlpSpan) => ok(s.traceId, 16) && ok(s.spanId, 8);
  const all = request.resourceSpans ?? [];
  if (all.every((rs) => (rs.scopeSpans ?? []).every((ss) => (ss.spans ?? []).every(valid)))) return request;
  return { resourceSpans: all.map((rs) => ({ ...rs, scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({ ...ss, spans: (ss.spans ?? []).filter(valid) })) })) };
}

/**
 * True for a top-level `"in_progress": true` document. The substring test keeps JSON.parse off the
 * hot path for the common, completed case; only candidates are parsed.
 */
function isInProgress(text: string): boolean {
  if (!text.includes('"in_progress"')) return false;
  try {
    return (JSON.parse(text) as { in_progress?: unknown }).in_progress === true;
  } catch {
    return false; // the sink rejects it with a reason
  }
}
