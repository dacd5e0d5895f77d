/**
 * What SDKs report through GetSamplingTargets (RequestCount, SampledCount, BorrowCount per rule),
 * summed across clients per rule and 10-second window (the window of each statistics document's
 * Timestamp), for GetSamplingStatisticSummaries. The last `maxWindows` windows per rule are kept
 * (default 60: ten minutes); statistics of deleted rules are forgotten.
 */
export interface SamplingStatisticSummary {
  RuleName: string;
  /** Start of the 10-second window, epoch seconds. */
  Timestamp: number;
  RequestCount: number;
  BorrowCount: number;
  SampledCount: number;
}

export const WINDOW_S = 10;

export class SamplingStatistics {
  /** rule -> window start -> summary (Map order: oldest window first). */
  private readonly rules = new Map<string, Map<number, SamplingStatisticSummary>>();

  constructor(private readonly maxWindows = 60) {}

  record(rule: string, timestampS: number, requests: number, sampled: number, borrowed: number): void {
    const start = Math.floor(timestampS / WINDOW_S) * WINDOW_S;
    let windows = this.rules.get(rule);
    if (!windows) this.rules.set(rule, (windows = new Map()));
    let s = windows.get(start);
    if (!s) {
      windows.set(start, (s = { RuleName: rule, Timestamp: start, RequestCount: 0, BorrowCount: 0, SampledCount: 0 }));
      // Reports arrive in time order; a late one for an old window may briefly exceed the bound.
      while (windows.size > this.maxWindows) windows.delete(Math.min(...windows.keys()));
    }
    s.RequestCount += requests;
    s.SampledCount += sampled;
    s.BorrowCount += borrowed;
  }

  /** Every kept summary, by rule name, then oldest window first. */
  summaries(): SamplingStatisticSummary[] {
    const out: SamplingStatisticSummary[] = [];
    for (const rule of [...this.rules.keys()].sort()) {
      out.push(...[...this.rules.get(rule)!.values()].sort((a, b) => a.Timestamp - b.Timestamp).map((s) => ({ ...s })));
    }
    return out;
  }

  forgetRule(rule: string): void {
    this.rules.delete(rule);
  }
}
