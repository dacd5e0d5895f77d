/**
 * GetSamplingTargets for the local backend: each rule's reservoir (ReservoirSize traces per second)
 * is shared among the clients (ClientID) that reported statistics for it recently, so together they
 * sample at most ReservoirSize per second: each gets floor(R/n), and the first R mod n clients (by
 * ClientID) one more. A client counts as active for `activeWindowMs` after its last report; each
 * rule tracks at most `maxClientsPerRule` clients (the least recently seen is forgotten first).
 */
import { invalidRequest } from '../api/xray-api-error.js';
import { isObject, optNumber, reqNumber, reqString } from '../api/fields.js';
import type { SamplingRules } from './sampling-rules.js';
import { SamplingStatistics } from './sampling-statistics.js';

/** Seconds between an SDK's target polls (what X-Ray answers, and what SDKs expect). */
export const TARGET_INTERVAL_S = 10;

export interface SamplingTargetDocument {
  RuleName: string;
  FixedRate: number;
  ReservoirQuota: number;
  /** Epoch seconds. */
  ReservoirQuotaTTL: number;
  Interval: number;
}

export interface UnprocessedStatistics {
  RuleName?: string;
  ErrorCode: string;
  Message: string;
}

export interface SamplingTargetsResult {
  SamplingTargetDocuments: SamplingTargetDocument[];
  LastRuleModification: number;
  UnprocessedStatistics: UnprocessedStatistics[];
}

export interface SamplingTargetsOptions {
  activeWindowMs?: number;
  maxClientsPerRule?: number;
}

/** Statistics documents per request (X-Ray's limit). */
export const MAX_STATISTICS_DOCUMENTS = 25;

export class SamplingTargets {
  /** rule name -> client id -> last report (ms); Map order = least recently seen first. */
  private readonly clients = new Map<string, Map<string, number>>();
  private readonly activeWindowMs: number;
  private readonly maxClientsPerRule: number;
  /** What the clients reported, for GetSamplingStatisticSummaries. */
  readonly statistics = new SamplingStatistics();

  constructor(
    private readonly rules: SamplingRules,
    options: SamplingTargetsOptions = {},
  ) {
    this.activeWindowMs = options.activeWindowMs ?? 3 * TARGET_INTERVAL_S * 1000;
    this.maxClientsPerRule = options.maxClientsPerRule ?? 1000;
  }

  /** Answers one GetSamplingTargets request (its `SamplingStatisticsDocuments`). */
  report(documents: unknown[]): SamplingTargetsResult {
    const now = this.rules.now();
    const reported: { rule: string; client: string; at: number; requests: number; sampled: number; borrowed: number }[] = [];
    const unprocessed: UnprocessedStatistics[] = [];
    documents.forEach((raw, i) => {
      const path = `SamplingStatisticsDocuments[${i}]`;
      if (!isObject(raw)) throw invalidRequest(`${path} must be an object`);
      const rule = reqString(raw, 'RuleName', `${path}.RuleName`, 32);
      const client = reqString(raw, 'ClientID', `${path}.ClientID`, 24, 24);
      const at = reqNumber(raw, 'Timestamp', `${path}.Timestamp`);
      const requests = reqNumber(raw, 'RequestCount', `${path}.RequestCount`, { integer: true, min: 0 });
      const sampled = reqNumber(raw, 'SampledCount', `${path}.SampledCount`, { integer: true, min: 0 });
      const borrowed = optNumber(raw, 'BorrowCount', `${path}.BorrowCount`, { integer: true, min: 0 }) ?? 0;
      if (!this.rules.get(rule)) {
        unprocessed.push({ RuleName: rule, ErrorCode: '400', Message: `no sampling rule named "${rule}"` });
        return;
      }
      reported.push({ rule, client, at, requests, sampled, borrowed });
    });
    for (const r of reported) {
      this.touch(r.rule, r.client, now);
      this.statistics.record(r.rule, r.at, r.requests, r.sampled, r.borrowed);
    }
    const targets: SamplingTargetDocument[] = [];
    for (const { rule, client } of reported) {
      const record = this.rules.get(rule);
      if (!record || targets.some((t) => t.RuleName === rule)) continue;
      targets.push({
        RuleName: rule,
        FixedRate: record.SamplingRule.FixedRate,
        ReservoirQuota: this.quota(rule, client, record.SamplingRule.ReservoirSize, now),
        ReservoirQuotaTTL: Math.floor(now / 1000) + 2 * TARGET_INTERVAL_S,
        Interval: TARGET_INTERVAL_S,
      });
    }
    return { SamplingTargetDocuments: targets, LastRuleModification: this.rules.lastModified, UnprocessedStatistics: unprocessed };
  }

  private touch(rule: string, client: string, now: number): void {
    let seen = this.clients.get(rule);
    if (!seen) this.clients.set(rule, (seen = new Map()));
    seen.delete(client);
    seen.set(client, now);
    for (const [id, at] of seen) {
      if (now - at <= this.activeWindowMs && seen.size <= this.maxClientsPerRule) break;
      seen.delete(id);
    }
  }

  /** This client's share of the rule's per-second reservoir among the active clients. */
  private quota(rule: string, client: string, reservoir: number, now: number): number {
    const seen = this.clients.get(rule);
    const active = seen ? [...seen].filter(([, at]) => now - at <= this.activeWindowMs).map(([id]) => id) : [];
    if (active.length === 0) return reservoir;
    active.sort();
    const rank = Math.max(0, active.indexOf(client));
    return Math.floor(reservoir / active.length) + (rank < reservoir % active.length ? 1 : 0);
  }

  /** Forgets clients of deleted rules (called after DeleteSamplingRule). */
  forgetRule(rule: string): void {
    this.clients.delete(rule);
    this.statistics.forgetRule(rule);
  }
}
