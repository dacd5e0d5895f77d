/**
 * Background failures against the built daemon as a process: the store's compaction target
 * occupied by a directory (EISDIR), a file-size limit (`ulimit -f`: EFBIG on store writes), and a
 * relay without credentials. Each time the daemon must stay up, answer /healthz within 2 s with
 * `status: degraded` and the reason, keep taking UDP and serving its API, answer 503 on /readyz,
 * and return to ok by itself once the cause is gone.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { DaemonProcess, UdpSender, HEADER, makeSegment, waitUntil } from '../helpers/daemon-process.js';
import { FakeXray } from '../helpers/fake-xray.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/sigv4-verify.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-faults-'));
const daemons: DaemonProcess[] = [];
after(async () => {
  for (const d of daemons) await d.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Health {
  status: number;
  body: { ok: boolean; status: string; problems: { component: string; reason: string }[] };
  ms: number;
}

async function health(d: DaemonProcess): Promise<Health> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${d.tcpPort}/healthz`, { signal: AbortSignal.timeout(2000) });
  return { status: res.status, body: (await res.json()) as Health['body'], ms: performance.now() - started };
}

async function readyStatus(d: DaemonProcess): Promise<number> {
  return (await fetch(`http://127.0.0.1:${d.tcpPort}/readyz`, { signal: AbortSignal.timeout(2000) })).status;
}

function problem(h: Health, component: string) {
  return h.body.problems.find((p) => p.component === component);
}

/**
 * Waits until /healthz lists `component`'s problem, then checks what a prober sees: /healthz still
 * 200 and `ok` (liveness), `status: degraded` with the reason, answered within 2 s; /readyz 503.
 */
async function expectDegraded(d: DaemonProcess, component: string, reason: RegExp): Promise<void> {
  await waitUntil(async () => problem(await health(d), component) !== undefined, `${component} problem in /healthz`, 15_000);
  const h = await health(d);
  assert.equal(h.status, 200, 'liveness stays 200 while degraded');
  assert.equal(h.body.ok, true);
  assert.equal(h.body.status, 'degraded');
  assert.match(problem(h, component)!.reason, reason);
  assert.ok(h.ms < 2000, `/healthz answered in ${h.ms} ms`);
  assert.equal(await readyStatus(d), 503);
}

/** A segment of about 2 KB, so that the store log grows quickly. */
function bigSegment() {
  return makeSegment({ metadata: { default: { pad: 'x'.repeat(2000) } } });
}

async function storedIds(d: DaemonProcess, traceIds: string[]): Promise<number> {
  const client = new XRayClient({
    endpoint: `http://127.0.0.1:${d.tcpPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy' },
    maxAttempts: 1,
  });
  const out = await client.send(new BatchGetTracesCommand({ TraceIds: traceIds }));
  client.destroy();
  return out.Traces?.length ?? 0;
}

/** Sends a segment and checks, through the X-Ray API, that the daemon stored it. */
async function acceptsAndServes(d: DaemonProcess, udp: UdpSender): Promise<void> {
  const seg = makeSegment({ name: 'still-working' });
  await udp.send(HEADER + seg.text);
  const traceId = (JSON.parse(seg.text) as { trace_id: string }).trace_id;
  await waitUntil(async () => (await storedIds(d, [traceId])) === 1, 'a new segment stored and served');
}

function localConfig(name: string, storePath: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `Backend: local\nFlushIntervalMs: 20\nStore:\n  Path: ${storePath}\n  MaxSegments: 20\n`);
  return file;
}

test('compaction into an occupied temp path (EISDIR): the daemon stays up, reports it, backs off, and recovers', async () => {
  const storePath = path.join(dir, 'eisdir.log');
  mkdirSync(`${storePath}.tmp`); // compaction's temp file cannot be created
  const d = await DaemonProcess.start(['-c', localConfig('eisdir', storePath)]);
  daemons.push(d);
  const udp = new UdpSender(d.udpPort);
  try {
    // > 1 MiB of log while at most 20 documents are live: compaction is due
    for (let i = 0; i < 700; i++) await udp.send(HEADER + bigSegment().text);
    await expectDegraded(d, 'store-compaction', /EISDIR/);
    assert.ok(statSync(`${storePath}.tmp`).isDirectory(), 'the directory in the way is left alone');
    await acceptsAndServes(d, udp);
    // backoff: more batches do not retry the compaction each time (one error line per episode)
    for (let i = 0; i < 50; i++) await udp.send(HEADER + bigSegment().text);
    await acceptsAndServes(d, udp);
    assert.equal(d.logs.filter((l) => l.msg.startsWith('store log compaction failed')).length, 1);
    const metrics = await (await fetch(`http://127.0.0.1:${d.tcpPort}/metrics`)).text();
    assert.match(metrics, /xrayd_background_failures_total\{component="store-compaction"\} [1-9]/);
    assert.match(metrics, /xrayd_degraded 1/);

    rmdirSync(`${storePath}.tmp`); // the cause goes away
    await waitUntil(
      async () => {
        await udp.send(HEADER + bigSegment().text); // batches give compaction its next chance
        return (await health(d)).body.status === 'ok';
      },
      'back to ok after the backoff',
      30_000,
    );
    assert.equal(await readyStatus(d), 200);
    assert.ok(statSync(storePath).size < 1024 * 1024, 'the log was compacted');
    assert.ok(d.alive);
  } finally {
    udp.close();
  }
});

test('a file-size limit (ulimit -f: EFBIG) fails store writes: the daemon stays up, keeps serving from memory, and recovers when lifted', async () => {
  const storePath = path.join(dir, 'efbig.log');
  const d = await DaemonProcess.start(['-c', localConfig('efbig', storePath)], {}, [], { fileSizeKB: 64 });
  daemons.push(d);
  const udp = new UdpSender(d.udpPort);
  try {
    for (let i = 0; i < 60; i++) await udp.send(HEADER + bigSegment().text);
    await expectDegraded(d, 'store', /EFBIG/);
    await acceptsAndServes(d, udp); // kept in memory
    assert.ok(d.alive, 'SIGXFSZ did not kill it');

    execFileSync('prlimit', ['--pid', String(d.pid), '--fsize=unlimited']); // the cause goes away
    await waitUntil(
      async () => {
        await udp.send(HEADER + makeSegment().text);
        return (await health(d)).body.status === 'ok';
      },
      'back to ok once writes work',
      15_000,
    );
    assert.equal(await readyStatus(d), 200);
    assert.ok(statSync(storePath).size > 64 * 1024, 'the log grows again');
  } finally {
    udp.close();
  }
});

/** An ECS-style container credentials endpoint that answers 404 until `serve` is set. */
function credentialsEndpoint() {
  const state = { serve: false, calls: 0 };
  const server = http.createServer((_req, res) => {
    state.calls++;
    if (!state.serve) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        AccessKeyId: TEST_CREDENTIALS.accessKeyId,
        SecretAccessKey: TEST_CREDENTIALS.secretAccessKey,
        Token: 'test-session-token',
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
      }),
    );
  });
  return { state, server };
}

test('relay without credentials: /healthz degraded with the reason, /readyz 503, and ok again when credentials appear', async () => {
  const xray = new FakeXray();
  await xray.listen();
  const creds = credentialsEndpoint();
  await new Promise<void>((resolve) => creds.server.listen(0, '127.0.0.1', resolve));
  const port = (creds.server.address() as { port: number }).port;
  const config = path.join(dir, 'relay.yaml');
  writeFileSync(config, 'RetryBaseDelayMs: 100\nRetryMaxDelayMs: 500\nFlushIntervalMs: 20\n');
  // no credentials anywhere in the chain (the host's AWS config is out of reach too)
  const env = {
    AWS_REGION: TEST_REGION,
    AWS_CONFIG_FILE: '/nonexistent/xrayd-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/xrayd-test-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`,
  };
  const d = await DaemonProcess.start(['-c', config, '--endpoint', xray.url], env);
  daemons.push(d);
  const udp = new UdpSender(d.udpPort);
  try {
    // liveness stays 200: ECS must not replace a daemon waiting for credentials
    await expectDegraded(d, 'credentials', /credentials failing/);

    const seg = makeSegment({ name: 'waits-for-credentials' });
    await udp.send(HEADER + seg.text);
    creds.state.serve = true; // credentials appear
    await xray.waitFor(() => xray.documents.includes(seg.text), 20_000, 'the held segment delivered');
    await waitUntil(async () => (await health(d)).body.status === 'ok', 'back to ok', 10_000);
    assert.equal(await readyStatus(d), 200);
    assert.equal(xray.calls.find((c) => c.path === '/TraceSegments' && c.signatureProblem === undefined) !== undefined, true);
  } finally {
    udp.close();
    await d.stop();
    await xray.close();
    await new Promise((r) => creds.server.close(r));
  }
});
