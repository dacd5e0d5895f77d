import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Socket, type AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { regionSources } from '../../../src/xray/discovery/region-sources.js';
import { discoverIdentity } from '../../../src/xray/discovery/identity.js';
import { ImdsClient, imdsOptionsFromEnv } from '../../../src/xray/discovery/imds-client.js';
import { regionFromZone, regionFromArn } from '../../../src/xray/discovery/ecs-region-source.js';
import { resolveRegion, RegionNotFoundError } from '../../../src/xray/region.js';

const TOKEN = 'imds-session-token';
/** A shared-config profile that exists nowhere, so the profile source finds nothing. */
const NO_PROFILE = { AWS_PROFILE: 'xrayd-test-profile-that-does-not-exist' };

let imdsRequests: string[] = [];
let imdsV1Only = false;
let ecsRequests = 0;
let imdsBase = '';
let ecsBase = '';
const servers: Server[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  imdsBase = await listen(
    createHttpServer((req, res) => {
      imdsRequests.push(`${req.method} ${req.url}`);
      if (req.method === 'PUT' && req.url === '/latest/api/token') {
        if (imdsV1Only || !req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return void res.writeHead(imdsV1Only ? 405 : 400).end();
        return void res.end(TOKEN);
      }
      if (!imdsV1Only && req.headers['x-aws-ec2-metadata-token'] !== TOKEN) return void res.writeHead(401).end();
      if (req.url === '/latest/dynamic/instance-identity/document') {
        return void res.end(JSON.stringify({ region: 'eu-west-3', instanceId: 'i-0123456789abcdef0', availabilityZone: 'eu-west-3b' }));
      }
      if (req.url === '/latest/meta-data/hostname') return void res.end('ip-10-1-2-3.eu-west-3.compute.internal');
      res.writeHead(404).end();
    }),
  );
  ecsBase = await listen(
    createHttpServer((req, res) => {
      ecsRequests++;
      if (req.url === '/v4/abc/task') {
        return void res.end(JSON.stringify({ TaskARN: 'arn:aws:ecs:ap-south-1:123456789012:task/cluster/abc', AvailabilityZone: 'ap-south-1a' }));
      }
      res.writeHead(404).end();
    }),
  );
});

after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

beforeEach(() => {
  imdsRequests = [];
  imdsV1Only = false;
  ecsRequests = 0;
});

test('EC2: region and identity come from IMDSv2 (token first, then the document and hostname)', async () => {
  const env = { ...NO_PROFILE, AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase + '/' };
  const imds = new ImdsClient(imdsOptionsFromEnv(env));
  const found = await resolveRegion(undefined, regionSources(env, { localMode: false, imds }));
  assert.equal(found.region, 'eu-west-3');
  assert.match(found.source, /EC2 instance metadata/);
  const identity = await discoverIdentity(env, { localMode: false, imds, osHostname: () => 'os-host' });
  assert.deepEqual(identity, { instanceId: 'i-0123456789abcdef0', hostname: 'ip-10-1-2-3.eu-west-3.compute.internal' });
  assert.equal(imdsRequests[0], 'PUT /latest/api/token');
  // the token is reused and the document fetched once for both lookups
  assert.deepEqual(imdsRequests, ['PUT /latest/api/token', 'GET /latest/dynamic/instance-identity/document', 'GET /latest/meta-data/hostname']);
});

test('EC2: an IMDSv1-only endpoint (token call refused) still answers', async () => {
  imdsV1Only = true;
  const env = { ...NO_PROFILE, AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase };
  const found = await resolveRegion(undefined, regionSources(env, { localMode: false }));
  assert.equal(found.region, 'eu-west-3');
});

test('ECS: the container metadata file works when no metadata URI is set', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-ecs-'));
  const file = path.join(dir, 'metadata.json');
  writeFileSync(file, JSON.stringify({ Cluster: 'c', TaskARN: 'arn:aws:ecs:ca-central-1:123456789012:task/c/1', MetadataFileStatus: 'READY' }));
  const env = { ...NO_PROFILE, ECS_CONTAINER_METADATA_FILE: file, AWS_EC2_METADATA_DISABLED: 'true' };
  assert.equal((await resolveRegion(undefined, regionSources(env, { localMode: false }))).region, 'ca-central-1');
  writeFileSync(file, 'not json');
  await assert.rejects(resolveRegion(undefined, regionSources(env, { localMode: false })), RegionNotFoundError);
});

test('EC2: AWS_EC2_METADATA_V1_DISABLED forbids the token-less fallback', async () => {
  imdsV1Only = true;
  const env = { ...NO_PROFILE, AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase, AWS_EC2_METADATA_V1_DISABLED: 'true' };
  await assert.rejects(resolveRegion(undefined, regionSources(env, { localMode: false })), RegionNotFoundError);
  assert.deepEqual(imdsRequests, ['PUT /latest/api/token']);
});

test('ECS: region from the task metadata TaskARN, ahead of IMDS', async () => {
  const env = { ...NO_PROFILE, ECS_CONTAINER_METADATA_URI_V4: `${ecsBase}/v4/abc`, AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase };
  const found = await resolveRegion(undefined, regionSources(env, { localMode: false }));
  assert.equal(found.region, 'ap-south-1');
  assert.match(found.source, /ECS task metadata/);
  assert.equal(ecsRequests, 1);
  assert.equal(imdsRequests.length, 0);
});

test('the configured region wins without any metadata call', async () => {
  const env = { ...NO_PROFILE, ECS_CONTAINER_METADATA_URI_V4: `${ecsBase}/v4/abc`, AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase };
  const found = await resolveRegion('us-east-2', regionSources(env, { localMode: false }));
  assert.deepEqual(found, { region: 'us-east-2', source: 'configuration' });
  assert.equal(ecsRequests + imdsRequests.length, 0);
});

test('local mode and AWS_EC2_METADATA_DISABLED skip ECS and IMDS entirely', async () => {
  const env = { ...NO_PROFILE, ECS_CONTAINER_METADATA_URI_V4: `${ecsBase}/v4/abc`, AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase };
  await assert.rejects(resolveRegion(undefined, regionSources(env, { localMode: true })), (err: unknown) => {
    assert.ok(err instanceof RegionNotFoundError);
    assert.match(err.message, /--region/);
    return true;
  });
  assert.deepEqual(await discoverIdentity(env, { localMode: true, osHostname: () => 'laptop' }), { instanceId: undefined, hostname: 'laptop' });

  const disabled = { ...NO_PROFILE, AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase, AWS_EC2_METADATA_DISABLED: 'true' };
  await assert.rejects(resolveRegion(undefined, regionSources(disabled, { localMode: false })), RegionNotFoundError);
  assert.deepEqual(await discoverIdentity(disabled, { localMode: false, osHostname: () => 'laptop' }), { instanceId: undefined, hostname: 'laptop' });
  assert.equal(ecsRequests + imdsRequests.length, 0);
});

test('AWS_INSTANCE_ID and AWS_HOSTNAME override IMDS and are used without asking it', async () => {
  const env = { AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase, AWS_INSTANCE_ID: 'i-override', AWS_HOSTNAME: 'named-host' };
  assert.deepEqual(await discoverIdentity(env, { localMode: false }), { instanceId: 'i-override', hostname: 'named-host' });
  assert.equal(imdsRequests.length, 0);
  // one override only: the other comes from IMDS
  const half = await discoverIdentity({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsBase, AWS_HOSTNAME: 'named-host' }, { localMode: false });
  assert.deepEqual(half, { instanceId: 'i-0123456789abcdef0', hostname: 'named-host' });
});

/** A TCP server that accepts connections and never answers. */
async function blackHole(): Promise<{ base: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function refusingBase(): Promise<string> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

for (const kind of ['refuses connections', 'accepts but never answers'] as const) {
  test(`an IMDS that ${kind} costs at most ~1.2 s for region and identity together`, async () => {
    const hole = kind === 'accepts but never answers' ? await blackHole() : undefined;
    const env = { ...NO_PROFILE, AWS_EC2_METADATA_SERVICE_ENDPOINT: hole?.base ?? (await refusingBase()) };
    try {
      const started = performance.now();
      const imds = new ImdsClient(imdsOptionsFromEnv(env));
      await assert.rejects(resolveRegion(undefined, regionSources(env, { localMode: false, imds })), RegionNotFoundError);
      const identity = await discoverIdentity(env, { localMode: false, imds, osHostname: () => 'fallback-host' });
      const elapsed = performance.now() - started;
      assert.deepEqual(identity, { instanceId: undefined, hostname: 'fallback-host' });
      assert.ok(elapsed < 1200, `took ${Math.round(elapsed)} ms`);
    } finally {
      await hole?.close();
    }
  });
}

test('an ECS endpoint that never answers costs at most ~1.2 s', async () => {
  const hole = await blackHole();
  try {
    const env = { ...NO_PROFILE, ECS_CONTAINER_METADATA_URI_V4: hole.base, AWS_EC2_METADATA_DISABLED: 'true' };
    const started = performance.now();
    await assert.rejects(resolveRegion(undefined, regionSources(env, { localMode: false })), RegionNotFoundError);
    assert.ok(performance.now() - started < 1200);
  } finally {
    await hole.close();
  }
});

test('zones and ARNs map to regions', () => {
  assert.equal(regionFromZone('us-east-1a'), 'us-east-1');
  assert.equal(regionFromZone('us-west-2-lax-1a'), 'us-west-2');
  assert.equal(regionFromZone('us-gov-west-1b'), 'us-gov-west-1');
  assert.equal(regionFromZone('nonsense'), undefined);
  assert.equal(regionFromArn('arn:aws-cn:ecs:cn-north-1:1:task/x'), 'cn-north-1');
  assert.equal(regionFromArn('not-an-arn'), undefined);
});
