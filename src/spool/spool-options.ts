import path from 'node:path';
import type { Counters } from '../telemetry/counters.js';
import type { LedgerRecorder } from '../ledger/ledger-recorder.js';
import type { ComponentHealth } from '../health/component-health.js';
import type { Logger } from '../log/logger.js';

/** What the spool is built with (`SpooledBuffer.open`). */
export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  /** The memory budget (as the memory buffer's): documents waiting, in flight and held for retry. */
  memoryLimitBytes: number;
  counters: Counters;
  recorder: LedgerRecorder;
  health: ComponentHealth;
  logger: Logger;
  now?: () => number;
}

/** The spool directory's pipelines: X-Ray's (aws backend) and the OTLP export's, each in its own directory. */
export interface SpoolLimits {
  xray?: { dir: string; maxBytes: number };
  otlpExport?: { dir: string; maxBytes: number };
}

/** Where the OTLP export spools: a directory of its own inside the spool directory. */
export const OTLP_EXPORT_SPOOL_DIR = 'otlp-export';

/**
 * Which pipelines spool, and their share of `Spool.MaxMB`: the whole limit for one; half each, less
 * half a MB, when the aws backend and an OTLP export both do, so that with each spool's own slack
 * (at most 1 MB) the directory as a whole stays within the limit plus 1 MB, as with one spool.
 */
export function spoolLimits(c: { spoolDirectory: string | undefined; spoolMaxMB: number; backend: string; otlpEndpoint: string | undefined }): SpoolLimits {
  if (!c.spoolDirectory) return {};
  const xray = c.backend === 'aws';
  const otlp = c.otlpEndpoint !== undefined && c.otlpEndpoint !== '';
  const total = c.spoolMaxMB * 1024 * 1024;
  const share = xray && otlp ? Math.max(256 * 1024, Math.floor(total / 2) - 512 * 1024) : total;
  return {
    ...(xray ? { xray: { dir: c.spoolDirectory, maxBytes: share } } : {}),
    ...(otlp ? { otlpExport: { dir: path.join(c.spoolDirectory, OTLP_EXPORT_SPOOL_DIR), maxBytes: share } } : {}),
  };
}

export interface SpoolStats {
  directory: string;
  bytes: number;
  limitBytes: number;
  /** Documents in spool files not yet delivered. */
  segments: number;
  files: number;
  oldestAgeSeconds: number;
  writable: boolean;
  corruptBytes: number;
}
