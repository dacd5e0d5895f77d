import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../src/telemetry/counters.js';
import { TelemetryReporter } from '../../src/telemetry/telemetry-reporter.js';
import { silentLogger } from '../../src/log/logger.js';

type Body = { TelemetryRecords: { Timestamp: number; SegmentsReceivedCount: number; SegmentsSentCount: number; BackendConnectionErrors: { TimeoutCount: number } }[]; Hostname: string; ResourceARN: string };

function setup(opts: { fail?: () => boolean } = {}) {
  const counters = new Counters();
  const bodies: Body[] = [];
  const reporter = new TelemetryReporter(
    counters,
    async (body) => {
      if (opts.fail?.()) return false;
      bodies.push(JSON.parse(body) as Body);
      return true;
    },
    { hostname: 'host-1', resourceArn: 'arn:aws:ec2:x' },
    60_000,
    silentLogger,
    () => 1_700_000_000_000,
  );
  return { counters, bodies, reporter };
}

/** Lets the reporter's async send run after a timer fired. */
const settle = () => new Promise((r) => setImmediate(r));

test('one record per interval with that interval increments; nothing before the first datagram', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const { counters, bodies, reporter } = setup();
    reporter.start();
    mock.timers.tick(60_000);
    await settle();
    assert.equal(bodies.length, 0, 'no record before anything was received');
    counters.received(5);
    counters.sent(4);
    counters.backendError('timeout');
    mock.timers.tick(60_000);
    await settle();
    counters.received(2);
    mock.timers.tick(60_000);
    await settle();
    mock.timers.tick(60_000);
    await settle();
    const records = bodies.flatMap((b) => b.TelemetryRecords);
    assert.deepEqual(records.map((r) => [r.SegmentsReceivedCount, r.SegmentsSentCount, r.BackendConnectionErrors.TimeoutCount]), [[5, 4, 1], [2, 0, 0], [0, 0, 0]]);
    assert.equal(records[0].Timestamp, 1_700_000_000, 'epoch seconds');
    assert.equal(bodies[0].Hostname, 'host-1');
    assert.equal(bodies[0].ResourceARN, 'arn:aws:ec2:x');
    await reporter.finish();
  } finally {
    mock.timers.reset();
  }
});

test('records that fail are kept (at most 30, oldest dropped) and sent later, 10 per call', async () => {
  let failing = true;
  const { counters, bodies, reporter } = setup({ fail: () => failing });
  for (let i = 1; i <= 35; i++) {
    counters.received(i);
    await reporter.tick();
  }
  assert.equal(reporter.keptRecords, 30);
  failing = false;
  counters.received(100);
  await reporter.tick();
  assert.deepEqual(bodies.map((b) => b.TelemetryRecords.length), [10, 10, 10], 'the newest 30 records, 10 per call');
  const received = bodies.flatMap((b) => b.TelemetryRecords).map((r) => r.SegmentsReceivedCount);
  assert.deepEqual(received, [...Array.from({ length: 29 }, (_, i) => i + 7), 100], 'the 6 oldest were dropped, order kept');
  assert.equal(reporter.keptRecords, 0);
});

test('finish() sends one last record with what happened since the last interval', async () => {
  const { counters, bodies, reporter } = setup();
  counters.received(3);
  await reporter.tick();
  counters.sent(3); // the final flush happened after the last interval
  await reporter.finish();
  await reporter.finish();
  const records = bodies.flatMap((b) => b.TelemetryRecords);
  assert.equal(records.length, 2, 'idempotent');
  assert.equal(records[1].SegmentsSentCount, 3);
});

test('failing calls show in the state with their reason and episode start, are counted, and clear on the next delivery', async () => {
  let failing = true;
  let counted = 0;
  const counters = new Counters();
  const reporter = new TelemetryReporter(
    counters,
    async () => {
      if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:443');
      return true;
    },
    { hostname: 'host-1' },
    60_000,
    silentLogger,
    () => 1_700_000_000_000,
    () => counted++,
  );
  counters.received(1);
  await reporter.tick();
  await reporter.tick();
  assert.deepEqual(reporter.state(), {
    keptRecords: 2,
    failing: { reason: 'connect ECONNREFUSED 127.0.0.1:443', since: '2023-11-14T22:13:20.000Z' },
  });
  assert.equal(counted, 2);
  failing = false;
  await reporter.tick();
  assert.deepEqual(reporter.state(), { keptRecords: 0 });
});
