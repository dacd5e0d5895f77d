import type { Batch } from './segment-buffer.js';

/**
 * Where the dispatcher takes batches from: the memory buffer (`SegmentBuffer`) or, with a spool
 * directory, the disk-backed `SpooledBuffer` (`src/spool/`). The dispatcher does not know which.
 */
export interface BatchSource {
  /** The clock arrival and retry times are in (the dispatcher uses the same). */
  readonly now: () => number;
  /** Bytes held against the budget (queued, in flight, held) and the budget. */
  readonly usedBytes: number;
  readonly limitBytes: number;
  /** Documents waiting to be batched. */
  readonly queuedDocuments: number;
  /** When the oldest waiting document arrived (epoch ms), if any. */
  readonly oldestQueuedAt: number | undefined;
  /** When the next held batch may be retried, if any. */
  readonly nextRetryAt: number | undefined;
  /** Nothing waiting and nothing held (in-flight batches aside). */
  readonly isEmpty: boolean;
  takeBatch(max: number): Batch | undefined;
  takeDueRetry(): Batch | undefined;
  /** An in-flight batch is settled (delivered, refused, or given up). */
  release(batch: Batch): void;
  /** An in-flight batch failed and will be retried at `batch.notBefore`. */
  hold(batch: Batch): void;
  /** Shutdown deadline: gives up what is held; returns how many documents were lost by that. */
  drainAll(): number;
}
