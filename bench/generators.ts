import { BenchChild } from './child.js';
import type { GeneratorJob, GeneratorResult } from './load-generator.js';

export interface Offered {
  sent: number;
  /** Rate actually offered: datagrams sent over the slowest sender's sending time. */
  achievedRate: number;
  sendErrors: number;
  elapsedMs: number;
}

export type OfferJob = Omit<GeneratorJob, 'sender' | 'rate'> & { rate: number };

/** Something that offers UDP load: the Node generator processes or the native one. */
export interface LoadSource {
  readonly count: number;
  capacityPerSender(rate: number, seconds: number): number;
  offer(job: OfferJob): Promise<Offered>;
  stop(): Promise<void>;
}

/** A pool of generator processes that together offer one rate (split evenly) to a UDP port. */
export class Generators implements LoadSource {
  private constructor(private readonly children: BenchChild[]) {}

  static async start(n: number): Promise<Generators> {
    const children = await Promise.all(Array.from({ length: n }, () => BenchChild.start('load-generator').then((c) => c.child)));
    return new Generators(children);
  }

  get count(): number {
    return this.children.length;
  }

  /** Most ids one sender sends at `rate` for `seconds` (the sink's bitmap size). */
  capacityPerSender(rate: number, seconds: number): number {
    return Math.floor((rate / this.children.length) * seconds) + 1;
  }

  async offer(job: OfferJob): Promise<Offered> {
    const share = job.rate / this.children.length;
    const results = await Promise.all(
      this.children.map((c, sender) => c.request({ cmd: 'run', job: { ...job, rate: share, sender } }, 'done', job.seconds * 1000 + 60_000).then((m) => m.result as GeneratorResult)),
    );
    const sent = results.reduce((a, r) => a + r.sent, 0);
    const elapsedMs = Math.max(...results.map((r) => r.elapsedMs));
    return { sent, elapsedMs, achievedRate: sent / (elapsedMs / 1000), sendErrors: results.reduce((a, r) => a + r.sendErrors, 0) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()));
  }
}
