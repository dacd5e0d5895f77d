/**
 * PutTraceSegments and PutTelemetryRecords of the local X-Ray API.
 */
import { storeDocuments } from '../local-store-sink.js';
import type { TraceStore } from '../store/trace-store.js';
import { type JsonObject, isObject, optNumber, optObject, optString, reqArray, reqNumber } from './fields.js';
import { invalidRequest } from './xray-api-error.js';

/** Documents per PutTraceSegments call; X-Ray's own limit is lower, the body cap applies anyway. */
const MAX_DOCUMENTS = 1000;

/** `onStored` gets the documents that were stored (the OTLP exporter takes them, like UDP ones). */
export function putTraceSegments(store: TraceStore, body: JsonObject, onStored?: (documents: readonly string[]) => void): object {
  const docs = reqArray(body, 'TraceSegmentDocuments', 'TraceSegmentDocuments', MAX_DOCUMENTS);
  docs.forEach((d, i) => {
    if (typeof d !== 'string') throw invalidRequest(`TraceSegmentDocuments[${i}] must be a string (a JSON document)`);
  });
  return { UnprocessedTraceSegments: storeDocuments(store, docs as string[], undefined, onStored) };
}

const COUNTS = ['SegmentsReceivedCount', 'SegmentsSentCount', 'SegmentsSpilloverCount', 'SegmentsRejectedCount'];
const ERROR_COUNTS = ['TimeoutCount', 'ConnectionRefusedCount', 'HTTPCode4XXCount', 'HTTPCode5XXCount', 'UnknownHostCount', 'OtherCount'];

export interface TelemetryRecordEntry {
  receivedAt: number;
  hostname?: string;
  instanceId?: string;
  resourceArn?: string;
  record: JsonObject;
}

/**
 * Keeps the most recent telemetry records (at most `capacity`; the oldest is dropped first) so
 * the console can show them; nothing else reads them locally.
 */
export class TelemetryLog {
  private readonly entries: TelemetryRecordEntry[] = [];
  constructor(private readonly capacity = 100) {}

  add(entry: TelemetryRecordEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  recent(): readonly TelemetryRecordEntry[] {
    return this.entries;
  }
}

export function putTelemetryRecords(log: TelemetryLog, body: JsonObject, now: number): object {
  const records = reqArray(body, 'TelemetryRecords', 'TelemetryRecords', 1000, 0);
  const hostname = optString(body, 'Hostname', 'Hostname', 255);
  const instanceId = optString(body, 'EC2InstanceId', 'EC2InstanceId', 20);
  const resourceArn = optString(body, 'ResourceARN', 'ResourceARN', 500);
  const valid = records.map((r, i) => {
    const path = `TelemetryRecords[${i}]`;
    if (!isObject(r)) throw invalidRequest(`${path} must be an object`);
    reqNumber(r, 'Timestamp', `${path}.Timestamp`);
    for (const k of COUNTS) optNumber(r, k, `${path}.${k}`, { integer: true, min: 0 });
    const errors = optObject(r, 'BackendConnectionErrors', `${path}.BackendConnectionErrors`);
    if (errors) for (const k of ERROR_COUNTS) optNumber(errors, k, `${path}.BackendConnectionErrors.${k}`, { integer: true, min: 0 });
    return r;
  });
  for (const record of valid) log.add({ receivedAt: now, hostname, instanceId, resourceArn, record });
  return {};
}
