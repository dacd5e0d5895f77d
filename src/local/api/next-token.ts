/**
 * Opaque `NextToken`s: base64url of a small JSON object tagged with the operation, so a token of
 * one operation is refused by another. A token that does not decode -> InvalidRequestException.
 */
import { type JsonObject, isObject } from './fields.js';
import { invalidRequest } from './xray-api-error.js';

const MAX_TOKEN_LENGTH = 2048;

export function encodeToken(op: string, state: JsonObject): string {
  return Buffer.from(JSON.stringify({ op, ...state })).toString('base64url');
}

/** The state of a token issued by `op`, or undefined when no token was given. */
export function decodeToken(op: string, token: unknown): JsonObject | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalidRequest('NextToken is invalid');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidRequest('NextToken is invalid');
  }
  if (!isObject(value) || value.op !== op) throw invalidRequest('NextToken is invalid');
  return value;
}

/** A non-negative integer field of a decoded token. */
export function tokenIndex(state: JsonObject, key: string): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalidRequest('NextToken is invalid');
  return v;
}
