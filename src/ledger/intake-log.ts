const SAMPLE_BYTES = 200;

export interface IntakeProblem {
  /** When the first event of this entry happened (ISO), and the last. */
  firstAt: string;
  lastAt: string;
  kind: 'rejected' | 'dropped';
  reason: string;
  count: number;
  /** The first bytes of the first offending datagram or document (UTF-8, invalid bytes replaced). */
  sample: string;
}

export interface BackendErrorEntry {
  firstAt: string;
  lastAt: string;
  /** X-Ray's ErrorCode (unprocessed) or "HTTP <status> <type>" (failed call). */
  code: string;
  message: string;
  count: number;
}

/**
 * The console's "Intake" view: the recent rejections and drops with a sample of the offending bytes,
 * and X-Ray's recent error codes. Bounded lists (the newest `limit` entries); a run of events with the
 * same kind and reason within a second adds to one entry's count, so a flood costs a counter increment
 * and no copying.
 */
export class IntakeLog {
  private readonly problems: IntakeProblem[] = [];
  private readonly errors: BackendErrorEntry[] = [];

  constructor(
    private readonly limit = 50,
    private readonly now: () => number = Date.now,
  ) {}

  problem(kind: IntakeProblem['kind'], reason: string, bytes: string | Uint8Array | undefined, count = 1): void {
    const now = this.now();
    const last = this.problems.find((p) => p.kind === kind && p.reason === reason);
    if (last && now - Date.parse(last.lastAt) < 1000) {
      last.count += count;
      last.lastAt = new Date(now).toISOString();
      return;
    }
    const at = new Date(now).toISOString();
    push(this.problems, { firstAt: at, lastAt: at, kind, reason, count, sample: sampleOf(bytes) }, this.limit);
  }

  backendError(code: string, message: string, count = 1): void {
    const now = this.now();
    const last = this.errors.find((e) => e.code === code);
    if (last && now - Date.parse(last.lastAt) < 1000) {
      last.count += count;
      last.lastAt = new Date(now).toISOString();
      last.message = message;
      return;
    }
    const at = new Date(now).toISOString();
    push(this.errors, { firstAt: at, lastAt: at, code, message: message.slice(0, 300), count }, this.limit);
  }

  /** Newest first. */
  snapshot(): { problems: IntakeProblem[]; backendErrors: BackendErrorEntry[] } {
    return { problems: this.problems.map((p) => ({ ...p })), backendErrors: this.errors.map((e) => ({ ...e })) };
  }
}

function push<T>(list: T[], item: T, limit: number): void {
  list.unshift(item);
  if (list.length > limit) list.pop();
}

function sampleOf(bytes: string | Uint8Array | undefined): string {
  if (bytes === undefined) return '';
  if (typeof bytes === 'string') return bytes.slice(0, SAMPLE_BYTES);
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SAMPLE_BYTES)).toString('utf8');
}
