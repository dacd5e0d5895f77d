/**
 * Wire shapes of the X-Ray API operations the console reads (rest-json, timestamps in epoch
 * seconds), as in the AWS X-Ray API reference. Every field is optional unless the service always
 * sends it, because the console must cope with partial answers.
 */

export interface ServiceId {
  Name?: string;
  Names?: string[];
  AccountId?: string;
  Type?: string;
}

export interface Http {
  HttpURL?: string;
  HttpStatus?: number;
  HttpMethod?: string;
  UserAgent?: string;
  ClientIp?: string;
}

export interface TraceSummary {
  Id: string;
  StartTime?: number;
  Duration?: number;
  ResponseTime?: number;
  HasFault?: boolean;
  HasError?: boolean;
  HasThrottle?: boolean;
  IsPartial?: boolean;
  Http?: Http;
  ServiceIds?: ServiceId[];
  EntryPoint?: ServiceId;
  Users?: { UserName?: string; ServiceIds?: ServiceId[] }[];
  Annotations?: Record<string, { AnnotationValue?: { NumberValue?: number; BooleanValue?: boolean; StringValue?: string } }[]>;
}

export interface GetTraceSummariesRequest {
  StartTime: number;
  EndTime: number;
  FilterExpression?: string;
  NextToken?: string;
}

export interface GetTraceSummariesResult {
  TraceSummaries?: TraceSummary[];
  ApproximateTime?: number;
  TracesProcessedCount?: number;
  NextToken?: string;
}

export interface Trace {
  Id: string;
  Duration?: number;
  LimitExceeded?: boolean;
  Segments?: { Id: string; Document: string }[];
}

export interface BatchGetTracesResult {
  Traces?: Trace[];
  UnprocessedTraceIds?: string[];
  NextToken?: string;
}

export interface ErrorStatistics {
  ThrottleCount?: number;
  OtherCount?: number;
  TotalCount?: number;
}

export interface FaultStatistics {
  OtherCount?: number;
  TotalCount?: number;
}

export interface SummaryStatistics {
  OkCount?: number;
  ErrorStatistics?: ErrorStatistics;
  FaultStatistics?: FaultStatistics;
  TotalCount?: number;
  TotalResponseTime?: number;
}

export interface HistogramEntry {
  Value?: number;
  Count?: number;
}

export interface Edge {
  ReferenceId?: number;
  StartTime?: number;
  EndTime?: number;
  SummaryStatistics?: SummaryStatistics;
  ResponseTimeHistogram?: HistogramEntry[];
  EdgeType?: string;
}

export interface Service {
  ReferenceId?: number;
  Name?: string;
  Names?: string[];
  Root?: boolean;
  AccountId?: string;
  Type?: string;
  State?: string;
  StartTime?: number;
  EndTime?: number;
  Edges?: Edge[];
  SummaryStatistics?: SummaryStatistics;
  ResponseTimeHistogram?: HistogramEntry[];
  DurationHistogram?: HistogramEntry[];
}

export interface GetServiceGraphRequest {
  StartTime: number;
  EndTime: number;
  NextToken?: string;
}

export interface GetServiceGraphResult {
  StartTime?: number;
  EndTime?: number;
  Services?: Service[];
  NextToken?: string;
}
