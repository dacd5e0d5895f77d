import { execFile, spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../test/helpers/daemon-process.js';
import type { LoadSource, Offered, OfferJob } from './generators.js';
import { buildTemplates } from './segment-template.js';

const SOURCE = path.join(REPO_ROOT, 'bench/native/udp-blast.c');

/**
 * The C generator (`bench/native/udp-blast.c`, sendmmsg), compiled with the system's `cc` on first
 * use. One process per sender per offered rate, fed the same templates as the Node generator.
 */
export class NativeGenerators implements LoadSource {
  private constructor(
    private readonly binary: string,
    readonly count: number,
    private readonly dir: string,
  ) {}

  /** Compiles the generator; undefined when there is no C compiler (the caller falls back to Node). */
  static async build(senders: number): Promise<NativeGenerators | undefined> {
    if (!existsSync(SOURCE)) return undefined;
    const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-bench-'));
    const binary = path.join(dir, 'udp-blast');
    try {
      await promisify(execFile)(process.env.CC ?? 'cc', ['-O2', '-o', binary, SOURCE]);
    } catch {
      return undefined;
    }
    return new NativeGenerators(binary, senders, dir);
  }

  capacityPerSender(rate: number, seconds: number): number {
    return Math.floor((rate / this.count) * seconds) + 1;
  }

  async offer(job: OfferJob): Promise<Offered> {
    const templates = buildTemplates(job.variants, job.bytes);
    const file = path.join(this.dir, `templates-${job.variants}-${job.bytes}.bin`);
    writeFileSync(
      file,
      Buffer.concat(
        templates.flatMap((t) => {
          const header = Buffer.alloc(24);
          [t.datagram.length, t.idOffset, t.traceOffset, t.stampOffset, t.startOffset, t.endOffset].forEach((v, i) => header.writeUInt32LE(v, i * 4));
          return [header, t.datagram];
        }),
      ),
    );
    const share = job.rate / this.count;
    const results = await Promise.all(
      Array.from({ length: this.count }, (_, sender) => this.run([job.port, share, job.seconds, job.tag, sender, job.firstSeq ?? 0, file].map(String))),
    );
    const sent = results.reduce((a, r) => a + r.sent, 0);
    const elapsedMs = Math.max(...results.map((r) => r.elapsedMs));
    return { sent, elapsedMs, achievedRate: sent / (elapsedMs / 1000), sendErrors: results.reduce((a, r) => a + r.errors, 0) };
  }

  private run(args: string[]): Promise<{ sent: number; elapsedMs: number; errors: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => {
        const [sent, elapsedMs, errors] = out.trim().split(/\s+/).map(Number);
        if (code !== 0 || !Number.isFinite(sent)) reject(new Error(`udp-blast exited ${code}: ${out}`));
        else resolve({ sent, elapsedMs, errors });
      });
    });
  }

  async stop(): Promise<void> {}
}
