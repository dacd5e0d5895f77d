import { documentText, type SegmentDocument, type SendOutcome } from '../pipeline/segment-sink.js';
import type { Doc } from './id-scan.js';
import { IntakeLog } from './intake-log.js';
import { TraceLedger } from './trace-ledger.js';

/**
 * The one small interface every stage writes the trace ledger and the intake log through. Stages
 * never reach into each other: the UDP receiver, the buffer, the dispatcher and the spool each call
 * this with what they saw. `NO_RECORDER` does nothing (ledger disabled: `Ledger.MaxMB: 0`).
 */
export interface LedgerRecorder {
  received(doc: Doc): void;
  /** A malformed datagram (the whole datagram: it may have no document at all). */
  rejected(datagram: Doc, reason: string): void;
  /** A document now kept on disk only (memory full, failed upload, recovered after a restart). */
  spooled(doc: Doc, detail: string): void;
  dropped(doc: Doc, reason: string): void;
  /** One upload attempt's outcome for its documents; `expired` = given up after this attempt. */
  outcome(documents: readonly SegmentDocument[], outcome: SendOutcome, expired: boolean): void;
}

export const NO_RECORDER: LedgerRecorder = {
  received() {},
  rejected() {},
  spooled() {},
  dropped() {},
  outcome() {},
};

/** The recorder behind the ledger and the intake log. */
export class TraceRecorder implements LedgerRecorder {
  readonly intake = new IntakeLog();

  constructor(
    readonly ledger: TraceLedger,
    /** Says what "sent" means for this backend ("accepted by X-Ray", "stored locally"). */
    private readonly sentDetail: string,
  ) {}

  received(doc: Doc): void {
    this.ledger.record(doc, 'received');
  }

  rejected(datagram: Doc, reason: string): void {
    this.ledger.record(datagram, 'rejected', reason);
    this.intake.problem('rejected', reason, datagram);
  }

  spooled(doc: Doc, detail: string): void {
    this.ledger.record(doc, 'spooled', detail);
  }

  dropped(doc: Doc, reason: string): void {
    this.ledger.record(doc, 'dropped', reason);
    this.intake.problem('dropped', reason, doc);
  }

  outcome(documents: readonly SegmentDocument[], outcome: SendOutcome, expired: boolean): void {
    if (outcome.status === 'success') {
      const refused = new Map(outcome.unprocessed.filter((u) => u.Id).map((u) => [u.Id!, u]));
      for (const u of outcome.unprocessed) this.intake.backendError(u.ErrorCode ?? 'Unprocessed', u.Message ?? '');
      const sent = `${this.sentDetail} (batch of ${documents.length})`;
      for (const doc of documents) {
        const u = refused.size > 0 ? refused.get(segmentIdOf(documentText(doc))) : undefined;
        if (u) this.ledger.record(doc, 'unprocessed', `${u.ErrorCode ?? 'Unprocessed'}: ${u.Message ?? ''}`);
        else this.ledger.record(doc, 'sent', sent);
      }
      return;
    }
    const code = outcome.message.split(':')[0];
    this.intake.backendError(code, outcome.message, documents.length);
    if (outcome.status === 'failure') {
      for (const doc of documents) this.ledger.record(doc, 'rejected', `refused: ${outcome.message}`);
      this.intake.problem('rejected', `refused: ${code}`, documents[0], documents.length);
      return;
    }
    const detail = expired ? `attempt failed: ${outcome.message}; retry window closed` : `attempt failed: ${outcome.message}; will retry`;
    for (const doc of documents) this.ledger.record(doc, 'sent', detail);
    if (expired) for (const doc of documents) this.dropped(doc, 'retry-window');
  }
}

/** The segment id a document names (for matching X-Ray's UnprocessedTraceSegments[].Id). */
function segmentIdOf(doc: string): string {
  const m = /"id"\s*:\s*"([0-9a-fA-F]{16})"/.exec(doc);
  return m ? m[1] : '';
}
