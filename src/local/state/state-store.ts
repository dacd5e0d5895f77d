/**
 * The local X-Ray API's own state (groups, tags, sampling rules, account settings, resource
 * policies, insights) as keyed records. With a store path every change is appended to the store
 * log as a state record (`{"$xrayd":"state","kind":...,"key":...,"value":...}`, value null = deleted);
 * replay hands them back in order (the latest wins) and compaction rewrites the live ones. Without
 * a store path they live in memory only.
 *
 * Bounded by the modules that own each kind (25 groups, 26 rules, 5 policies, 1000 insights...).
 */
import { STATE_RECORD_PREFIX } from '../store/log-record.js';
import type { StateLog } from '../store/open-trace-store.js';

export type StateKind = 'group' | 'tags' | 'rule' | 'settings' | 'policy' | 'insight';

const KINDS: readonly StateKind[] = ['group', 'tags', 'rule', 'settings', 'policy', 'insight'];

function encode(kind: StateKind, key: string, value: unknown): string {
  // The prefix is the record kind field; JSON.stringify of the rest keeps it one line.
  return `${STATE_RECORD_PREFIX},"kind":${JSON.stringify(kind)},"key":${JSON.stringify(key)},"value":${JSON.stringify(value ?? null)}}`;
}

export class StateStore {
  private readonly kinds = new Map<StateKind, Map<string, unknown>>(KINDS.map((k) => [k, new Map()]));
  private log: StateLog | undefined;
  /** Replayed records that could not be read (counted, skipped). */
  unreadable = 0;

  /** Journals changes from now on (compaction reads the live records from `texts()`). */
  attach(log: StateLog): void {
    this.log = log;
  }

  /** One replayed state record (bad ones are counted and skipped). */
  load(text: string): void {
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch {
      this.unreadable += 1;
      return;
    }
    const { kind, key, value } = (rec ?? {}) as { kind?: unknown; key?: unknown; value?: unknown };
    const map = typeof kind === 'string' ? this.kinds.get(kind as StateKind) : undefined;
    if (!map || typeof key !== 'string') {
      this.unreadable += 1;
      return;
    }
    if (value === null || value === undefined) map.delete(key);
    else map.set(key, value);
  }

  put(kind: StateKind, key: string, value: unknown): void {
    this.kinds.get(kind)!.set(key, value);
    this.log?.append([encode(kind, key, value)]);
  }

  delete(kind: StateKind, key: string): void {
    if (!this.kinds.get(kind)!.delete(key)) return;
    this.log?.append([encode(kind, key, null)]);
  }

  get(kind: StateKind, key: string): unknown {
    return this.kinds.get(kind)!.get(key);
  }

  entries(kind: StateKind): [string, unknown][] {
    return [...this.kinds.get(kind)!.entries()];
  }

  /** Every live record, encoded (what compaction writes). */
  *texts(): Generator<string> {
    for (const [kind, map] of this.kinds) for (const [key, value] of map) yield encode(kind, key, value);
  }
}
