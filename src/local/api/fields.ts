/**
 * Reading request fields with errors that name the field (`InvalidRequestException`). Request
 * bodies come from JSON.parse, so they are plain data; these helpers only read own properties.
 */
import { invalidRequest } from './xray-api-error.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function own(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function optString(obj: JsonObject, key: string, path = key, max = Infinity, min = 0): string | undefined {
  const v = own(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`${path} must be a string`);
  if (v.length > max) throw invalidRequest(`${path} must be at most ${max} characters`);
  if (v.length < min) throw invalidRequest(min === 1 ? `${path} must not be empty` : `${path} must be at least ${min} characters`);
  return v;
}

export function reqString(obj: JsonObject, key: string, path = key, max = Infinity, min = 1): string {
  const v = optString(obj, key, path, max, min);
  if (v === undefined) throw invalidRequest(`${path} is required`);
  return v;
}

export function optNumber(obj: JsonObject, key: string, path = key, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const v = own(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidRequest(`${path} must be a number`);
  if (opts.integer && !Number.isInteger(v)) throw invalidRequest(`${path} must be an integer`);
  if (opts.min !== undefined && v < opts.min) throw invalidRequest(`${path} must be >= ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw invalidRequest(`${path} must be <= ${opts.max}`);
  return v;
}

export function reqNumber(obj: JsonObject, key: string, path = key, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  const v = optNumber(obj, key, path, opts);
  if (v === undefined) throw invalidRequest(`${path} is required`);
  return v;
}

export function optBoolean(obj: JsonObject, key: string, path = key): boolean | undefined {
  const v = own(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidRequest(`${path} must be a boolean`);
  return v;
}

export function optArray(obj: JsonObject, key: string, path = key, maxItems = Infinity): unknown[] | undefined {
  const v = own(obj, key);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidRequest(`${path} must be a list`);
  if (v.length > maxItems) throw invalidRequest(`${path} must have at most ${maxItems} items`);
  return v;
}

export function reqArray(obj: JsonObject, key: string, path = key, maxItems = Infinity, minItems = 1): unknown[] {
  const v = optArray(obj, key, path, maxItems);
  if (v === undefined) throw invalidRequest(`${path} is required`);
  if (v.length < minItems) throw invalidRequest(`${path} must have at least ${minItems} item(s)`);
  return v;
}

export function optObject(obj: JsonObject, key: string, path = key): JsonObject | undefined {
  const v = own(obj, key);
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw invalidRequest(`${path} must be an object`);
  return v;
}

export function reqObject(obj: JsonObject, key: string, path = key): JsonObject {
  const v = optObject(obj, key, path);
  if (v === undefined) throw invalidRequest(`${path} is required`);
  return v;
}
