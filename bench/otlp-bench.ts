import { BenchChild } from './child.js';
import { DaemonProcess } from '../test/helpers/daemon-process.js';
import { testAwsEnv } from '../test/helpers/sigv4-verify.js';
import type { BenchOptions } from './options.js';
import { cpuMicros, statusKiB } from './proc-stats.js';

/**
 * OpenTelemetry intake: OTLP/HTTP protobuf requests from a generator process into the daemon,
 * for the local backend (spans stored) and the relay (spans translated and uploaded to the sink).
 * Reported next to the UDP path's numbers: spans per second end to end and the daemon's CPU per span.
 */
export interface OtlpRow {
  backend: 'local' | 'aws';
  spansPerRequest: number;
  sent: number;
  delivered: number;
  failures: number;
  seconds: number;
  spansPerSecond: number;
  cpuMicrosPerSpan: number;
  rssMB: number;
}

interface Health {
  counters: { received: number; sent: number; rejected: number; spillover: number };
  inFlightBatches: number;
  store?: { segments: number };
}

export async function benchOtlp(opts: BenchOptions, sinkPort: number): Promise<OtlpRow[]> {
  const rows: OtlpRow[] = [];
  const { child: load } = await BenchChild.start('otlp-load');
  try {
    for (const backend of ['local', 'aws'] as const) {
      const args = backend === 'local' ? ['--backend', 'local'] : ['--endpoint', `http://127.0.0.1:${sinkPort}`, '-o'];
      const daemon = await DaemonProcess.start([...args, '-l', 'info', ...opts.daemonArgs], backend === 'aws' ? testAwsEnv() : {}, opts.nodeArgs);
      try {
        rows.push(await measure(daemon, load, backend, opts));
      } finally {
        await daemon.stop();
      }
    }
  } finally {
    await load.stop();
  }
  return rows;
}

async function measure(daemon: DaemonProcess, load: BenchChild, backend: 'local' | 'aws', opts: BenchOptions): Promise<OtlpRow> {
  const pid = daemon.pid!;
  const health = async () => (await daemon.getJson('/healthz')).body as Health;
  const delivered = async () => {
    const h = await health();
    return backend === 'local' ? (h.store?.segments ?? 0) : h.counters.sent;
  };
  const cpu0 = cpuMicros(pid);
  const started = performance.now();
  const offered = (await load.request(
    { cmd: 'offer', url: `http://127.0.0.1:${daemon.otlpPort}/v1/traces`, spans: opts.otlpSpans, spansPerRequest: opts.otlpSpansPerRequest, concurrency: 4 },
    'offered',
    600_000,
  )) as unknown as { sent: number; failures: number };
  // delivered stops moving once the last partial batch is flushed
  let count = await delivered();
  let lastChange = performance.now();
  let doneAt = performance.now();
  while (count < offered.sent && performance.now() - lastChange < 2000) {
    await new Promise((r) => setTimeout(r, 50)); // polling the daemon's counters
    const now = await delivered();
    if (now !== count) [count, lastChange, doneAt] = [now, performance.now(), performance.now()];
  }
  const seconds = (doneAt - started) / 1000;
  return {
    backend,
    spansPerRequest: opts.otlpSpansPerRequest,
    sent: offered.sent,
    delivered: count,
    failures: offered.failures,
    seconds,
    spansPerSecond: count / seconds,
    cpuMicrosPerSpan: (cpuMicros(pid) - cpu0) / Math.max(1, count),
    rssMB: statusKiB(pid, 'VmRSS') / 1024,
  };
}
