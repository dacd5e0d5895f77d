/**
 * GetTraceSummaries' TraceSummary for one stored trace.
 *
 * - StartTime / Duration: earliest start and latest end over every document and nested
 *   subsegment; Duration is 0 while nothing has ended. ResponseTime: the root segment's
 *   end - start (left out while it is in progress). Durations have millisecond precision.
 * - HasFault / HasError / HasThrottle / IsPartial: any document or nested subsegment.
 * - Http: from the root segment. EntryPoint: the root segment's service.
 * - ServiceIds: segment services in arrival order, then inferred downstream services.
 * - Annotations / Users: each distinct value once, with the services it was recorded in.
 * - Revision: the number of stored documents (grows as the trace's documents arrive).
 * - MatchedEventTime: the trace's StartTime.
 */
import type { SegmentDocument, TraceView } from '../trace-view.js';
import type { AnnotationValue, HttpSummary, ServiceId, TraceSummary, ValueWithServiceIds } from './api-types.js';
import { endOf, forEachEntity, isError, isFault, isThrottle, roundMs, startOf, traceBounds, traceDuration } from './segment-tree.js';
import type { ServiceRef } from './inferred-service.js';
import { indexTrace } from './trace-index.js';
import { findCalls } from './downstream-calls.js';
import { rootCauses } from './root-causes.js';

/** Ordered, de-duplicated values, each with the ordered, de-duplicated services it came from. */
class ValueServices<V> {
  private readonly entries = new Map<string, { value: V; services: Map<string, ServiceId> }>();
  add(key: string, value: V, service: ServiceRef | undefined): void {
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { value, services: new Map() }));
    if (service && !entry.services.has(service.key)) entry.services.set(service.key, copyId(service.id));
  }
  list(): { value: V; services: ServiceId[] }[] {
    return [...this.entries.values()].map((e) => ({ value: e.value, services: [...e.services.values()] }));
  }
}

function copyId(id: ServiceId): ServiceId {
  return { ...id, Names: [...id.Names] };
}

function annotationValue(v: unknown): AnnotationValue | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return { NumberValue: v };
  if (typeof v === 'boolean') return { BooleanValue: v };
  if (typeof v === 'string') return { StringValue: v };
  return undefined;
}

function httpOf(root: SegmentDocument | undefined): HttpSummary {
  const out: HttpSummary = {};
  const http = root?.http;
  if (typeof http !== 'object' || http === null) return out;
  const req = typeof http.request === 'object' && http.request !== null ? http.request : {};
  const res = typeof http.response === 'object' && http.response !== null ? http.response : {};
  if (typeof req.url === 'string') out.HttpURL = req.url;
  if (typeof res.status === 'number') out.HttpStatus = res.status;
  if (typeof req.method === 'string') out.HttpMethod = req.method;
  if (typeof req.user_agent === 'string') out.UserAgent = req.user_agent;
  if (typeof req.client_ip === 'string') out.ClientIp = req.client_ip;
  return out;
}

function stringAt(obj: unknown, ...keys: string[]): string | undefined {
  let cur = obj;
  for (const k of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return typeof cur === 'string' && cur !== '' ? cur : undefined;
}

export function summarizeTrace(trace: TraceView): TraceSummary {
  const index = indexTrace(trace);
  let hasFault = false;
  let hasError = false;
  let hasThrottle = false;
  let isPartial = false;
  const annotations = new Map<string, ValueServices<AnnotationValue>>();
  const users = new ValueServices<string>();
  const arns = new Set<string>();
  const instances = new Set<string>();
  const zones = new Set<string>();
  const services = new Map<string, ServiceId>();

  for (const doc of trace.segments) {
    const service = index.serviceOf(doc);
    if (service && !services.has(service.key)) services.set(service.key, copyId(service.id));
    forEachEntity(doc, (e) => {
      hasFault ||= isFault(e);
      hasError ||= isError(e);
      hasThrottle ||= isThrottle(e);
      isPartial ||= e.in_progress === true;
      if (typeof e.user === 'string' && e.user !== '') users.add(e.user, e.user, service);
      const notes = e.annotations;
      if (typeof notes === 'object' && notes !== null && !Array.isArray(notes)) {
        for (const [key, raw] of Object.entries(notes)) {
          const value = annotationValue(raw);
          if (!value) continue;
          let values = annotations.get(key);
          if (!values) annotations.set(key, (values = new ValueServices()));
          values.add(`${typeof raw}:${String(raw)}`, value, service);
        }
      }
      const arn = typeof e.resource_arn === 'string' && e.resource_arn !== '' ? e.resource_arn : undefined;
      if (arn) arns.add(arn);
      const instance = stringAt(e.aws, 'ec2', 'instance_id');
      if (instance) instances.add(instance);
      const zone = stringAt(e.aws, 'ec2', 'availability_zone');
      if (zone) zones.add(zone);
    });
  }
  for (const call of findCalls(index)) {
    const callee = call.target.service;
    if (!services.has(callee.key)) services.set(callee.key, copyId(callee.id));
  }

  const root = index.root;
  const rootService = root ? index.serviceOf(root) : undefined;
  const { start } = traceBounds(trace.segments);
  const rootStart = root ? startOf(root) : undefined;
  const rootEnd = root ? endOf(root) : undefined;

  const summary: TraceSummary = {
    Id: trace.id,
    ...(start !== undefined ? { StartTime: start } : {}),
    Duration: traceDuration(trace.segments),
    ...(rootStart !== undefined && rootEnd !== undefined ? { ResponseTime: roundMs(Math.max(0, rootEnd - rootStart)) } : {}),
    HasFault: hasFault,
    HasError: hasError,
    HasThrottle: hasThrottle,
    IsPartial: isPartial,
    Http: httpOf(root),
    Annotations: Object.fromEntries(
      [...annotations.entries()].map(([key, values]) => [
        key,
        values.list().map((v): ValueWithServiceIds => ({ AnnotationValue: v.value, ServiceIds: v.services })),
      ]),
    ),
    Users: users.list().map((u) => ({ UserName: u.value, ServiceIds: u.services })),
    ServiceIds: [...services.values()],
    ResourceARNs: [...arns].map((ARN) => ({ ARN })),
    InstanceIds: [...instances].map((Id) => ({ Id })),
    AvailabilityZones: [...zones].map((Name) => ({ Name })),
    ...(rootService ? { EntryPoint: copyId(rootService.id) } : {}),
    FaultRootCauses: rootCauses(index, 'fault'),
    ErrorRootCauses: rootCauses(index, 'error'),
    Revision: trace.segments.length,
    ...(start !== undefined ? { MatchedEventTime: start } : {}),
  };
  return summary;
}
