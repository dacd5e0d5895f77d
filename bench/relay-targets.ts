import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DaemonProcess } from '../test/helpers/daemon-process.js';
import { TEST_REGION, testAwsEnv } from '../test/helpers/sigv4-verify.js';

/**
 * The daemons the relay bench compares, each started fresh per run against the same sink:
 * xrayd exactly as users start it (`node bin/xrayd -m 16 ...`, no launcher flags) and the official
 * Go daemon (`--reference PATH`), which has no endpoint flag: its config file's `Endpoint` points it
 * at the sink, `LocalMode` skips EC2 metadata, the region is `-n` and credentials come from the env.
 */
export interface RunningTarget {
  pid: number;
  udpPort: number;
  /** Spawn to "listening" (xrayd: its `xrayd started` line; Go: its proxy server line). */
  startMs: number;
  /** Datagrams the daemon says it received, where it says (xrayd's /healthz); undefined for Go. */
  received(): Promise<number | undefined>;
  /** True once everything received is accounted for (xrayd); Go has no such view. */
  accountedFor?(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface RelayTarget {
  name: string;
  start(sinkPort: number, profile?: string): Promise<RunningTarget>;
}

interface XraydHealth {
  inFlightBatches: number;
  counters: { received: number; sent: number; spillover: number; rejected: number };
}

export function xraydTarget(bufferMB: number, daemonArgs: string[], nodeArgs: string[]): RelayTarget {
  return {
    name: 'xrayd',
    async start(sinkPort, profile) {
      const extra = [...nodeArgs];
      if (profile) {
        mkdirSync(path.dirname(profile), { recursive: true });
        extra.push('--cpu-prof', `--cpu-prof-dir=${path.dirname(profile)}`, `--cpu-prof-name=${path.basename(profile)}`);
      }
      const t0 = performance.now();
      const d = await DaemonProcess.start(['-m', String(bufferMB), '--endpoint', `http://127.0.0.1:${sinkPort}`, '-o', '-l', 'info', ...daemonArgs], testAwsEnv(), extra);
      const startMs = performance.now() - t0;
      const health = async () => (await d.getJson('/healthz')).body as XraydHealth;
      return {
        pid: d.pid!,
        udpPort: d.udpPort,
        startMs,
        received: async () => (await health()).counters.received,
        accountedFor: async () => {
          const h = await health();
          const c = h.counters;
          return c.sent + c.spillover + c.rejected === c.received && h.inFlightBatches === 0;
        },
        stop: () => d.stop(),
      };
    },
  };
}

/** A port the OS says is free right now (the Go daemon cannot bind :0 and report it). */
async function freePort(kind: 'udp' | 'tcp'): Promise<number> {
  if (kind === 'udp') {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export function goTarget(binary: string, bufferMB: number): RelayTarget {
  const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-bench-go-'));
  return {
    name: 'go',
    async start(sinkPort) {
      const udpPort = await freePort('udp');
      const tcpPort = await freePort('tcp');
      const config = path.join(dir, 'cfg.yaml');
      writeFileSync(
        config,
        [
          'Version: 2',
          `Endpoint: "http://127.0.0.1:${sinkPort}"`,
          `Region: "${TEST_REGION}"`,
          'LocalMode: true',
          `TotalBufferSizeMB: ${bufferMB}`,
          'Socket:',
          `  UDPAddress: "127.0.0.1:${udpPort}"`,
          `  TCPAddress: "127.0.0.1:${tcpPort}"`,
          'Logging:',
          '  LogLevel: "info"',
          '',
        ].join('\n'),
      );
      const t0 = performance.now();
      const args = ['-c', config, '-o', '-n', TEST_REGION, '-m', String(bufferMB), '-b', `127.0.0.1:${udpPort}`, '-t', `127.0.0.1:${tcpPort}`];
      const child = spawn(binary, args, { env: { PATH: process.env.PATH, HOME: dir, ...testAwsEnv() }, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const output: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Go daemon not listening within 10 s: ${output.join('\n')}`)), 10_000);
        child.once('exit', (code) => reject(new Error(`Go daemon exited (${code}): ${output.join('\n')}`)));
        for (const stream of [child.stdout!, child.stderr!]) {
          createInterface({ input: stream }).on('line', (line) => {
            if (output.length < 50) output.push(line);
            if (/Starting proxy http server/.test(line)) {
              clearTimeout(timer);
              resolve();
            }
          });
        }
      });
      return {
        pid: child.pid!,
        udpPort,
        startMs: performance.now() - t0,
        received: async () => undefined,
        stop: () => stopChild(child, exited),
      };
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Context switches of every thread of a process so far: each is a wake-up (or a preemption). */
export function contextSwitches(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) total += Number(m[1]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return total;
}
