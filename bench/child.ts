import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface Message {
  cmd: string;
  [key: string]: unknown;
}

/**
 * A bench helper process (generator, sink, bare counter) spoken to over the IPC channel: `request`
 * sends one message and resolves with the first reply whose `cmd` is the expected one.
 */
export class BenchChild {
  private readonly waiters: { cmd: string; resolve: (m: Message) => void }[] = [];
  private readonly exited: Promise<void>;

  private constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: Message) => {
      const i = this.waiters.findIndex((w) => w.cmd === m.cmd);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
  }

  /** Forks `bench/<file>.js` and waits for its `ready` message. */
  static async start(file: string, execArgv: string[] = [], args: string[] = []): Promise<{ child: BenchChild; ready: Message }> {
    const proc = fork(path.join(HERE, `${file}.js`), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const child = new BenchChild(proc);
    const ready = await child.waitFor('ready', 15_000);
    return { child, ready };
  }

  get pid(): number {
    return this.proc.pid!;
  }

  waitFor(cmd: string, timeoutMs = 120_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench child ${this.proc.pid}: no '${cmd}' within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        cmd,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  request(message: Message, replyCmd: string, timeoutMs?: number): Promise<Message> {
    const reply = this.waitFor(replyCmd, timeoutMs);
    this.proc.send(message);
    return reply;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.send({ cmd: 'exit' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}
