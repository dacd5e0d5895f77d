/**
 * Groups of the local X-Ray API: CreateGroup, GetGroup, GetGroups, UpdateGroup, DeleteGroup.
 * An unknown group is InvalidRequestException, as in X-Ray.
 */
import type { Group, Groups, InsightsConfiguration } from '../groups/groups.js';
import { type Tags, assertTagCount, parseTags } from '../tags/tags.js';
import { type JsonObject, optBoolean, optObject, optString, reqString } from './fields.js';
import { decodeToken, encodeToken, tokenIndex } from './next-token.js';
import { invalidRequest } from './xray-api-error.js';

export interface GroupContext {
  groups: Groups;
  tags: Tags;
  groupsPerPage: number;
}

function insightsOf(body: JsonObject): Partial<InsightsConfiguration> | undefined {
  const raw = optObject(body, 'InsightsConfiguration');
  if (!raw) return undefined;
  const out: Partial<InsightsConfiguration> = {};
  const insights = optBoolean(raw, 'InsightsEnabled', 'InsightsConfiguration.InsightsEnabled');
  const notifications = optBoolean(raw, 'NotificationsEnabled', 'InsightsConfiguration.NotificationsEnabled');
  if (insights !== undefined) out.InsightsEnabled = insights;
  if (notifications !== undefined) out.NotificationsEnabled = notifications;
  return out;
}

export function resolveGroup(groups: Groups, body: JsonObject): Group {
  return groups.resolve(optString(body, 'GroupName', 'GroupName', 32, 1), optString(body, 'GroupARN', 'GroupARN', 400, 1));
}

export function createGroup(ctx: GroupContext, body: JsonObject): object {
  const name = reqString(body, 'GroupName', 'GroupName', 32);
  const filter = optString(body, 'FilterExpression');
  const insights = insightsOf(body);
  const tags = parseTags(body.Tags);
  assertTagCount(tags, name);
  const group = ctx.groups.create(name, filter || undefined, insights);
  ctx.tags.set(group.GroupARN, tags);
  return { Group: group };
}

export function getGroup(ctx: GroupContext, body: JsonObject): object {
  return { Group: resolveGroup(ctx.groups, body) };
}

export function getGroups(ctx: GroupContext, body: JsonObject): object {
  const raw = body.NextToken;
  if (typeof raw === 'string' && raw.length > 100) throw invalidRequest('NextToken must be at most 100 characters');
  const token = decodeToken('groups', raw);
  const from = token ? tokenIndex(token, 'n') : 0;
  const all = ctx.groups.list();
  const result: JsonObject = { Groups: all.slice(from, from + ctx.groupsPerPage) };
  if (from + ctx.groupsPerPage < all.length) result.NextToken = encodeToken('groups', { n: from + ctx.groupsPerPage });
  return result;
}

export function updateGroup(ctx: GroupContext, body: JsonObject): object {
  const group = resolveGroup(ctx.groups, body);
  return { Group: ctx.groups.update(group, optString(body, 'FilterExpression'), insightsOf(body)) };
}

export function deleteGroup(ctx: GroupContext, body: JsonObject): object {
  const group = resolveGroup(ctx.groups, body);
  ctx.groups.delete(group);
  ctx.tags.forget(group.GroupARN);
  return {};
}
