/**
 * How a background task (store writes, compaction, sockets, discovery, the upload path...) reports
 * that it failed or works again: one place that logs once per episode, counts every failure by
 * component (for /metrics) and opens or closes the component's problem in the HealthRegistry (for
 * /healthz and /readyz). The task itself catches the error where it happens and decides when to
 * retry; this only makes the failure visible.
 */
import type { Logger } from '../log/logger.js';
import type { HealthRegistry } from './component-health.js';

export interface FaultHandle {
  /** A failure: counted; logged when it opens an episode; /healthz shows `reason`. */
  failed(err: unknown, detail?: Record<string, unknown>): void;
  /** Works again: closes the episode (one info line with how many failures it had). */
  recovered(): void;
  readonly failing: boolean;
}

/** `err` as a short reason: the errno code and message, never a stack. */
export function faultReason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export class BackgroundFaults {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly health: HealthRegistry,
    private readonly logger: Logger,
  ) {}

  /**
   * A handle for one component. `message` is the error line that opens an episode (say what is
   * lost meanwhile and what happens next); `logger` defaults to the registry's.
   */
  component(name: string, message: string, logger: Logger = this.logger): FaultHandle {
    const health = this.health.component(name);
    const counts = this.counts;
    let failures = 0;
    return {
      failed(err, detail) {
        counts.set(name, (counts.get(name) ?? 0) + 1);
        failures += 1;
        const reason = faultReason(err);
        if (!health.failing) logger.error({ component: name, reason, ...detail }, message);
        health.fail(reason);
      },
      recovered() {
        if (!health.failing) return;
        health.recover();
        logger.info({ component: name, failures }, `${name} works again`);
        failures = 0;
      },
      get failing() {
        return health.failing;
      },
    };
  }

  /** A one-off failure with no episode (e.g. the last-resort process handlers): counted only. */
  count(component: string): void {
    this.counts.set(component, (this.counts.get(component) ?? 0) + 1);
  }

  /** Failures so far by component (for /metrics). */
  totals(): ReadonlyMap<string, number> {
    return this.counts;
  }
}
