import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createCredentialSource } from '../../src/xray/credentials.js';
import { CredentialHealth } from '../../src/xray/credential-errors.js';
import { createDispatcher } from '../../src/xray/http-dispatcher.js';
import { createUndiciRequestHandler } from '../../src/xray/undici-request-handler.js';
import { ConnectProxy } from './connect-proxy.js';

const ROLE = 'arn:aws:iam::123456789012:role/xray-writer';
const ASSUMED = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:xrayd</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/xray-writer/xrayd</Arn></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>`;
const DENIED = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>
<Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`;

let deny = false;
const stsBodies: string[] = [];
const sts: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    stsBodies.push(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(deny ? 403 : 200, { 'content-type': 'text/xml' }).end(deny ? DENIED : ASSUMED);
  });
});
const proxy = new ConnectProxy();
let stsBase = '';
let proxyUrl = '';

before(async () => {
  await new Promise<void>((r) => sts.listen(0, '127.0.0.1', r));
  stsBase = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
  proxyUrl = await proxy.start();
});
after(async () => {
  await proxy.stop();
  sts.closeAllConnections();
  await new Promise<void>((r) => sts.close(() => r()));
});

test('-r/--role-arn: AssumeRole goes through the configured proxy, and a refusal is logged once as a role problem', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    }),
  );
  const dispatcher = createDispatcher({ connections: 2, noVerifySSL: false }, { HTTP_PROXY: proxyUrl });
  try {
    const health = new CredentialHealth(logger, {}, ROLE);
    const source = createCredentialSource({
      region: 'us-east-1',
      roleArn: ROLE,
      health,
      failureBackoffMs: 0,
      chain: async () => ({ accessKeyId: 'AKIDBASE', secretAccessKey: 'base-secret' }),
      sts: { requestHandler: createUndiciRequestHandler(dispatcher, 2000), endpoint: stsBase },
    });
    const creds = await source.provider();
    assert.equal(creds.accessKeyId, 'ASIAASSUMED');
    assert.equal(creds.sessionToken, 'assumed-token');
    assert.match(stsBodies[0], /Action=AssumeRole/);
    assert.match(stsBodies[0], /RoleSessionName=xrayd/);
    assert.deepEqual(proxy.tunnels, [new URL(stsBase).host], 'STS was reached through the proxy');

    deny = true;
    source.invalidate();
    await assert.rejects(source.provider(), /not authorized/);
    source.invalidate();
    await assert.rejects(source.provider());
    const errors = lines.filter((l) => l.level === 50);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0].msg), /cannot assume role arn:aws:iam::123456789012:role\/xray-writer: check that the role's trust policy/);
    assert.equal(health.state().status, 'failing');
  } finally {
    await dispatcher.close();
  }
});
