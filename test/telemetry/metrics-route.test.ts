import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../src/telemetry/counters.js';
import { createDaemonMetrics, type PipelineStats } from '../../src/telemetry/daemon-metrics.js';
import { createMetricsRoute } from '../../src/telemetry/metrics-route.js';
import { call, serveRoutes } from '../proxy/http-call.js';

interface Exposition {
  samples: Map<string, number>;
  types: Map<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABELS = `\\{(?:${NAME}="(?:[^"\\\\\\n]|\\\\.)*"(?:,${NAME}="(?:[^"\\\\\\n]|\\\\.)*")*,?)?\\}`;
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|[Nn][Aa][Nn]|[+-]?[Ii]nf))(?: -?[0-9]+)?$`);

/**
 * A strict reader of the Prometheus text format (0.0.4): every line must be a comment or a valid
 * sample. Special values are matched case-insensitively, as Prometheus's parser (Go ParseFloat) does.
 */
function parseExposition(text: string): Exposition {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (/^# HELP \S+ .*$/.test(line)) continue;
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a valid exposition line: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3].replace(/^nan$/i, 'NaN').replace(/inf$/i, 'Infinity')));
  }
  return { samples, types };
}

const counters = new Counters();
let buffered = 0;
const stats: PipelineStats = { bufferBytes: () => buffered, bufferLimitBytes: () => 8 * 1024 * 1024, batchesInFlight: () => 2 };
const metrics = createDaemonMetrics({ counters, stats });
let base = '';
let close: () => Promise<void>;

before(async () => {
  const served = await serveRoutes([createMetricsRoute(metrics.registry)]);
  base = served.base;
  close = served.close;
});
after(() => close());

async function scrape(): Promise<Exposition> {
  const res = await call(base, 'GET', '/metrics');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parseExposition(res.body);
}

test('/metrics is valid Prometheus text with every documented metric', async () => {
  const { samples, types } = await scrape();
  for (const name of ['xrayd_segments_received_total', 'xrayd_segments_sent_total', 'xrayd_segments_spillover_total', 'xrayd_segments_rejected_total']) {
    assert.equal(types.get(name), 'counter', `${name} is a counter`);
    assert.equal(samples.get(name), 0);
  }
  assert.equal(types.get('xrayd_backend_errors_total'), 'counter');
  for (const c of ['timeout', 'refused', 'http4xx', 'http5xx', 'unknownHost', 'other']) assert.equal(samples.get(`xrayd_backend_errors_total{class="${c}"}`), 0);
  assert.equal(types.get('xrayd_buffer_bytes'), 'gauge');
  assert.equal(samples.get('xrayd_buffer_limit_bytes'), 8 * 1024 * 1024);
  assert.equal(samples.get('xrayd_batches_in_flight'), 2);
  assert.equal(types.get('xrayd_upload_duration_seconds'), 'histogram');
  // default process metrics, unprefixed as Prometheus users expect
  assert.ok(samples.has('process_cpu_user_seconds_total'));
  assert.ok(samples.has('process_resident_memory_bytes'));
  assert.ok([...samples.keys()].some((k) => k.startsWith('nodejs_eventloop_lag')));
});

test('counters, gauges and the upload histogram move with the daemon', async () => {
  const before = (await scrape()).samples;
  counters.received(5);
  counters.sent(3);
  counters.spillover(1);
  counters.rejected(2);
  counters.backendError('timeout');
  counters.backendError('http5xx');
  counters.backendError('http5xx');
  buffered = 4096;
  metrics.upload.observe(40, 'success');
  metrics.upload.observe(1500, 'retryable');
  const after = (await scrape()).samples;
  const delta = (k: string) => (after.get(k) ?? NaN) - (before.get(k) ?? 0);
  assert.equal(delta('xrayd_segments_received_total'), 5);
  assert.equal(delta('xrayd_segments_sent_total'), 3);
  assert.equal(delta('xrayd_segments_spillover_total'), 1);
  assert.equal(delta('xrayd_segments_rejected_total'), 2);
  assert.equal(delta('xrayd_segments_dropped_total{reason="buffer-full"}'), 1, 'spillover by reason (buffer-full unless told)');
  assert.equal(delta('xrayd_segments_rejected_by_reason_total{reason="refused"}'), 2);
  assert.equal(delta('xrayd_backend_errors_total{class="timeout"}'), 1);
  assert.equal(delta('xrayd_backend_errors_total{class="http5xx"}'), 2);
  assert.equal(delta('xrayd_backend_errors_total{class="refused"}'), 0);
  assert.equal(after.get('xrayd_buffer_bytes'), 4096);
  assert.equal(after.get('xrayd_upload_duration_seconds_count{outcome="success"}'), 1);
  assert.equal(after.get('xrayd_upload_duration_seconds_bucket{le="0.05",outcome="success"}'), 1);
  assert.equal(after.get('xrayd_upload_duration_seconds_bucket{le="1",outcome="retryable"}'), 0);
  assert.equal(after.get('xrayd_upload_duration_seconds_bucket{le="2",outcome="retryable"}'), 1);
  assert.equal(after.get('xrayd_upload_duration_seconds_sum{outcome="retryable"}'), 1.5);
  // telemetry taking its interval does not reset the cumulative counters
  counters.takeInterval();
  assert.equal((await scrape()).samples.get('xrayd_segments_received_total'), after.get('xrayd_segments_received_total'));
});

test('other methods on /metrics get 405; other paths are not claimed', async () => {
  const post = await call(base, 'POST', '/metrics', { body: '' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  const other = await call(base, 'GET', '/metricsx');
  assert.equal(other.status, 404);
});

test('each daemon has its own registry: two instances do not collide', async () => {
  const a = createDaemonMetrics({ counters: new Counters(), processMetrics: false });
  const c = new Counters();
  c.received(7);
  const b = createDaemonMetrics({ counters: c, processMetrics: false });
  assert.match(await a.registry.metrics(), /^xrayd_segments_received_total 0$/m);
  assert.match(await b.registry.metrics(), /^xrayd_segments_received_total 7$/m);
});

test('drops and rejections are labelled by reason, their sums match the totals; replayed is counted', async () => {
  const before = (await scrape()).samples;
  counters.spillover(4, 'spool-full');
  counters.spillover(1, 'shutdown');
  counters.rejected(3, 'bad-header');
  counters.rejected(2, 'unprocessed');
  counters.replayed(7);
  const after = (await scrape()).samples;
  const delta = (k: string) => (after.get(k) ?? NaN) - (before.get(k) ?? 0);
  assert.equal(delta('xrayd_segments_dropped_total{reason="spool-full"}'), 4);
  assert.equal(delta('xrayd_segments_dropped_total{reason="shutdown"}'), 1);
  assert.equal(delta('xrayd_segments_spillover_total'), 5);
  assert.equal(delta('xrayd_segments_rejected_by_reason_total{reason="bad-header"}'), 3);
  assert.equal(delta('xrayd_segments_rejected_by_reason_total{reason="unprocessed"}'), 2);
  assert.equal(delta('xrayd_segments_rejected_total'), 5);
  assert.equal(delta('xrayd_segments_replayed_total'), 7);
});
