import { getAsset, isSea } from 'node:sea';

/** Asset key of the bundled worker inside the single executable (packaging/build-sea.ts). */
export const EMBEDDED_WORKER_ASSET = 'xray-worker.cjs';

/**
 * What `new Worker()` runs for the X-Ray worker thread: the compiled `xray-worker.js` next to this
 * module, or, in the single executable (which has no files beside it), the bundled worker embedded
 * as an asset and evaluated from its source.
 */
export function xrayWorkerScript(): { script: URL | string; eval: boolean } {
  if (isSea()) return { script: getAsset(EMBEDDED_WORKER_ASSET, 'utf8'), eval: true };
  return { script: new URL('./xray-worker.js', import.meta.url), eval: false };
}
