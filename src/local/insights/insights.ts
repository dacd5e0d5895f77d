/**
 * The insights the local detector opened (insight-detector.ts), in X-Ray's shapes, kept in the
 * state store (persisted with a store path). At most `maxInsights` are kept (the oldest closed
 * ones are dropped first) and `maxEvents` events per insight (the oldest are dropped).
 */
import { randomUUID } from 'node:crypto';
import type { ServiceId } from '../reads/api-types.js';
import type { StateStore } from '../state/state-store.js';

export interface RequestImpactStatistics {
  FaultCount: number;
  OkCount: number;
  TotalCount: number;
}

export interface InsightEvent {
  Summary: string;
  EventTime: number;
  ClientRequestImpactStatistics: RequestImpactStatistics;
  RootCauseServiceRequestImpactStatistics: RequestImpactStatistics;
  TopAnomalousServices: { ServiceId: ServiceId }[];
}

export interface Insight {
  InsightId: string;
  GroupARN: string;
  GroupName: string;
  RootCauseServiceId: ServiceId;
  Categories: ['FAULT'];
  State: 'ACTIVE' | 'CLOSED';
  StartTime: number;
  EndTime?: number;
  Summary: string;
  ClientRequestImpactStatistics: RequestImpactStatistics;
  RootCauseServiceRequestImpactStatistics: RequestImpactStatistics;
  TopAnomalousServices: { ServiceId: ServiceId }[];
  LastUpdateTime: number;
  Events: InsightEvent[];
}

export type Observation = Omit<InsightEvent, 'Summary' | 'EventTime'> & { RootCauseServiceId: ServiceId; Summary: string };

export class Insights {
  constructor(
    private readonly state: StateStore,
    private readonly maxInsights = 1000,
    private readonly maxEvents = 200,
  ) {}

  list(): Insight[] {
    return this.state.entries('insight').map(([, v]) => v as Insight);
  }

  get(id: string): Insight | undefined {
    return this.state.get('insight', id) as Insight | undefined;
  }

  active(groupArn: string): Insight | undefined {
    return this.list().find((i) => i.GroupARN === groupArn && i.State === 'ACTIVE');
  }

  open(group: { GroupName: string; GroupARN: string }, seen: Observation, at: number): Insight {
    const insight: Insight = {
      InsightId: randomUUID(),
      GroupARN: group.GroupARN,
      GroupName: group.GroupName,
      Categories: ['FAULT'],
      State: 'ACTIVE',
      StartTime: at,
      ...seen,
      LastUpdateTime: at,
      Events: [],
    };
    this.addEvent(insight, seen.Summary, seen, at);
    this.prune();
    return insight;
  }

  update(insight: Insight, seen: Observation, at: number): void {
    Object.assign(insight, seen, { LastUpdateTime: at });
    this.addEvent(insight, seen.Summary, seen, at);
  }

  close(insight: Insight, summary: string, seen: Omit<Observation, 'RootCauseServiceId' | 'Summary'>, at: number): void {
    insight.State = 'CLOSED';
    insight.EndTime = at;
    insight.LastUpdateTime = at;
    this.addEvent(insight, summary, seen, at);
  }

  private addEvent(insight: Insight, summary: string, seen: Omit<Observation, 'RootCauseServiceId' | 'Summary'>, at: number): void {
    insight.Events.push({
      Summary: summary,
      EventTime: at,
      ClientRequestImpactStatistics: seen.ClientRequestImpactStatistics,
      RootCauseServiceRequestImpactStatistics: seen.RootCauseServiceRequestImpactStatistics,
      TopAnomalousServices: seen.TopAnomalousServices,
    });
    if (insight.Events.length > this.maxEvents) insight.Events.splice(0, insight.Events.length - this.maxEvents);
    this.state.put('insight', insight.InsightId, insight);
  }

  /** Drops the oldest closed insights beyond the limit. */
  private prune(): void {
    const all = this.list();
    if (all.length <= this.maxInsights) return;
    const closed = all.filter((i) => i.State === 'CLOSED').sort((a, b) => a.StartTime - b.StartTime);
    for (const i of closed.slice(0, all.length - this.maxInsights)) this.state.delete('insight', i.InsightId);
  }
}

/** What the API answers for an insight (without its events). */
export function insightSummary(i: Insight): Omit<Insight, 'Events'> {
  const { Events: _events, ...rest } = i;
  return rest;
}
