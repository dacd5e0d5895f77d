/**
 * The local backend's view of one stored trace, shared by the store, the filter evaluator,
 * the summary builder and the graph builders.
 */

/** A parsed segment document (XRAY-FACTS §2): a segment, or an independent subsegment. */
export interface SegmentDocument {
  id: string;
  name: string;
  trace_id?: string;
  start_time: number;
  end_time?: number;
  in_progress?: boolean;
  type?: 'subsegment';
  parent_id?: string;
  origin?: string;
  namespace?: string;
  user?: string;
  error?: boolean;
  throttle?: boolean;
  fault?: boolean;
  http?: {
    request?: { method?: string; url?: string; user_agent?: string; client_ip?: string; x_forwarded_for?: boolean; traced?: boolean };
    response?: { status?: number; content_length?: number | string };
  };
  aws?: Record<string, unknown>;
  annotations?: Record<string, string | number | boolean>;
  metadata?: Record<string, Record<string, unknown>>;
  cause?: unknown;
  subsegments?: SegmentDocument[];
  resource_arn?: string;
  [key: string]: unknown;
}

export interface TraceView {
  /** `1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx` */
  id: string;
  /**
   * The trace's documents, latest version of each id (a completed segment replaces its in-progress
   * version): top-level segments and independent subsegments (`type: "subsegment"`, `parent_id`),
   * in arrival order.
   */
  segments: SegmentDocument[];
}
