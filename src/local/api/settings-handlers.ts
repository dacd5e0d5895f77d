/**
 * Account settings of the local X-Ray API: encryption config, indexing rules, trace segment
 * destination and resource policies (see src/local/settings/).
 */
import type { AccountSettings } from '../settings/account-settings.js';
import type { ResourcePolicies } from '../settings/resource-policies.js';
import { type JsonObject, optString } from './fields.js';
import { decodeToken } from './next-token.js';
import { invalidRequest } from './xray-api-error.js';

export interface SettingsContext {
  settings: AccountSettings;
  policies: ResourcePolicies;
}

export const getEncryptionConfig = (ctx: SettingsContext): object => ({ EncryptionConfig: ctx.settings.encryption() });
export const putEncryptionConfig = (ctx: SettingsContext, body: JsonObject): object => ({ EncryptionConfig: ctx.settings.putEncryption(body) });

export function getIndexingRules(ctx: SettingsContext, body: JsonObject): object {
  decodeToken('indexing', body.NextToken);
  return { IndexingRules: ctx.settings.indexingRules() };
}

export const updateIndexingRule = (ctx: SettingsContext, body: JsonObject): object => ({ IndexingRule: ctx.settings.updateIndexingRule(body) });
export const getTraceSegmentDestination = (ctx: SettingsContext): object => ctx.settings.destination();
export const updateTraceSegmentDestination = (ctx: SettingsContext, body: JsonObject): object => ctx.settings.updateDestination(body);

export const putResourcePolicy = (ctx: SettingsContext, body: JsonObject): object => ({ ResourcePolicy: ctx.policies.put(body) });

/** At most 5 policies: one page always holds them (X-Ray: NextToken "not currently supported"). */
export function listResourcePolicies(ctx: SettingsContext, body: JsonObject): object {
  const token = optString(body, 'NextToken', 'NextToken', 100, 1);
  if (token !== undefined) throw invalidRequest('NextToken is invalid');
  return { ResourcePolicies: ctx.policies.list() };
}

export function deleteResourcePolicy(ctx: SettingsContext, body: JsonObject): object {
  ctx.policies.delete(body);
  return {};
}
