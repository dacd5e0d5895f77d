import type { Logger } from '../log/logger.js';
import type { Counters, CounterValues } from './counters.js';

/**
 * One info line per period with what flowed through (instead of a line per batch), and nothing
 * when nothing happened.
 */
export class SummaryLog {
  private timer: NodeJS.Timeout | undefined;
  private last: CounterValues;

  constructor(
    private readonly counters: Counters,
    private readonly bufferBytes: () => number,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.last = counters.snapshot();
  }

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.log(), this.intervalMs);
    this.timer.unref();
  }

  log(): void {
    const now = this.counters.snapshot();
    const d = (k: 'received' | 'sent' | 'spillover' | 'rejected') => now[k] - this.last[k];
    const delta = { received: d('received'), sent: d('sent'), spillover: d('spillover'), rejected: d('rejected') };
    this.last = now;
    if (Object.values(delta).every((v) => v === 0)) return;
    this.logger.info({ ...delta, bufferBytes: this.bufferBytes(), periodMs: this.intervalMs }, 'segments in the last period');
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
