import type { Logger } from './logger.js';

/**
 * One warn line per episode instead of one per event: the first event of an episode is logged at
 * once; later ones are summed and logged as one line per `intervalMs` with the total. Used for
 * drops and rejections, which can happen thousands of times a second.
 */
export class EpisodeWarning {
  private pending = 0;
  private lastDetail: Record<string, unknown> | undefined;
  private lastLoggedAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly message: string,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records `count` events; `detail` (e.g. the last reason) is attached to the next line. */
  add(count: number, detail?: Record<string, unknown>): void {
    this.pending += count;
    this.lastDetail = detail;
    if (this.now() - this.lastLoggedAt >= this.intervalMs) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs - (this.now() - this.lastLoggedAt));
      this.timer.unref();
    }
  }

  /** Logs what is pending now (also called on shutdown so no count goes unreported). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === 0) return;
    this.logger.warn({ count: this.pending, ...this.lastDetail }, this.message);
    this.pending = 0;
    this.lastLoggedAt = this.now();
  }
}
