import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = path.join(REPO_ROOT, 'bin/xrayd');
/** The node flags of bin/xrayd's shebang (none today: it sets V8 flags itself): tests start the daemon exactly as the launcher does. */
export const LAUNCH_FLAGS: string[] = (/^#!\/usr\/bin\/env (?:-S )?node(.*)$/m.exec(readFileSync(BIN, 'utf8'))?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
/**
 * XRAYD_BIN=<executable> runs the same tests against a packaged daemon (the single executable,
 * dist/pkg/xrayd-linux-x64, which has its node flags built in) instead of `node bin/xrayd`.
 */
export const PACKAGED_BIN: string | undefined = process.env.XRAYD_BIN ? path.resolve(process.env.XRAYD_BIN) : undefined;

/** The command and leading arguments that start the daemon. */
function daemonCommand(nodeArgs: string[] = []): [string, string[]] {
  if (PACKAGED_BIN === undefined) return [process.execPath, [...LAUNCH_FLAGS, ...nodeArgs, BIN]];
  if (nodeArgs.length) throw new Error(`node flags ${nodeArgs.join(' ')} cannot be given to ${PACKAGED_BIN}`);
  return [PACKAGED_BIN, []];
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/**
 * The built daemon as a child process, started as users start it (`bin/xrayd`, or XRAYD_BIN). Ports are chosen by
 * the OS (`:0`) and read back from the daemon's own log lines.
 */
export class DaemonProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  udpPort = 0;
  tcpPort = 0;
  /** The OTLP/HTTP port (0 when the receiver is off). */
  otlpPort = 0;
  private readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: { predicate: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  /**
   * `nodeArgs` go to node itself, before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
   * `maxOpenFiles` starts it under `ulimit -n`, `fileSizeKB` under a soft `ulimit -f` (which can be raised again,
   * e.g. with prlimit), both through bash, then exec: the child is still the daemon, with the same pid.
   */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = [], options: { maxOpenFiles?: number; fileSizeKB?: number } = {}) {
    const [daemon, leading] = daemonCommand(nodeArgs);
    const argv = [...leading, '-b', '127.0.0.1:0', '-t', '127.0.0.1:0', '--otlp-bind', '127.0.0.1:0', '-l', 'debug', ...args];
    const limits = [
      ...(options.maxOpenFiles === undefined ? [] : [`ulimit -n ${options.maxOpenFiles}`]),
      ...(options.fileSizeKB === undefined ? [] : [`ulimit -S -f ${options.fileSizeKB}`]),
    ];
    const [command, commandArgs] =
      limits.length === 0 ? [daemon, argv] : ['bash', ['-c', `${limits.join(' && ')} && exec "$0" "$@"`, daemon, ...argv]];
    this.child = spawn(command, commandArgs, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: REPO_ROOT,
    });
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return;
      }
      this.logs.push(line);
      const address = line.address as { port?: number } | undefined;
      if (line.msg === 'listening for segments on UDP' && address?.port) this.udpPort = address.port;
      if (line.msg === 'listening on TCP' && address?.port) this.tcpPort = address.port;
      if (line.msg === 'listening for OTLP/HTTP on /v1/traces' && address?.port) this.otlpPort = address.port;
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].predicate(line)) this.waiters.splice(i, 1)[0].resolve(line);
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (l) => this.stderr.push(l));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts a daemon and waits for its "xrayd started" line. */
  static async start(
    args: string[],
    env: NodeJS.ProcessEnv = {},
    nodeArgs: string[] = [],
    options: { maxOpenFiles?: number; fileSizeKB?: number } = {},
  ): Promise<DaemonProcess> {
    const d = new DaemonProcess(args, env, nodeArgs, options);
    const started = d.waitForLog((l) => l.msg === 'xrayd started', 15_000);
    const result = await Promise.race([started, d.exited.then((e) => e)]);
    if (!('msg' in result)) throw new Error(`daemon exited early (${JSON.stringify(result)}): ${d.stderr.join('\n')}`);
    return d;
  }

  waitForLog(predicate: (l: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const found = this.logs.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a log line')), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  /** Still running (not exited or killed). */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** Waits for exit, with a deadline. */
  async waitForExit(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('daemon did not exit in time')), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM and wait; SIGKILL if it hangs. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    try {
      await this.waitForExit(15_000);
    } catch {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** GET a JSON path on the TCP port. */
  async getJson(pathname: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`http://127.0.0.1:${this.tcpPort}${pathname}`);
    return { status: res.status, body: await res.json() };
  }
}

/** Runs the CLI to completion (for exit-code tests). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [command, leading] = daemonCommand();
    const child = spawn(command, [...leading, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI did not exit within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A UDP client sending datagrams to the daemon. */
export class UdpSender {
  private readonly socket = dgram.createSocket('udp4');
  constructor(private readonly port: number) {
    // a sender a failed test forgot to close must not keep the test file's process alive (the runner would wait for it)
    this.socket.unref();
  }

  send(datagram: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(datagram, this.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.socket.close();
  }
}

export const HEADER = '{"format":"json","version":1}\n';

let counter = 0;
/** A small valid segment document with a unique id. */
export function makeSegment(extra: Record<string, unknown> = {}): { id: string; text: string } {
  const id = (Date.now() * 1000 + counter++).toString(16).padStart(16, '0').slice(-16);
  const now = Date.now() / 1000;
  const traceId = `1-${Math.floor(now).toString(16)}-${id.padStart(24, '0')}`;
  const doc = { name: 'test-service', id, trace_id: traceId, start_time: now - 0.01, end_time: now, ...extra };
  return { id, text: JSON.stringify(doc) };
}

/** Polls `check` until it returns true, or fails after `timeoutMs` naming `what`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
