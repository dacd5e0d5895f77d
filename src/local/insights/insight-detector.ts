/**
 * The local insight detector. Every `intervalMs` (config `InsightsIntervalMs`, default 10 s), for
 * each group with InsightsEnabled, it looks at the group's stored traces of the last 60 seconds
 * (at most `maxTraces`, newest first) and their service graph:
 *  - a service (not the client) is anomalous when its faults are at least `minFaults` (10) and at
 *    least `minFaultRatio` (50%) of its requests;
 *  - while any service is anomalous the group has one ACTIVE insight: opened on the first tick
 *    that sees the anomaly, updated (one event per tick) while it lasts, CLOSED on the first tick
 *    that sees none.
 * The insight names the root-cause service (of the faulting traces' fault root causes, the
 * deepest service on the most common path), the client requests impacted (the client edges'
 * requests in the window), the root-cause service's requests, and the anomalous services, most
 * faults first. X-Ray's own detector forecasts from history and differs; NotificationsEnabled has
 * no local effect (nothing is sent to EventBridge).
 * The per-minute rollups come first: when no service of the group has `minFaults` faults in the
 * minutes the window touches (a superset of the window), nothing can be anomalous and the traces
 * are not read, so a quiet group costs next to nothing per tick.
 * A failing tick is caught, logged once per episode and reported to /healthz; the next tick retries.
 */
import type { FaultHandle } from '../../health/background-faults.js';
import { EpisodeWarning } from '../../log/episode-warning.js';
import type { Logger } from '../../log/logger.js';
import type { Group, Groups } from '../groups/groups.js';
import type { ServiceId, ServiceNode } from '../reads/api-types.js';
import { rootCauses } from '../reads/root-causes.js';
import { buildServiceGraph } from '../reads/service-graph.js';
import { indexTrace } from '../reads/trace-index.js';
import type { TraceStore } from '../store/trace-store.js';
import type { MinuteRollups } from '../timeseries/minute-rollups.js';
import type { TraceView } from '../trace-view.js';
import type { Insight, Insights, RequestImpactStatistics } from './insights.js';

export interface DetectorOptions {
  intervalMs: number;
  windowS?: number;
  minFaults?: number;
  minFaultRatio?: number;
  maxTraces?: number;
  now?: () => number;
  /** Where a failing tick is reported (/healthz, /metrics); without it, a warning per episode. */
  fault?: FaultHandle;
  /** When given, groups whose rollups rule out an anomaly are not read trace by trace. */
  rollups?: MinuteRollups;
}

function impact(n: ServiceNode | undefined): RequestImpactStatistics {
  const s = n?.SummaryStatistics;
  return { FaultCount: s?.FaultStatistics?.TotalCount ?? 0, OkCount: s?.OkCount ?? 0, TotalCount: s?.TotalCount ?? 0 };
}

function idOf(n: ServiceNode): ServiceId {
  return { Name: n.Name, Names: n.Names, ...(n.Type !== undefined ? { Type: n.Type } : {}), ...(n.AccountId !== undefined ? { AccountId: n.AccountId } : {}) };
}

export class InsightDetector {
  private timer: NodeJS.Timeout | undefined;
  private readonly failures: EpisodeWarning;
  private readonly now: () => number;

  constructor(
    private readonly store: TraceStore,
    private readonly groups: Groups,
    private readonly insights: Insights,
    private readonly logger: Logger,
    private readonly options: DetectorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.failures = new EpisodeWarning(logger, 'insight detection failed; retrying on the next tick');
  }

  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.failures.flush();
  }

  /** One detection pass over every group with insights enabled. */
  tick(): void {
    try {
      for (const group of this.groups.list()) if (group.InsightsConfiguration.InsightsEnabled) this.check(group);
      this.options.fault?.recovered();
    } catch (err) {
      if (this.options.fault) this.options.fault.failed(err);
      else this.failures.add(1, { error: (err as Error).message });
    }
  }

  /** False when no service of the group can have enough faults in the window (from the rollups). */
  private mayBeAnomalous(group: Group, fromS: number): boolean {
    const rollups = this.options.rollups;
    if (!rollups) return true;
    const scope = rollups.scope(this.groups.matcher(group) ? group.GroupName : undefined);
    const first = Math.floor(fromS / 60);
    const minFaults = this.options.minFaults ?? 10;
    for (const s of scope?.series.values() ?? []) {
      if (s.edge) continue;
      let faults = 0;
      for (const [minute, cell] of s.cells) if (minute >= first) faults += cell.fault;
      if (faults >= minFaults) return true;
    }
    return false;
  }

  private check(group: Group): void {
    const nowS = this.now() / 1000;
    const window = { startTime: nowS - (this.options.windowS ?? 60), endTime: nowS };
    if (!this.mayBeAnomalous(group, window.startTime)) {
      const active = this.insights.active(group.GroupARN);
      if (active) this.close(active, group, [], { FaultCount: 0, OkCount: 0, TotalCount: 0 });
      return;
    }
    const matches = this.groups.matcher(group);
    const traces: TraceView[] = [];
    for (const { trace } of this.store.range({ ...window, by: 'Event' })) {
      if (traces.length >= (this.options.maxTraces ?? 10_000)) break;
      if (!matches || matches(trace)) traces.push(trace);
    }
    const nodes = buildServiceGraph(traces, window);
    const minFaults = this.options.minFaults ?? 10;
    const ratio = this.options.minFaultRatio ?? 0.5;
    const anomalous = nodes
      .filter((n) => n.Type !== 'client')
      .filter((n) => {
        const faults = n.SummaryStatistics?.FaultStatistics?.TotalCount ?? 0;
        return faults >= minFaults && faults >= ratio * (n.SummaryStatistics?.TotalCount ?? 0);
      })
      .sort((a, b) => (b.SummaryStatistics?.FaultStatistics?.TotalCount ?? 0) - (a.SummaryStatistics?.FaultStatistics?.TotalCount ?? 0));
    const client = nodes.find((n) => n.Type === 'client');
    const clientImpact: RequestImpactStatistics = { FaultCount: 0, OkCount: 0, TotalCount: 0 };
    for (const e of client?.Edges ?? []) {
      clientImpact.FaultCount += e.SummaryStatistics?.FaultStatistics?.TotalCount ?? 0;
      clientImpact.OkCount += e.SummaryStatistics?.OkCount ?? 0;
      clientImpact.TotalCount += e.SummaryStatistics?.TotalCount ?? 0;
    }
    const active = this.insights.active(group.GroupARN);
    const at = this.now() / 1000;
    if (anomalous.length === 0) {
      if (active) this.close(active, group, nodes, clientImpact);
      return;
    }
    const rootName = this.rootCause(traces, window) ?? anomalous[0].Name;
    const root = nodes.find((n) => n.Name === rootName && n.Type !== 'client') ?? anomalous[0];
    const faults = root.SummaryStatistics?.FaultStatistics?.TotalCount ?? 0;
    const seen = {
      RootCauseServiceId: idOf(root),
      Summary: `${root.Name} has ${faults} faults out of ${root.SummaryStatistics?.TotalCount ?? 0} requests in the last minute`,
      ClientRequestImpactStatistics: clientImpact,
      RootCauseServiceRequestImpactStatistics: impact(root),
      TopAnomalousServices: anomalous.slice(0, 5).map((n) => ({ ServiceId: idOf(n) })),
    };
    if (active) this.insights.update(active, seen, at);
    else {
      const opened = this.insights.open(group, seen, at);
      this.logger.info({ insightId: opened.InsightId, group: group.GroupName, rootCause: root.Name }, 'insight opened');
    }
  }

  private close(active: Insight, group: Group, nodes: ServiceNode[], clientImpact: RequestImpactStatistics): void {
    const root = nodes.find((n) => n.Name === active.RootCauseServiceId.Name && n.Type === active.RootCauseServiceId.Type);
    const seen = { ClientRequestImpactStatistics: clientImpact, RootCauseServiceRequestImpactStatistics: impact(root), TopAnomalousServices: [] };
    this.insights.close(active, `Fault rate of ${active.RootCauseServiceId.Name} recovered`, seen, this.now() / 1000);
    this.logger.info({ insightId: active.InsightId, group: group.GroupName }, 'insight closed');
  }

  /** The deepest service of the most common fault root-cause path among the window's traces. */
  private rootCause(traces: TraceView[], window: { startTime: number; endTime: number }): string | undefined {
    const votes = new Map<string, number>();
    for (const t of traces) {
      const bounds = this.store.bounds(t.id);
      if (bounds && (bounds.endTime < window.startTime || bounds.startTime > window.endTime)) continue;
      if (!t.segments.some((s) => s.fault === true)) continue;
      for (const cause of rootCauses(indexTrace(t), 'fault')) {
        const deepest = cause.Services[cause.Services.length - 1];
        if (deepest) votes.set(deepest.Name ?? '', (votes.get(deepest.Name ?? '') ?? 0) + 1);
      }
    }
    let best: string | undefined;
    for (const [name, n] of votes) if (best === undefined || n > (votes.get(best) ?? 0)) best = name;
    return best;
  }
}
