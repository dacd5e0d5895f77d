import { readFileSync } from 'node:fs';
import os from 'node:os';
import { MIN_BUFFER_MEMORY_MB } from './defaults.js';

const MB = 1024 * 1024;

/**
 * The memory this process may use: the cgroup limit when one is set (containers), else host memory.
 * The reference daemon looks only at host memory and so over-sizes its buffer in small containers.
 */
export function availableMemoryBytes(read: (p: string) => string = (p) => readFileSync(p, 'utf8')): number {
  const host = os.totalmem();
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const text = read(path).trim();
      const limit = Number(text);
      if (text !== 'max' && Number.isFinite(limit) && limit > 0 && limit < host) return limit;
    } catch {
      // no such cgroup file: try the next
    }
  }
  return host;
}

/** The buffer budget in bytes: configured MB, else 1% of available memory, never under 3 MB. */
export function bufferBudgetBytes(configuredMB: number | undefined, availableBytes = availableMemoryBytes()): number {
  if (configuredMB !== undefined) return configuredMB * MB;
  return Math.max(MIN_BUFFER_MEMORY_MB * MB, Math.floor(availableBytes / 100));
}
