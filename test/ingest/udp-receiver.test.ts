import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { UdpReceiver, usableReceiveBuffer } from '../../src/ingest/udp-receiver.js';

function capture() {
  const lines: { msg: string; asked?: number; granted?: number }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

const WARNING = 'kernel granted a smaller UDP receive buffer (raise net.core.rmem_max to absorb bursts)';

async function warningsFor(receiveBufferBytes: number) {
  const { lines, logger } = capture();
  const udp = new UdpReceiver({
    address: { host: '127.0.0.1', port: 0 },
    receiveBufferBytes,
    logger,
    onDocument() {},
    onReceived() {},
    onRejected() {},
  });
  await udp.start();
  await udp.shutdown();
  await new Promise((r) => setImmediate(r));
  return lines.filter((l) => l.msg === WARNING);
}

test('Linux reports SO_RCVBUF doubled: the usable size is half of it; other systems report it as set', () => {
  assert.equal(usableReceiveBuffer(2 * 212_992, 'linux'), 212_992);
  assert.equal(usableReceiveBuffer(65_536, 'darwin'), 65_536);
});

test('no warning when the kernel granted the buffer asked for (below net.core.rmem_max)', { skip: process.platform !== 'linux' && 'reads Linux sysctls' }, async () => {
  assert.deepEqual(await warningsFor(64 * 1024), []);
});

test('a warning naming what was granted when net.core.rmem_max capped the buffer', { skip: process.platform !== 'linux' && 'reads Linux sysctls' }, async () => {
  const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  // asking for exactly twice the cap: the kernel reports 2 x rmem_max, which the old comparison took as granted
  const warnings = await warningsFor(2 * rmemMax);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].asked, 2 * rmemMax);
  assert.equal(warnings[0].granted, rmemMax);
});
