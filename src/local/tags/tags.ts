/**
 * Tags on groups and sampling rules, with X-Ray's limits: at most 50 tags per resource
 * (TooManyTagsException), keys 1-128 and values 0-256 characters of letters, digits, spaces and
 * `_ . : / = + - @`, and the `aws:` key prefix reserved (InvalidRequestException). A request's
 * list holds at most 200 entries (the model's TagList/TagKeyList). An ARN that names no group or
 * rule is ResourceNotFoundException. Kept in the state store, keyed by ARN.
 */
import { type JsonObject, isObject } from '../api/fields.js';
import { clientError, invalidRequest, resourceNotFound } from '../api/xray-api-error.js';
import type { StateStore } from '../state/state-store.js';

export interface Tag {
  Key: string;
  Value: string;
}

export const MAX_TAGS_PER_RESOURCE = 50;
const MAX_LIST = 200;
const CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Validates a `Tags` list (CreateGroup, CreateSamplingRule, TagResource). */
export function parseTags(raw: unknown, path = 'Tags'): Tag[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidRequest(`${path} must be a list`);
  if (raw.length > MAX_LIST) throw invalidRequest(`${path} must have at most ${MAX_LIST} items`);
  return raw.map((t: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(t)) throw invalidRequest(`${at} must be an object`);
    const { Key, Value } = t as JsonObject;
    if (typeof Key !== 'string' || Key.length < 1 || Key.length > 128) throw invalidRequest(`${at}.Key must be a string of 1-128 characters`);
    if (typeof Value !== 'string' || Value.length > 256) throw invalidRequest(`${at}.Value is required: a string of 0-256 characters`);
    if (!CHARS.test(Key) || !CHARS.test(Value)) throw invalidRequest(`${at}: keys and values may hold letters, digits, spaces and _ . : / = + - @`);
    if (Key.toLowerCase().startsWith('aws:')) throw invalidRequest(`${at}.Key: the "aws:" prefix is reserved for AWS use`);
    return { Key, Value };
  });
}

/** Tags given at creation: refused before the resource is made when they are too many. */
export function assertTagCount(tags: Tag[], resourceName: string): void {
  const keys = new Set(tags.map((t) => t.Key));
  if (keys.size > MAX_TAGS_PER_RESOURCE) {
    throw clientError('TooManyTagsException', `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags (got ${keys.size})`, { ResourceName: resourceName });
  }
}

export function parseTagKeys(raw: unknown): string[] {
  if (raw === undefined || raw === null) throw invalidRequest('TagKeys is required');
  if (!Array.isArray(raw)) throw invalidRequest('TagKeys must be a list');
  if (raw.length > MAX_LIST) throw invalidRequest(`TagKeys must have at most ${MAX_LIST} items`);
  return raw.map((k: unknown, i) => {
    if (typeof k !== 'string' || k.length < 1 || k.length > 128) throw invalidRequest(`TagKeys[${i}] must be a string of 1-128 characters`);
    if (k.toLowerCase().startsWith('aws:')) throw invalidRequest(`TagKeys[${i}]: tags with the "aws:" prefix cannot be removed`);
    return k;
  });
}

export class Tags {
  /** `exists(arn)`: whether the ARN names a group or sampling rule now. */
  constructor(
    private readonly state: StateStore,
    private readonly exists: (arn: string) => boolean,
  ) {}

  private check(arn: string): void {
    if (!this.exists(arn)) throw resourceNotFound(`No X-Ray group or sampling rule has the ARN ${arn}`, arn);
  }

  list(arn: string): Tag[] {
    this.check(arn);
    return this.current(arn);
  }

  private current(arn: string): Tag[] {
    return ((this.state.get('tags', arn) as Tag[] | undefined) ?? []).map((t) => ({ ...t }));
  }

  /** Adds or overwrites tags; the resulting set may hold at most 50. */
  tag(arn: string, tags: Tag[]): void {
    this.check(arn);
    this.set(arn, tags);
  }

  /** Tags given at creation (the resource exists by then). */
  set(arn: string, tags: Tag[]): void {
    if (tags.length === 0) return;
    const merged = new Map(this.current(arn).map((t) => [t.Key, t.Value]));
    for (const t of tags) merged.set(t.Key, t.Value);
    if (merged.size > MAX_TAGS_PER_RESOURCE) {
      throw clientError('TooManyTagsException', `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags (this request would make ${merged.size})`, { ResourceName: arn });
    }
    this.state.put('tags', arn, [...merged].map(([Key, Value]) => ({ Key, Value })));
  }

  untag(arn: string, keys: string[]): void {
    this.check(arn);
    const left = this.current(arn).filter((t) => !keys.includes(t.Key));
    if (left.length === 0) this.state.delete('tags', arn);
    else this.state.put('tags', arn, left);
  }

  /** The resource is gone: its tags go with it. */
  forget(arn: string): void {
    this.state.delete('tags', arn);
  }
}
