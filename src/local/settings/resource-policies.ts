/**
 * Resource policies (PutResourcePolicy / ListResourcePolicies / DeleteResourcePolicy) with X-Ray's
 * checks: at most 5 policies (PolicyCountLimitExceededException), 5 KB per document
 * (PolicySizeLimitExceededException), a document that is not an IAM policy (JSON object with
 * Version and Statement, each statement with Effect Allow|Deny) is MalformedPolicyDocumentException,
 * a PolicyRevisionId that is not the current one ("0" = create only) is
 * InvalidPolicyRevisionIdException, and a Deny of xray:PutResourcePolicy to every principal
 * without BypassPolicyLockoutCheck is LockoutPreventionException. Policies are not enforced
 * locally (the API does not check who calls it). Revision ids count up from "1" per policy.
 */
import { type JsonObject, isObject, optBoolean, optString, reqString } from '../api/fields.js';
import { clientError, invalidRequest } from '../api/xray-api-error.js';
import type { StateStore } from '../state/state-store.js';

export interface ResourcePolicy {
  PolicyName: string;
  PolicyDocument: string;
  PolicyRevisionId: string;
  LastUpdatedTime: number;
}

export const MAX_POLICIES = 5;
export const MAX_POLICY_BYTES = 5 * 1024;
const NAME = /^[\w+=,.@-]+$/;

function policyName(body: JsonObject): string {
  const name = reqString(body, 'PolicyName', 'PolicyName', 128);
  if (!NAME.test(name)) throw invalidRequest('PolicyName must match ^[\\w+=,.@-]+$');
  return name;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** Parses the document as an IAM policy; returns its statements. */
function statements(document: string): JsonObject[] {
  const malformed = (why: string) => clientError('MalformedPolicyDocumentException', `Invalid policy document: ${why}`);
  let doc: unknown;
  try {
    doc = JSON.parse(document);
  } catch {
    throw malformed('not valid JSON');
  }
  if (!isObject(doc)) throw malformed('not a JSON object');
  if (typeof doc.Version !== 'string') throw malformed('Version is required');
  const stmts = list(doc.Statement);
  if (stmts.length === 0) throw malformed('Statement is required');
  return stmts.map((s) => {
    if (!isObject(s)) throw malformed('each Statement must be an object');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('each Statement needs Effect "Allow" or "Deny"');
    if (s.Action === undefined && s.NotAction === undefined) throw malformed('each Statement needs Action');
    return s;
  });
}

function locksOut(stmts: JsonObject[]): boolean {
  return stmts.some((s) => {
    if (s.Effect !== 'Deny') return false;
    const actions = list(s.Action).map((a) => String(a).toLowerCase());
    const hitsPut = actions.some((a) => a === '*' || a === 'xray:*' || a === 'xray:putresourcepolicy');
    const p = s.Principal;
    const everyone = p === '*' || (isObject(p) && list(p.AWS).includes('*'));
    return hitsPut && everyone;
  });
}

export class ResourcePolicies {
  constructor(
    private readonly state: StateStore,
    private readonly now: () => number,
  ) {}

  list(): ResourcePolicy[] {
    return this.state.entries('policy').map(([, v]) => v as ResourcePolicy);
  }

  private get(name: string): ResourcePolicy | undefined {
    return this.state.get('policy', name) as ResourcePolicy | undefined;
  }

  put(body: JsonObject): ResourcePolicy {
    const name = policyName(body);
    const document = reqString(body, 'PolicyDocument');
    const revision = optString(body, 'PolicyRevisionId');
    const bypass = optBoolean(body, 'BypassPolicyLockoutCheck') ?? false;
    if (Buffer.byteLength(document) > MAX_POLICY_BYTES) {
      throw clientError('PolicySizeLimitExceededException', `A resource policy document can be at most ${MAX_POLICY_BYTES} bytes`);
    }
    const stmts = statements(document);
    const existing = this.get(name);
    if (revision !== undefined) {
      if (existing && revision !== existing.PolicyRevisionId) {
        throw clientError('InvalidPolicyRevisionIdException', `PolicyRevisionId ${revision} is not the latest revision (${existing.PolicyRevisionId}) of policy "${name}"`);
      }
      if (!existing && revision !== '0') throw clientError('InvalidPolicyRevisionIdException', `There is no policy "${name}" with revision ${revision}`);
    }
    if (!existing && this.list().length >= MAX_POLICIES) {
      throw clientError('PolicyCountLimitExceededException', `An account can have at most ${MAX_POLICIES} resource policies`);
    }
    if (!bypass && locksOut(stmts)) {
      throw clientError('LockoutPreventionException', 'The policy denies xray:PutResourcePolicy to every principal; set BypassPolicyLockoutCheck to apply it anyway');
    }
    const policy: ResourcePolicy = {
      PolicyName: name,
      PolicyDocument: document,
      PolicyRevisionId: String(existing ? Number(existing.PolicyRevisionId) + 1 : 1),
      LastUpdatedTime: this.now() / 1000,
    };
    this.state.put('policy', name, policy);
    return policy;
  }

  delete(body: JsonObject): void {
    const name = policyName(body);
    const revision = optString(body, 'PolicyRevisionId');
    const existing = this.get(name);
    if (revision !== undefined && existing?.PolicyRevisionId !== revision) {
      throw clientError('InvalidPolicyRevisionIdException', `PolicyRevisionId ${revision} is not the latest revision of policy "${name}"`);
    }
    this.state.delete('policy', name);
  }
}
