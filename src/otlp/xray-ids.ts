/**
 * X-Ray ids and times in OTLP's shapes: the trace id `1-aaaaaaaa-<24 hex>` is the 32 hex digits of
 * a W3C trace id with the epoch-second part first (the same bytes AWS's own translators use), span
 * ids are the same 16 hex digits, and times go from fractional epoch seconds to nanoseconds.
 */
import { fromBigInt } from './proto/otlp-trace-codec.js';
import type Long from 'long';

const TRACE_ID = /^1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})$/;
const SPAN_ID = /^[0-9a-fA-F]{16}$/;

/** The 16 bytes of an X-Ray trace id, or undefined when it is not one. */
export function xrayTraceIdToBytes(id: unknown): Uint8Array | undefined {
  if (typeof id !== 'string') return undefined;
  const m = TRACE_ID.exec(id);
  return m ? Buffer.from(m[1] + m[2], 'hex') : undefined;
}

/** The 8 bytes of a (sub)segment id, or undefined when it is not 16 hex digits. */
export function xraySpanIdToBytes(id: unknown): Uint8Array | undefined {
  return typeof id === 'string' && SPAN_ID.test(id) ? Buffer.from(id, 'hex') : undefined;
}

/** Lowercase hex of id bytes (the OTLP JSON mapping's form of trace and span ids). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Epoch seconds (X-Ray's float, microsecond resolution from the SDKs) to exact unsigned nanoseconds.
 * Rounded to the microsecond first so that float noise (…271.0000001) does not leak into the nanos.
 */
export function secondsToNanos(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1e6)) * 1000n;
}

/** The same, as the Long the protobuf encoder writes exactly. */
export function secondsToNanosLong(seconds: number): Long {
  return fromBigInt(secondsToNanos(seconds));
}

/** The last second whose nanoseconds fit OTLP's unsigned 64-bit time fields (year 2554). */
const MAX_EPOCH_SECONDS = 18_446_744_072;

/** X-Ray times must be positive numbers of seconds that OTLP can carry. */
export function isEpochSeconds(t: unknown): t is number {
  return typeof t === 'number' && t > 0 && t <= MAX_EPOCH_SECONDS;
}
