import type { Logger } from '../log/logger.js';
import type { Counters, CounterValues } from './counters.js';

/** One PutTelemetryRecords record (XRAY-FACTS §3). */
export interface TelemetryRecord {
  Timestamp: number;
  SegmentsReceivedCount: number;
  SegmentsSentCount: number;
  SegmentsSpilloverCount: number;
  SegmentsRejectedCount: number;
  BackendConnectionErrors: {
    TimeoutCount: number;
    ConnectionRefusedCount: number;
    HTTPCode4XXCount: number;
    HTTPCode5XXCount: number;
    UnknownHostCount: number;
    OtherCount: number;
  };
}

export interface TelemetryIdentity {
  hostname?: string;
  instanceId?: string;
  resourceArn?: string;
}

/** Sends one PutTelemetryRecords body; resolves true when X-Ray accepted it. */
export type TelemetrySend = (body: string) => Promise<boolean>;

const MAX_KEPT_RECORDS = 30;
const RECORDS_PER_CALL = 10;

export function toRecord(v: CounterValues, timestampSeconds: number): TelemetryRecord {
  const e = v.backendErrors;
  return {
    Timestamp: timestampSeconds,
    SegmentsReceivedCount: v.received,
    SegmentsSentCount: v.sent,
    SegmentsSpilloverCount: v.spillover,
    SegmentsRejectedCount: v.rejected,
    BackendConnectionErrors: {
      TimeoutCount: e.timeout,
      ConnectionRefusedCount: e.refused,
      HTTPCode4XXCount: e.http4xx,
      HTTPCode5XXCount: e.http5xx,
      UnknownHostCount: e.unknownHost,
      OtherCount: e.other,
    },
  };
}

/**
 * The daemon's own counters to X-Ray, one record per interval. Each record holds the increments of
 * its interval (taken atomically from Counters, so nothing is lost or counted twice). Records that
 * fail to send are kept (at most 30, oldest dropped) and go with the next call, 10 per call. Nothing
 * is reported until the first datagram arrives (as the reference does). `finish()` is called after
 * the final flush, so the last record's Sent includes the final batches.
 */
export interface TelemetryState {
  keptRecords: number;
  /** Present while calls fail: the last reason and when the episode started. */
  failing?: { reason: string; since: string };
}

export class TelemetryReporter {
  private pending: TelemetryRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private finished: Promise<void> | undefined;

  constructor(
    private readonly counters: Counters,
    private readonly send: TelemetrySend,
    private readonly identity: TelemetryIdentity,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    /** Counts each failed call (the daemon's background-failure counter in /metrics). */
    private readonly onFailure?: () => void,
  ) {}

  private failure: { reason: string; since: string } | undefined;

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) => this.logger.warn({ err }, 'telemetry tick failed; trying again next interval'));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Records kept for sending (for tests and /healthz). */
  get keptRecords(): number {
    return this.pending.length;
  }

  /** Takes this interval's record (if anything was ever received) and sends what is kept. */
  async tick(): Promise<void> {
    if (this.counters.snapshot().received === 0) return;
    this.pending.push(toRecord(this.counters.takeInterval(), Math.floor(this.now() / 1000)));
    if (this.pending.length > MAX_KEPT_RECORDS) {
      const dropped = this.pending.length - MAX_KEPT_RECORDS;
      this.pending.splice(0, dropped);
      this.logger.warn({ dropped }, 'telemetry records could not be sent and were dropped (keeping the newest 30)');
    }
    await this.flush();
  }

  private flush(): Promise<void> {
    // one flush at a time: a slow call must not let two flushes send the same records
    this.sending ??= this.sendKept().finally(() => (this.sending = undefined));
    return this.sending;
  }

  /** Whether telemetry is being delivered, for /healthz. Not a readiness problem: segments may still flow. */
  state(): TelemetryState {
    return { keptRecords: this.pending.length, ...(this.failure ? { failing: { ...this.failure } } : {}) };
  }

  private failed(reason: string): void {
    this.onFailure?.();
    if (this.failure) {
      this.failure.reason = reason;
      return;
    }
    this.failure = { reason, since: new Date(this.now()).toISOString() };
    this.logger.warn({ reason, kept: this.pending.length }, 'telemetry records could not be sent; keeping them and trying again every interval');
  }

  private async sendKept(): Promise<void> {
    while (this.pending.length > 0) {
      const chunk = this.pending.slice(0, RECORDS_PER_CALL);
      const body = JSON.stringify({
        TelemetryRecords: chunk,
        EC2InstanceId: this.identity.instanceId,
        Hostname: this.identity.hostname,
        ResourceARN: this.identity.resourceArn,
      });
      let ok = false;
      let reason = 'PutTelemetryRecords was not accepted';
      try {
        ok = await this.send(body);
      } catch (err) {
        reason = (err as Error).message;
      }
      if (!ok) {
        this.failed(reason); // one warn line per episode; the records wait for the next interval
        return;
      }
      if (this.failure) this.logger.info({ since: this.failure.since }, 'telemetry records are delivered again');
      this.failure = undefined;
      this.pending.splice(0, chunk.length);
    }
  }

  /** Stops the timer and sends one last record (call after the final flush). Idempotent. */
  finish(): Promise<void> {
    this.finished ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      if (this.intervalMs <= 0) return;
      await this.sending;
      await this.tick();
    })();
    return this.finished;
  }
}
