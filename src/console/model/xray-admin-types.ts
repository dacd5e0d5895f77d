/**
 * The shapes of the X-Ray operations behind the sampling, groups, health and insights views, as
 * sent on the wire (timestamps in epoch seconds), from @aws-sdk/client-xray's models.
 */
export interface SamplingRule {
  RuleName?: string;
  RuleARN?: string;
  ResourceARN: string;
  Priority: number;
  FixedRate: number;
  ReservoirSize: number;
  ServiceName: string;
  ServiceType: string;
  Host: string;
  HTTPMethod: string;
  URLPath: string;
  Version: number;
  Attributes?: Record<string, string>;
}

export interface SamplingRuleRecord {
  SamplingRule?: SamplingRule;
  CreatedAt?: number;
  ModifiedAt?: number;
}

export interface SamplingStatisticSummary {
  RuleName?: string;
  Timestamp?: number;
  RequestCount?: number;
  BorrowCount?: number;
  SampledCount?: number;
}

export interface Group {
  GroupName?: string;
  GroupARN?: string;
  FilterExpression?: string;
  InsightsConfiguration?: { InsightsEnabled?: boolean; NotificationsEnabled?: boolean };
}

export interface CountStatistics {
  OkCount?: number;
  ErrorStatistics?: { ThrottleCount?: number; OtherCount?: number; TotalCount?: number };
  FaultStatistics?: { OtherCount?: number; TotalCount?: number };
  TotalCount?: number;
  TotalResponseTime?: number;
}

export interface TimeSeriesServiceStatistics {
  Timestamp?: number;
  EdgeSummaryStatistics?: CountStatistics;
  ServiceSummaryStatistics?: CountStatistics;
  ServiceForecastStatistics?: { FaultCountHigh?: number; FaultCountLow?: number };
  ResponseTimeHistogram?: { Value?: number; Count?: number }[];
}

export interface InsightSummary {
  InsightId?: string;
  GroupName?: string;
  RootCauseServiceId?: { Name?: string; Names?: string[]; Type?: string };
  Categories?: string[];
  State?: 'ACTIVE' | 'CLOSED';
  StartTime?: number;
  EndTime?: number;
  Summary?: string;
  ClientRequestImpactStatistics?: { FaultCount?: number; OkCount?: number; TotalCount?: number };
  RootCauseServiceRequestImpactStatistics?: { FaultCount?: number; OkCount?: number; TotalCount?: number };
  TopAnomalousServices?: { ServiceId?: { Name?: string; Type?: string } }[];
  LastUpdateTime?: number;
}
