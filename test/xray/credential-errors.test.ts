import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createCredentialSource } from '../../src/xray/credentials.js';
import { CredentialHealth, NO_CREDENTIALS_FIX } from '../../src/xray/credential-errors.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines, raw };
}

const SECRET = 'wJalrXUtnFEMI-not-a-real-secret';
const ENV = { AWS_SECRET_ACCESS_KEY: SECRET, AWS_EC2_METADATA_DISABLED: 'true' };

test('a failing chain is logged once per episode with the providers tried and the fix', async () => {
  const { logger, lines, raw } = capture();
  const health = new CredentialHealth(logger, ENV);
  let working = false;
  let fetches = 0;
  const source = createCredentialSource({
    region: 'us-east-1',
    health,
    failureBackoffMs: 0,
    chain: async () => {
      fetches++;
      if (!working) throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
      return { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: 'token-value' };
    },
  });
  assert.equal(health.state().status, 'unknown');
  for (let i = 0; i < 5; i++) await assert.rejects(source.provider(), /Could not load credentials/);
  assert.equal(fetches, 5, 'each call tried again (no backoff configured)');
  const errors = lines.filter((l) => l.level === 50);
  assert.equal(errors.length, 1, 'one error line for the whole episode');
  assert.match(String(errors[0].msg), new RegExp(NO_CREDENTIALS_FIX.replace(/[/()]/g, '\\$&')));
  const tried = errors[0].providersTried as string[];
  assert.ok(tried.some((t) => /environment variables \(AWS_ACCESS_KEY_ID not set, AWS_SECRET_ACCESS_KEY set\)/.test(t)));
  assert.ok(tried.some((t) => /EC2 instance role \(skipped/.test(t)));
  assert.deepEqual({ ...health.state(), since: undefined }, { status: 'failing', since: undefined, failures: 5, lastError: 'Could not load credentials from any providers' });

  working = true;
  const creds = await source.provider();
  assert.equal(creds.accessKeyId, 'AKIDEXAMPLE');
  await source.provider();
  assert.equal(health.state().status, 'resolved');
  const infos = lines.filter((l) => l.level === 30);
  assert.equal(infos.length, 1);
  assert.equal(infos[0].msg, 'credentials resolved again');
  assert.equal(infos[0].failedAttempts, 5);
  assert.ok(!raw.join('').includes(SECRET), 'no secret in any log line');
  assert.ok(!raw.join('').includes('token-value'));
});

test('a failure is remembered for the backoff, then tried again', async () => {
  let t = 1_000;
  let fetches = 0;
  const source = createCredentialSource({
    region: 'us-east-1',
    now: () => t,
    failureBackoffMs: 5_000,
    chain: async () => {
      fetches++;
      throw new Error('no credentials');
    },
  });
  await assert.rejects(source.provider());
  t += 4_000;
  await assert.rejects(source.provider());
  assert.equal(fetches, 1);
  t += 1_000;
  await assert.rejects(source.provider());
  assert.equal(fetches, 2);
  source.invalidate();
  await assert.rejects(source.provider());
  assert.equal(fetches, 3);
});

test('the first success logs "credentials resolved" once', async () => {
  const { logger, lines } = capture();
  const health = new CredentialHealth(logger, {});
  const source = createCredentialSource({ region: 'us-east-1', health, chain: async () => ({ accessKeyId: 'A', secretAccessKey: 'B' }) });
  await source.provider();
  source.invalidate();
  await source.provider();
  assert.deepEqual(lines.map((l) => l.msg), ['credentials resolved']);
  assert.equal(health.state().status, 'resolved');
});
