/**
 * The local backend's SegmentSink: each document is parsed once here, validated, and stored;
 * invalid ones come back as unprocessed (the dispatcher counts them as rejected), like X-Ray's
 * `UnprocessedTraceSegments`.
 */
import { documentText, type SegmentDocument, type SegmentSink, type SendOutcome, type UnprocessedSegment } from '../pipeline/segment-sink.js';
import type { StoreInput, TraceStore } from './store/trace-store.js';
import { parseSegment } from './store/validate-segment.js';
import { isAdotBody, type AdotExpansion } from '../otlp/adot-datagram.js';

/** Turns an ADOT `T1S`/`T1U` body (OTLP spans from ADOT's UDP exporter) into segment documents. */
export type AdotExpand = (text: string) => AdotExpansion;

/** Parses and validates a batch; valid documents are stored (and handed to `onStored`), the rest listed. */
export function storeDocuments(
  store: TraceStore,
  documents: readonly SegmentDocument[],
  expandAdot?: AdotExpand,
  onStored?: (texts: readonly string[]) => void,
): UnprocessedSegment[] {
  const valid: StoreInput[] = [];
  const unprocessed: UnprocessedSegment[] = [];
  const take = (text: string) => {
    const check = parseSegment(text);
    if (check.ok) valid.push({ doc: check.doc, text });
    else unprocessed.push({ ...(check.id !== undefined ? { Id: check.id } : {}), ErrorCode: check.errorCode, Message: check.message });
  };
  for (const doc of documents) {
    const text = documentText(doc);
    if (!expandAdot || !isAdotBody(text)) {
      take(text);
      continue;
    }
    const expanded = expandAdot(text);
    if (expanded.ok) expanded.documents.forEach(take);
    else unprocessed.push({ ErrorCode: 'InvalidAdotDatagram', Message: expanded.message });
  }
  if (valid.length > 0) {
    store.putMany(valid);
    onStored?.(valid.map((v) => v.text));
  }
  return unprocessed;
}

export class LocalStoreSink implements SegmentSink {
  constructor(
    private readonly store: TraceStore,
    private readonly expandAdot?: AdotExpand,
  ) {}

  async send(documents: readonly SegmentDocument[]): Promise<SendOutcome> {
    try {
      return { status: 'success', unprocessed: storeDocuments(this.store, documents, this.expandAdot) };
    } catch (err) {
      // Not expected (the persistence log absorbs its own write errors); if it happens the batch
      // is not retried and its documents are counted as rejected.
      return { status: 'failure', errorClass: 'other', message: `local store: ${(err as Error).message}` };
    }
  }
}
