/**
 * Response shapes of the X-Ray read API (XRAY-FACTS §3), as the local backend serialises them.
 * Field names and nesting follow the X-Ray API model (`@aws-sdk/client-xray`); timestamps are
 * epoch seconds (JSON numbers), durations are seconds rounded to the millisecond.
 * Optional fields are left out of the JSON rather than sent as `null`.
 */

export interface ServiceId {
  Name?: string;
  Names: string[];
  AccountId?: string;
  Type?: string;
}

export interface AnnotationValue {
  NumberValue?: number;
  BooleanValue?: boolean;
  StringValue?: string;
}

export interface ValueWithServiceIds {
  AnnotationValue: AnnotationValue;
  ServiceIds: ServiceId[];
}

export interface TraceUser {
  UserName: string;
  ServiceIds: ServiceId[];
}

export interface HttpSummary {
  HttpURL?: string;
  HttpStatus?: number;
  HttpMethod?: string;
  UserAgent?: string;
  ClientIp?: string;
}

export interface RootCauseException {
  Name?: string;
  Message?: string;
}

/** FaultRootCauseEntity / ErrorRootCauseEntity (the model has no `Coverage` on these two). */
export interface RootCauseEntity {
  Name: string;
  Exceptions: RootCauseException[];
  Remote: boolean;
}

/** FaultRootCauseService / ErrorRootCauseService. */
export interface RootCauseService {
  Name?: string;
  Names: string[];
  Type?: string;
  AccountId?: string;
  EntityPath: RootCauseEntity[];
  Inferred: boolean;
}

/** FaultRootCause / ErrorRootCause. */
export interface RootCause {
  Services: RootCauseService[];
  ClientImpacting: boolean;
}

export interface TraceSummary {
  Id: string;
  StartTime?: number;
  Duration: number;
  ResponseTime?: number;
  HasFault: boolean;
  HasError: boolean;
  HasThrottle: boolean;
  IsPartial: boolean;
  Http: HttpSummary;
  Annotations: Record<string, ValueWithServiceIds[]>;
  Users: TraceUser[];
  ServiceIds: ServiceId[];
  ResourceARNs: { ARN: string }[];
  InstanceIds: { Id: string }[];
  AvailabilityZones: { Name: string }[];
  EntryPoint?: ServiceId;
  FaultRootCauses: RootCause[];
  ErrorRootCauses: RootCause[];
  Revision: number;
  MatchedEventTime?: number;
}

export interface ErrorStatistics {
  ThrottleCount: number;
  OtherCount: number;
  TotalCount: number;
}

export interface FaultStatistics {
  OtherCount: number;
  TotalCount: number;
}

/** ServiceStatistics and EdgeStatistics have the same fields. */
export interface Statistics {
  OkCount: number;
  ErrorStatistics: ErrorStatistics;
  FaultStatistics: FaultStatistics;
  TotalCount: number;
  /** Seconds. */
  TotalResponseTime: number;
}

export interface HistogramEntry {
  /** Seconds, bucketed to the millisecond. */
  Value: number;
  Count: number;
}

export interface Alias {
  Name: string;
  Names: string[];
  Type?: string;
}

export interface Edge {
  /** ReferenceId of the downstream node. */
  ReferenceId: number;
  StartTime?: number;
  EndTime?: number;
  SummaryStatistics: Statistics;
  ResponseTimeHistogram: HistogramEntry[];
  Aliases: Alias[];
}

/** The X-Ray API's `Service` (a node of the service graph). */
export interface ServiceNode {
  ReferenceId: number;
  Name: string;
  Names: string[];
  Root: boolean;
  AccountId?: string;
  Type?: string;
  State: 'active';
  StartTime?: number;
  EndTime?: number;
  Edges: Edge[];
  SummaryStatistics: Statistics;
  DurationHistogram: HistogramEntry[];
  ResponseTimeHistogram: HistogramEntry[];
}

export interface ApiSegment {
  Id: string;
  /** The segment document as JSON text. */
  Document: string;
}

/** BatchGetTraces' `Trace`. */
export interface ApiTrace {
  Id: string;
  Duration: number;
  LimitExceeded: boolean;
  Segments: ApiSegment[];
}
