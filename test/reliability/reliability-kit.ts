/**
 * Shared pieces of the reliability suite (`npm run test:reliability`). These runs take minutes and
 * load the machine: the files are named `*.soak.ts`, so `npm test` (which runs `*.test.js`) does not
 * load them, and each test skips unless XRAYD_RELIABILITY is set (the script sets it), in case
 * someone runs `node --test dist/test/`, which loads every file under a `test` folder.
 */
import fc from 'fast-check';
import type { DaemonProcess } from '../helpers/daemon-process.js';
import { Generators, type Offered } from '../../bench/generators.js';
import { statusKiB } from '../../bench/proc-stats.js';

export const RELIABILITY: { skip?: string } = process.env.XRAYD_RELIABILITY ? {} : { skip: 'reliability suite: run `npm run test:reliability`' };

/** A number from the environment (to lengthen or shorten a run), or the default. */
export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export interface Counts {
  received: number;
  sent: number;
  spillover: number;
  rejected: number;
}

export interface Health {
  ok: boolean;
  buffer: { usedBytes: number; limitBytes: number };
  inFlightBatches: number;
  counters: Counts;
  store?: { segments: number };
}

export async function health(daemon: DaemonProcess): Promise<Health> {
  const { status, body } = await daemon.getJson('/healthz');
  if (status !== 200 && status !== 503) throw new Error(`/healthz answered ${status}`);
  return body as Health;
}

/** Every received segment is accounted for: sent, spilled or rejected. */
export function settled(c: Counts): boolean {
  return c.sent + c.spillover + c.rejected === c.received;
}

/** RSS of a process every `intervalMs`, with the time of each sample. */
export class RssTrace {
  readonly samples: { atMs: number; mb: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = Date.now();

  constructor(pid: number, intervalMs = 500) {
    const take = () => {
      try {
        this.samples.push({ atMs: Date.now() - this.t0, mb: statusKiB(pid, 'VmRSS') / 1024 });
      } catch {
        // the process is gone; the test notices that on its own
      }
    };
    take();
    this.timer = setInterval(take, intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Samples taken in [fromMs, toMs). */
  between(fromMs: number, toMs: number): number[] {
    return this.samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs).map((s) => s.mb);
  }

  get peak(): number {
    return Math.max(...this.samples.map((s) => s.mb));
  }
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The bench's generator processes: `rate` datagrams/s of ~600-byte segments for `seconds`. */
export async function withGenerators<T>(senders: number, fn: (g: Generators) => Promise<T>): Promise<T> {
  const g = await Generators.start(senders);
  try {
    return await fn(g);
  } finally {
    await g.stop();
  }
}

export function offer(g: Generators, port: number, rate: number, seconds: number, tag: number, firstSeq = 0): Promise<Offered> {
  return g.offer({ port, rate, seconds, tag, bytes: 600, variants: 20, sockets: 1, firstSeq });
}

/** Distinct bench segment ids in a set of documents (the generator writes `"id":"<16 hex>"`). */
export function benchIds(documents: Iterable<string>): Set<string> {
  const ids = new Set<string>();
  for (const d of documents) {
    const m = /"id":"([0-9a-f]{16})"/.exec(d);
    if (m) ids.add(m[1]);
  }
  return ids;
}

/** A generated payload that prints as a short description in fast-check counterexamples. */
export class Payload {
  constructor(
    readonly bytes: Buffer,
    readonly kind: string,
  ) {}

  [fc.toStringMethod](): string {
    const head = this.bytes.subarray(0, 120).toString('latin1');
    return `Payload(${this.kind}, ${this.bytes.length} bytes: ${JSON.stringify(head)}${this.bytes.length > 120 ? '...' : ''})`;
  }
}

/** Labels every value of `arb` as a Payload of `kind`. */
export function payload(kind: string, arb: fc.Arbitrary<Buffer | string>): fc.Arbitrary<Payload> {
  return arb.map((v) => new Payload(typeof v === 'string' ? Buffer.from(v) : v, kind));
}
