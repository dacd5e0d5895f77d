import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DaemonProcess } from '../test/helpers/daemon-process.js';
import { testAwsEnv } from '../test/helpers/sigv4-verify.js';
import { BenchChild } from './child.js';
import type { LoadSource, Offered } from './generators.js';
import type { BenchOptions } from './options.js';
import { cpuMicros, resetPeakRss, RssSampler, statusKiB } from './proc-stats.js';
import type { SinkReport } from './sink-server.js';

export interface RelayRow {
  rate: number;
  offered: Offered;
  /** Datagrams the daemon counted as received (the rest were dropped by the kernel). */
  received: number;
  delivered: number;
  duplicates: number;
  lossPct: number;
  spillover: number;
  rejected: number;
  cpuMicrosPerSegment: number;
  cpuPct: number;
  peakRssMB: number;
  latencyMs: SinkReport['latencyMs'];
  /** Throughput the daemon delivered, segments per second of offering. */
  deliveredRate: number;
  bare?: { received: number; lossPct: number; recvBufferBytes: number; cpuMicrosPerDatagram: number };
  ratioToBare?: number;
  profile?: string;
  /** The sink's CPU while this rate ran (it must stay cheap next to the daemon). */
  sinkCpuPct: number;
  /** 1-minute load average before and after: other work on the machine skews every number. */
  loadAverage: number[];
}

interface Health {
  buffer: { usedBytes: number };
  inFlightBatches: number;
  counters: { received: number; sent: number; spillover: number; rejected: number };
}

const VARIANTS = 20;
let nextTag = 1;

/** Waits until `read` returns the same value for `quietMs` (datagrams still in socket buffers arrive). */
async function settled<T>(read: () => Promise<T>, same: (a: T, b: T) => boolean, quietMs: number, timeoutMs: number): Promise<T> {
  let last = await read();
  let since = Date.now();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50)); // polling a counter; nothing to wait on
    const now = await read();
    if (!same(last, now)) since = Date.now();
    else if (Date.now() - since >= quietMs) return now;
    last = now;
  }
  return last;
}

export async function benchDaemonRate(rate: number, opts: BenchOptions, gens: LoadSource, sink: BenchChild, sinkPort: number): Promise<RelayRow> {
  const env: NodeJS.ProcessEnv = { ...testAwsEnv() };
  let profile: string | undefined;
  let nodeArgs = [...opts.nodeArgs];
  if (opts.profileDir) {
    mkdirSync(opts.profileDir, { recursive: true });
    profile = path.resolve(opts.profileDir, `daemon-${rate}.cpuprofile`);
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.dirname(profile)}`, `--cpu-prof-name=${path.basename(profile)}`);
  }
  const daemon = await DaemonProcess.start(['--endpoint', `http://127.0.0.1:${sinkPort}`, '-l', 'info', '-o', ...opts.daemonArgs], env, nodeArgs);
  try {
    const pid = daemon.pid!;
    const tag = nextTag++ % 256;
    const capacity = gens.capacityPerSender(rate, opts.seconds);
    await sink.request({ cmd: 'run', run: { tag, capacityPerSender: capacity, senders: gens.count } }, 'run-started');
    const health = async () => (await daemon.getJson('/healthz')).body as Health;
    const hwmReset = resetPeakRss(pid);
    const sampler = new RssSampler(pid);
    sampler.start();
    const cpu0 = cpuMicros(pid);
    const sinkCpu0 = cpuMicros(sink.pid);
    const load0 = os.loadavg()[0];
    const offered = await gens.offer({ port: daemon.udpPort, rate, seconds: opts.seconds, tag, bytes: opts.bytes, variants: VARIANTS, sockets: opts.sockets });
    const h = await settled(
      health,
      (a, b) => {
        const c = b.counters;
        // received stopped moving and every received segment is accounted for (the last partial batch waits for the flush interval)
        return a.counters.received === c.received && c.sent + c.spillover + c.rejected === c.received && b.inFlightBatches === 0;
      },
      300,
      15_000,
    );
    const cpu1 = cpuMicros(pid);
    const sinkCpuPct = (100 * (cpuMicros(sink.pid) - sinkCpu0)) / 1000 / offered.elapsedMs;
    const busyMs = offered.elapsedMs;
    const peakKiB = Math.max(sampler.stop(), hwmReset ? statusKiB(pid, 'VmHWM') : 0);
    const report = (await sink.request({ cmd: 'report' }, 'report')).report as SinkReport;
    const c = h.counters;
    return {
      rate,
      offered,
      received: c.received,
      delivered: report.distinct,
      duplicates: report.duplicates,
      lossPct: offered.sent ? (100 * (offered.sent - report.distinct)) / offered.sent : 0,
      spillover: c.spillover,
      rejected: c.rejected,
      cpuMicrosPerSegment: report.distinct ? (cpu1 - cpu0) / report.distinct : NaN,
      cpuPct: (100 * (cpu1 - cpu0)) / 1000 / busyMs,
      peakRssMB: peakKiB / 1024,
      latencyMs: report.latencyMs,
      deliveredRate: report.distinct / (busyMs / 1000),
      profile,
      sinkCpuPct,
      loadAverage: [load0, os.loadavg()[0]],
    };
  } finally {
    await daemon.stop();
  }
}

/** The same offered load at a bare counting socket: what Node + the kernel can take at all. */
export async function benchBare(rate: number, opts: BenchOptions, gens: LoadSource, counter: BenchChild, port: number): Promise<{ received: number; sent: number; cpuMicrosPerDatagram: number }> {
  await counter.request({ cmd: 'reset' }, 'reset-done');
  const cpu0 = cpuMicros(counter.pid);
  const offered = await gens.offer({ port, rate, seconds: opts.seconds, tag: 0, bytes: opts.bytes, variants: VARIANTS, sockets: opts.sockets });
  const count = async () => (await counter.request({ cmd: 'count' }, 'count')).count as number;
  const received = await settled(count, (a, b) => a === b, 300, 10_000);
  return { received, sent: offered.sent, cpuMicrosPerDatagram: (cpuMicros(counter.pid) - cpu0) / Math.max(1, received) };
}
