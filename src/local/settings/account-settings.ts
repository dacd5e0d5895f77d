/**
 * Account-wide settings of the local X-Ray API: the encryption config, the indexing rules and
 * the trace segment destination. They are recorded and answered back as X-Ray does, and have no
 * other local effect: traces are stored the same way whatever they say. Changes apply at once
 * (Status ACTIVE, where X-Ray passes through UPDATING / PENDING first). Kept in the state store.
 */
import { type JsonObject, optNumber, optString, reqObject, reqString } from '../api/fields.js';
import { invalidRequest, resourceNotFound } from '../api/xray-api-error.js';
import type { StateStore } from '../state/state-store.js';

export interface EncryptionConfig {
  Type: 'NONE' | 'KMS';
  Status: 'ACTIVE';
  KeyId?: string;
}

export interface IndexingRule {
  Name: string;
  ModifiedAt: number;
  Rule: { Probabilistic: { DesiredSamplingPercentage: number; ActualSamplingPercentage?: number } };
}

export type Destination = 'XRay' | 'CloudWatchLogs';

/** X-Ray indexes 1% of spans by default (Transaction Search). */
const DEFAULT_INDEXING_PERCENTAGE = 1;

export class AccountSettings {
  constructor(
    private readonly state: StateStore,
    private readonly now: () => number,
  ) {}

  encryption(): EncryptionConfig {
    return (this.state.get('settings', 'encryption') as EncryptionConfig | undefined) ?? { Type: 'NONE', Status: 'ACTIVE' };
  }

  putEncryption(body: JsonObject): EncryptionConfig {
    const type = reqString(body, 'Type');
    if (type !== 'NONE' && type !== 'KMS') throw invalidRequest('Type must be NONE or KMS');
    const keyId = optString(body, 'KeyId', 'KeyId', 3000, 1);
    if (type === 'NONE' && keyId !== undefined) throw invalidRequest('KeyId must be omitted when Type is NONE');
    if (type === 'KMS' && keyId === undefined) throw invalidRequest('KeyId is required when Type is KMS');
    const config: EncryptionConfig = { Type: type, Status: 'ACTIVE', ...(keyId !== undefined ? { KeyId: keyId } : {}) };
    this.state.put('settings', 'encryption', config);
    return config;
  }

  indexingRules(): IndexingRule[] {
    const stored = this.state.get('settings', 'indexing:Default') as IndexingRule | undefined;
    return [stored ?? { Name: 'Default', ModifiedAt: 0, Rule: { Probabilistic: { DesiredSamplingPercentage: DEFAULT_INDEXING_PERCENTAGE } } }];
  }

  updateIndexingRule(body: JsonObject): IndexingRule {
    const name = reqString(body, 'Name');
    const rule = reqObject(body, 'Rule');
    const probabilistic = reqObject(rule, 'Probabilistic', 'Rule.Probabilistic');
    if (Object.keys(rule).length !== 1) throw invalidRequest('Rule must set exactly one member (Probabilistic)');
    const desired = optNumber(probabilistic, 'DesiredSamplingPercentage', 'Rule.Probabilistic.DesiredSamplingPercentage', { min: 0, max: 100 });
    if (desired === undefined) throw invalidRequest('Rule.Probabilistic.DesiredSamplingPercentage is required');
    if (!this.indexingRules().some((r) => r.Name === name)) throw resourceNotFound(`No indexing rule named "${name}"`, name);
    const updated: IndexingRule = { Name: name, ModifiedAt: Math.floor(this.now() / 1000), Rule: { Probabilistic: { DesiredSamplingPercentage: desired } } };
    this.state.put('settings', `indexing:${name}`, updated);
    return updated;
  }

  destination(): { Destination: Destination; Status: 'ACTIVE' } {
    return { Destination: (this.state.get('settings', 'destination') as Destination | undefined) ?? 'XRay', Status: 'ACTIVE' };
  }

  updateDestination(body: JsonObject): { Destination: Destination; Status: 'ACTIVE' } {
    const value = optString(body, 'Destination');
    if (value !== undefined) {
      if (value !== 'XRay' && value !== 'CloudWatchLogs') throw invalidRequest('Destination must be XRay or CloudWatchLogs');
      this.state.put('settings', 'destination', value);
    }
    return this.destination();
  }
}
