import { readFile } from 'node:fs/promises';
import type { RegionSource } from '../region.js';
import { metadataRequest } from './metadata-http.js';

/** The region in an ARN (`arn:aws:ecs:us-east-1:123:task/...`). */
export function regionFromArn(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[3] ? parts[3] : undefined;
}

/** The region of an availability zone: `us-east-1a` -> `us-east-1`; local zones `us-west-2-lax-1a` -> `us-west-2`. */
export function regionFromZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string') return undefined;
  const m = /^([a-z]{2}(?:-[a-z]+)+-\d+)(?:[a-z]$|-)/.exec(zone);
  return m?.[1];
}

/** Region from a task description (metadata endpoint `/task` or the container metadata file). */
function regionOfTask(text: string): string | undefined {
  const task = JSON.parse(text) as Record<string, unknown>;
  return regionFromArn(task.TaskARN) ?? regionFromZone(task.AvailabilityZone);
}

/**
 * The region of the ECS task this process runs in, from the task metadata endpoint
 * (`ECS_CONTAINER_METADATA_URI_V4`, else the v3 `ECS_CONTAINER_METADATA_URI`) + `/task`, else the
 * container metadata file (`ECS_CONTAINER_METADATA_FILE`, which the reference daemon reads): the
 * TaskARN's region, else the AvailabilityZone's. Outside ECS (no variable) it costs nothing.
 */
export function ecsRegionSource(env: NodeJS.ProcessEnv, opts: { timeoutMs?: number } = {}): RegionSource {
  const base = (env.ECS_CONTAINER_METADATA_URI_V4 || env.ECS_CONTAINER_METADATA_URI || '').replace(/\/+$/, '');
  const file = env.ECS_CONTAINER_METADATA_FILE;
  return {
    name: base
      ? `ECS task metadata (${base}/task)`
      : file
        ? `ECS container metadata file (${file})`
        : 'ECS task metadata (ECS_CONTAINER_METADATA_URI_V4 not set)',
    async lookup() {
      try {
        if (base) {
          const res = await metadataRequest(`${base}/task`, { signal: AbortSignal.timeout(opts.timeoutMs ?? 1000) });
          return res.status === 200 ? regionOfTask(res.body) : undefined;
        }
        if (file) return regionOfTask(await readFile(file, 'utf8'));
        return undefined;
      } catch {
        return undefined;
      }
    },
  };
}
