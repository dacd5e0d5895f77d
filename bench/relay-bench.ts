import os from 'node:os';
import path from 'node:path';
import type { BenchChild } from './child.js';
import type { LoadSource, Offered } from './generators.js';
import type { BenchOptions } from './options.js';
import { cpuMicros, resetPeakRss, RssSampler, statusKiB } from './proc-stats.js';
import { contextSwitches, type RelayTarget } from './relay-targets.js';
import type { SinkReport } from './sink-server.js';

export interface RelayRow {
  /** Which daemon: `xrayd` or `go` (the reference). */
  daemon: string;
  rate: number;
  /** Which repetition (0-based) of the interleaved rounds. */
  round: number;
  offered: Offered;
  /** Datagrams the daemon counted as received (xrayd only; the rest were dropped by the kernel). */
  received: number | undefined;
  delivered: number;
  duplicates: number;
  /** PutTraceSegments calls the sink answered (delivered / requests = documents per batch). */
  requests: number;
  lossPct: number;
  cpuMicrosPerSegment: number;
  cpuPct: number;
  peakRssMB: number;
  latencyMs: SinkReport['latencyMs'];
  /** Spawn to listening. */
  startMs: number;
  /** Measured before the load, on the first rate of a round: RSS and wake-ups per second while idle. */
  idle?: { rssMB: number; wakeupsPerSecond: number; seconds: number };
  profile?: string;
  /** The sink's CPU while this rate ran (it must stay cheap next to the daemon). */
  sinkCpuPct: number;
  /** 1-minute load average before the run: other work on the machine skews every number. */
  loadAverage: number;
}

export interface BareRow {
  rate: number;
  round: number;
  sent: number;
  received: number;
  lossPct: number;
  cpuMicrosPerDatagram: number;
  peakRssMB: number;
}

const VARIANTS = 20;
let nextTag = 1;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the sink's count has not moved for `quietMs` and, where the daemon can say so,
 * everything it received is accounted for; or until `timeoutMs`.
 */
async function settle(count: () => Promise<number>, accounted: (() => Promise<boolean>) | undefined, quietMs: number, timeoutMs: number): Promise<void> {
  let last = await count();
  let since = Date.now();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await pause(50); // polling counters; nothing to wait on
    const now = await count();
    if (now !== last) since = Date.now();
    else if (Date.now() - since >= quietMs && (!accounted || (await accounted()))) return;
    last = now;
  }
}

export interface RunContext {
  opts: BenchOptions;
  gens: LoadSource;
  sink: BenchChild;
  sinkPort: number;
}

/** One daemon, started fresh, at one offered rate: CPU and peak RSS from /proc, delivery at the sink. */
export async function benchTargetRate(target: RelayTarget, rate: number, round: number, measureIdle: boolean, ctx: RunContext): Promise<RelayRow> {
  const { opts, gens, sink } = ctx;
  const profile = opts.profileDir && target.name === 'xrayd' && round === 0 ? path.resolve(opts.profileDir, `daemon-${rate}.cpuprofile`) : undefined;
  const daemon = await target.start(ctx.sinkPort, profile);
  try {
    const pid = daemon.pid;
    let idle: RelayRow['idle'];
    if (measureIdle && opts.idleSeconds > 0) {
      await pause(500); // let startup work finish
      const s0 = contextSwitches(pid);
      const t0 = performance.now();
      await pause(opts.idleSeconds * 1000);
      const seconds = (performance.now() - t0) / 1000;
      idle = { rssMB: statusKiB(pid, 'VmRSS') / 1024, wakeupsPerSecond: (contextSwitches(pid) - s0) / seconds, seconds };
    }
    const tag = nextTag++ % 256;
    const capacity = gens.capacityPerSender(rate, opts.seconds);
    await sink.request({ cmd: 'run', run: { tag, capacityPerSender: capacity, senders: gens.count } }, 'run-started');
    const hwmReset = resetPeakRss(pid);
    const sampler = new RssSampler(pid);
    sampler.start();
    const cpu0 = cpuMicros(pid);
    const sinkCpu0 = cpuMicros(sink.pid);
    const load = os.loadavg()[0];
    const offered = await gens.offer({ port: daemon.udpPort, rate, seconds: opts.seconds, tag, bytes: opts.bytes, variants: VARIANTS, sockets: opts.sockets });
    const count = async () => (await sink.request({ cmd: 'count' }, 'count')).count as number;
    // Go flushes a partial batch after 1 s and says nothing about what it holds: wait for a quiet sink
    await settle(count, daemon.accountedFor, daemon.accountedFor ? 300 : 1500, 15_000);
    const cpu1 = cpuMicros(pid);
    const sinkCpuPct = (100 * (cpuMicros(sink.pid) - sinkCpu0)) / 1000 / offered.elapsedMs;
    const peakKiB = Math.max(sampler.stop(), hwmReset ? statusKiB(pid, 'VmHWM') : 0);
    const report = (await sink.request({ cmd: 'report' }, 'report')).report as SinkReport;
    return {
      daemon: target.name,
      rate,
      round,
      offered,
      received: await daemon.received(),
      delivered: report.distinct,
      duplicates: report.duplicates,
      requests: report.requests,
      lossPct: offered.sent ? (100 * (offered.sent - report.distinct)) / offered.sent : 0,
      cpuMicrosPerSegment: report.distinct ? (cpu1 - cpu0) / report.distinct : NaN,
      cpuPct: (100 * (cpu1 - cpu0)) / 1000 / offered.elapsedMs,
      peakRssMB: peakKiB / 1024,
      latencyMs: report.latencyMs,
      startMs: daemon.startMs,
      idle,
      profile,
      sinkCpuPct,
      loadAverage: load,
    };
  } finally {
    await daemon.stop();
  }
}

/** The same offered load at a bare counting socket: what Node + the kernel can take at all. */
export async function benchBare(rate: number, round: number, opts: BenchOptions, gens: LoadSource, counter: BenchChild, port: number): Promise<BareRow> {
  await counter.request({ cmd: 'reset' }, 'reset-done');
  const cpu0 = cpuMicros(counter.pid);
  const offered = await gens.offer({ port, rate, seconds: opts.seconds, tag: 0, bytes: opts.bytes, variants: VARIANTS, sockets: opts.sockets });
  const count = async () => (await counter.request({ cmd: 'count' }, 'count')).count as number;
  let received = await count();
  for (let since = Date.now(); Date.now() - since < 300; ) {
    await pause(50);
    const now = await count();
    if (now !== received) since = Date.now();
    received = now;
  }
  return {
    rate,
    round,
    sent: offered.sent,
    received,
    lossPct: offered.sent ? (100 * (offered.sent - received)) / offered.sent : 0,
    cpuMicrosPerDatagram: (cpuMicros(counter.pid) - cpu0) / Math.max(1, received),
    peakRssMB: statusKiB(counter.pid, 'VmRSS') / 1024,
  };
}
