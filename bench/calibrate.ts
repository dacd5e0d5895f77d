import { createHash } from 'node:crypto';

/**
 * A fixed CPU workload timed at the start of the run, so numbers from a busy or slow machine can be
 * told apart from a slow daemon: native SHA-256 throughput and a plain JS loop.
 */
export interface Calibration {
  sha256MBps: number;
  jsLoopMops: number;
}

export function calibrate(): Calibration {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  let t0 = performance.now();
  const hash = createHash('sha256');
  for (let i = 0; i < 64; i++) hash.update(chunk);
  hash.digest();
  const sha256MBps = 64 / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 50_000_000; i++) x = (x + i * 31) % 1_000_003;
  const jsLoopMops = 50 / ((performance.now() - t0) / 1000) + (x < 0 ? 1 : 0);
  return { sha256MBps, jsLoopMops };
}
