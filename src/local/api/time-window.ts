/** The `StartTime`/`EndTime` pair of a request (epoch seconds), with X-Ray's range checks. */
import { type JsonObject, reqNumber } from './fields.js';
import { invalidRequest } from './xray-api-error.js';

export interface WindowLimits {
  /** StartTime may be at most this many seconds before `nowS` (X-Ray: 30 days for insights). */
  maxAgeS?: number;
  /** EndTime - StartTime at most this many seconds. */
  maxSpanS?: number;
  nowS?: number;
}

export const DAY_S = 86_400;

export function timeWindow(body: JsonObject, limits: WindowLimits = {}): { startTime: number; endTime: number } {
  const startTime = reqNumber(body, 'StartTime');
  const endTime = reqNumber(body, 'EndTime');
  if (endTime < startTime) throw invalidRequest('EndTime must not be before StartTime');
  if (limits.maxAgeS !== undefined && limits.nowS !== undefined && startTime < limits.nowS - limits.maxAgeS) {
    throw invalidRequest(`StartTime can't be more than ${limits.maxAgeS / DAY_S} days old`);
  }
  if (limits.maxSpanS !== undefined && endTime - startTime > limits.maxSpanS) {
    throw invalidRequest(`The time range can't be longer than ${limits.maxSpanS / 3600} hours`);
  }
  return { startTime, endTime };
}
