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
