import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { nodeRuntime } from '../packaging/node-runtime.js';
import { launcherFlags } from '../packaging/build-sea.js';
import { statusKiB } from './proc-stats.js';

export interface StartupRow {
  launcher: string;
  runs: number;
  /** Spawn to the "xrayd started" log line (sockets bound), median and worst, ms. */
  startMsMedian: number;
  startMsMax: number;
  /** VmRSS after `idleMs` of idling, median, MB; and its anonymous part (heaps), the rest being mostly mapped code. */
  idleRssMB: number;
  idleAnonMB: number;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SEA = path.join(REPO_ROOT, 'dist/pkg/xrayd-linux-x64');
/** A relay daemon that looks nothing up: what starts on a host, minus the network. */
const ARGS = ['-o', '-n', 'us-east-1', '--endpoint', 'http://127.0.0.1:9', '-b', '127.0.0.1:0', '-t', '127.0.0.1:0', '--otlp-bind', '127.0.0.1:0', '-l', 'info'];

/** One start: time to "xrayd started", then RSS after idling, then SIGTERM. */
function startOnce(command: string, args: string[], idleMs: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const begun = process.hrtime.bigint();
    const child = spawn(command, [...args, ...ARGS], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timeout);
      if (code !== 0) reject(new Error(`${command} exited with ${code}: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('"msg":"xrayd started"')) return;
      const startMs = Number(process.hrtime.bigint() - begun) / 1e6;
      setTimeout(() => {
        const rssKiB = statusKiB(child.pid!, 'VmRSS');
        const anonKiB = statusKiB(child.pid!, 'RssAnon');
        child.once('exit', () => resolve({ startMs, rssKiB, anonKiB }));
        child.kill('SIGTERM');
      }, idleMs);
    });
  });
}

interface Sample {
  startMs: number;
  rssKiB: number;
  anonKiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Start-up time and idle RSS of `node bin/xrayd` (on this Node and on the pinned Node 26) and of the
 * single executable (dist/pkg/xrayd-linux-x64, when `npm run package` has built it). Launchers take
 * turns, so a burst of load on the machine does not land on one of them only.
 */
export async function benchStartup(runs: number, idleMs = 2000): Promise<{ rows: StartupRow[]; note?: string }> {
  const bin = path.join(REPO_ROOT, 'bin/xrayd');
  const launchers: { launcher: string; command: string; args: string[] }[] = [
    { launcher: `node bin/xrayd (Node ${process.version})`, command: process.execPath, args: [...launcherFlags(), bin] },
  ];
  let note: string | undefined;
  if (existsSync(SEA)) {
    const node26 = nodeRuntime('node26-linux-x64');
    launchers.push({ launcher: 'node bin/xrayd (pinned Node 26)', command: node26, args: [...launcherFlags(), bin] });
    launchers.push({ launcher: 'dist/pkg/xrayd-linux-x64 (single executable)', command: SEA, args: [] });
  } else {
    note = 'no single executable: run `npm run package` first to measure dist/pkg/xrayd-linux-x64';
  }
  const samples = launchers.map(() => [] as Sample[]);
  for (let i = 0; i < runs; i++) {
    for (const [j, l] of launchers.entries()) samples[j].push(await startOnce(l.command, l.args, idleMs));
  }
  const rows = launchers.map((l, j) => ({
    launcher: l.launcher,
    runs,
    startMsMedian: median(samples[j].map((s) => s.startMs)),
    startMsMax: Math.max(...samples[j].map((s) => s.startMs)),
    idleRssMB: median(samples[j].map((s) => s.rssKiB)) / 1024,
    idleAnonMB: median(samples[j].map((s) => s.anonKiB)) / 1024,
  }));
  return { rows, note };
}
