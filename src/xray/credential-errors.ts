import type { Logger } from '../log/logger.js';
import { describeError } from './errors.js';

export const NO_CREDENTIALS_FIX =
  'no credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or attach an instance/task role';

/**
 * The default chain's providers in the order the SDK tries them, each with what the environment
 * says about it (names of variables only, never their values).
 */
export function describeCredentialChain(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => (env[name] ? `${name} set` : `${name} not set`);
  const profile = env.AWS_PROFILE || 'default';
  const tried = [
    env.AWS_PROFILE
      ? 'environment variables (skipped: AWS_PROFILE is set)'
      : `environment variables (${set('AWS_ACCESS_KEY_ID')}, ${set('AWS_SECRET_ACCESS_KEY')})`,
    `shared config/credentials files, profile "${profile}" (incl. SSO and credential_process)`,
    `web identity token (${set('AWS_WEB_IDENTITY_TOKEN_FILE')})`,
  ];
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) tried.push('ECS/EKS container credentials endpoint');
  else if (env.AWS_EC2_METADATA_DISABLED && env.AWS_EC2_METADATA_DISABLED !== 'false') tried.push('EC2 instance role (skipped: AWS_EC2_METADATA_DISABLED)');
  else tried.push('EC2 instance role (instance metadata)');
  return tried;
}

export type CredentialStatus = 'unknown' | 'resolved' | 'failing';

/** What /healthz shows about credentials. */
export interface CredentialState {
  status: CredentialStatus;
  /** ISO time the current status began. */
  since?: string;
  /** Failed fetches in the current failing episode. */
  failures: number;
  /** The last failure (codes and messages only; never a secret). */
  lastError?: string;
}

/**
 * Tracks whether credentials can be obtained and logs it once per episode: one error line when
 * they first fail (which providers were tried, and the fix), one info line when they resolve
 * again, nothing per batch in between. Fed by `createCredentialSource`.
 */
export class CredentialHealth {
  private current: CredentialState = { status: 'unknown', failures: 0 };

  constructor(
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv,
    private readonly roleArn?: string,
    private readonly now: () => number = Date.now,
    /** Mirrors the state into /healthz (`degraded` while failing) and the failure counter. */
    private readonly report?: { failed(reason: string): void; recovered(): void },
  ) {}

  state(): CredentialState {
    return { ...this.current };
  }

  succeeded(): void {
    this.report?.recovered();
    if (this.current.status === 'resolved') return;
    const after = this.current.failures;
    this.current = { status: 'resolved', since: new Date(this.now()).toISOString(), failures: 0 };
    this.logger.info({ roleArn: this.roleArn, failedAttempts: after || undefined }, after ? 'credentials resolved again' : 'credentials resolved');
  }

  /** `stage`: whether the base chain failed or assuming `roleArn` with the base credentials did. */
  failed(err: unknown, stage: 'chain' | 'assumeRole' = 'chain'): void {
    const lastError = describeError(err);
    this.report?.failed(`credentials failing: ${lastError}`);
    if (this.current.status === 'failing') {
      this.current.failures++;
      this.current.lastError = lastError;
      return;
    }
    this.current = { status: 'failing', since: new Date(this.now()).toISOString(), failures: 1, lastError };
    if (stage === 'assumeRole') {
      this.logger.error(
        { roleArn: this.roleArn, error: lastError },
        `cannot assume role ${this.roleArn}: check that the role's trust policy allows the daemon's credentials and that they may call sts:AssumeRole; uploads and sampling calls fail until then`,
      );
      return;
    }
    this.logger.error(
      { providersTried: describeCredentialChain(this.env), error: lastError },
      `${NO_CREDENTIALS_FIX}; uploads and sampling calls fail until then`,
    );
  }
}
