import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DaemonProcess, UdpSender, waitUntil } from '../helpers/daemon-process.js';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { RELIABILITY, Payload, envNumber, health, settled } from './reliability-kit.js';

const RUNS = envNumber('XRAYD_BAD_INPUT_RUNS', 200);
const MAX_DATAGRAM = 65_507;

/** A datagram and what the protocol says must happen to it (XRAY-FACTS §1). */
class Case extends Payload {
  constructor(
    bytes: Buffer,
    readonly expect: 'accepted' | 'rejected' | 'ignored',
  ) {
    super(bytes, expect);
  }
}

const nest = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);

/** Document bodies that are hostile to a parser or a JSON encoder. */
const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.integer({ min: 1, max: 30_000 }).map((d) => Buffer.from(nest(d, '[', ']'))),
  fc.integer({ min: 1, max: 10_000 }).map((d) => Buffer.from(nest(d, '{"a":', '}').replace(/}+$/, (m) => '1' + m))),
  fc.integer({ min: 1_000, max: MAX_DATAGRAM - 200 }).map((n) => Buffer.from(JSON.stringify({ name: 'x'.repeat(n) }))),
  fc.record({ name: fc.anything(), id: fc.anything(), trace_id: fc.anything(), start_time: fc.anything(), end_time: fc.anything() }).map((r) => Buffer.from(JSON.stringify(r) ?? 'null')),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'), fc.jsonValue()).map((d) =>
    Buffer.from(`{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${JSON.stringify(d).slice(1)}`),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((bytes) => Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from([0xff, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from('"}')])),
  fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => Buffer.from(s || '{}')),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(`{"name":${JSON.stringify(s)},"id":"\\u0000\\ud800","start_time":1e400}`)),
);

const VALID_HEADERS = ['{"format":"json","version":1}', '{"format": "json", "version": 1}', ' {"FORMAT":"JSON","Version":1,"extra":[1]} '];

const datagram: fc.Arbitrary<Case> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...VALID_HEADERS), hostileBody).map(([h, body]) => new Case(clip(Buffer.concat([Buffer.from(h + '\n'), body])), 'accepted')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('{"format":"json","version":"1"}', '{"format":"xml","version":1}', '{"version":1.0,"format":"json"}', 'not json', '{"__proto__":{"format":"json","version":1}}'), hostileBody).map(([h, body]) => new Case(clip(Buffer.concat([Buffer.from(h + '\n'), body])), 'rejected')) },
  { weight: 1, arbitrary: hostileBody.map((body) => new Case(clip(Buffer.from(body.toString('latin1').replace(/\n/g, ' '), 'latin1')), 'rejected')) },
  { weight: 1, arbitrary: fc.constantFrom(...VALID_HEADERS).map((h) => new Case(Buffer.from(h + '\n'), 'rejected')) },
  { weight: 1, arbitrary: fc.constant(new Case(Buffer.alloc(0), 'ignored')) },
);

function clip(b: Buffer): Buffer {
  return b.length > MAX_DATAGRAM ? b.subarray(0, MAX_DATAGRAM) : b;
}

test(`bad input: ${RUNS} property runs of hostile datagrams; the daemon never crashes and counts each one`, { ...RELIABILITY, timeout: 600_000 }, async (t) => {
  const xray = new FakeXray();
  await xray.listen();
  const daemon = await DaemonProcess.start(['--endpoint', xray.url, '-l', 'info', '-o'], testAwsEnv());
  const udp = new UdpSender(daemon.udpPort);
  const accepted: string[] = [];
  let expectReceived = 0;
  let expectRejected = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(datagram, { minLength: 1, maxLength: 6 }), async (cases) => {
        for (const c of cases) {
          await udp.send(c.bytes);
          if (c.expect === 'ignored') continue;
          expectReceived++;
          if (c.expect === 'rejected') expectRejected++;
          // relayed as-is; bytes that are not UTF-8 become U+FFFD, as the Go reference's JSON encoder does
          else accepted.push(c.bytes.subarray(c.bytes.indexOf(0x0a) + 1).toString('utf8'));
        }
        await waitUntil(async () => (await health(daemon)).counters.received === expectReceived, `received == ${expectReceived}`, 5_000);
        const h = await health(daemon);
        return h.ok && h.counters.rejected === expectRejected;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    await waitUntil(async () => settled((await health(daemon)).counters), 'every datagram accounted for', 15_000);
    const c = (await health(daemon)).counters;
    t.diagnostic(`received ${c.received}: uploaded ${c.sent}, rejected ${c.rejected}, spillover ${c.spillover}`);
    assert.equal(c.received, expectReceived);
    assert.equal(c.rejected, expectRejected);
    assert.equal(c.spillover, 0);
    assert.equal(c.sent, accepted.length);
    assert.deepEqual([...xray.documents].sort(), [...accepted].sort(), 'every accepted body uploaded exactly once, unchanged');
    for (const call of xray.calls) assert.equal(call.signatureProblem, undefined);
    assert.deepEqual(daemon.stderr, [], 'nothing on stderr');
  } finally {
    udp.close();
    await daemon.stop();
    await xray.close();
  }
});
