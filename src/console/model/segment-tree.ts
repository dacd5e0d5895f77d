import type { Trace } from './xray-types.js';
import { healthOf, type Health } from './health.js';

/** A segment document as the SDKs write it (XRAY-FACTS §2); every field may be missing or odd. */
export interface SegmentDoc {
  id?: string;
  name?: string;
  trace_id?: string;
  parent_id?: string;
  type?: string;
  start_time?: number;
  end_time?: number;
  in_progress?: boolean;
  origin?: string;
  namespace?: string;
  user?: string;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  http?: { request?: Record<string, unknown>; response?: Record<string, unknown> };
  aws?: Record<string, unknown>;
  sql?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  cause?: unknown;
  subsegments?: unknown[];
  [key: string]: unknown;
}

export interface StackFrame {
  path?: string;
  line?: number;
  label?: string;
}

export interface ExceptionInfo {
  id?: string;
  message?: string;
  type?: string;
  remote?: boolean;
  truncated?: number;
  skipped?: number;
  cause?: string;
  stack: StackFrame[];
}

export interface WaterfallRow {
  key: string;
  id: string;
  name: string;
  depth: number;
  /** A segment opens a service's part of the trace; subsegments are work inside it. */
  isSegment: boolean;
  /** Made up by the API for a callee that sent no segment of its own (a DynamoDB table). */
  inferred: boolean;
  start: number;
  end: number | undefined;
  health: Health;
  doc: SegmentDoc;
  exceptions: ExceptionInfo[];
  /** A cause given as another exception's id (XRAY-FACTS §2), resolved when the trace holds it. */
  causeRef?: string;
  hasChildren: boolean;
}

export interface Waterfall {
  rows: WaterfallRow[];
  start: number;
  end: number;
  /** Documents the console could not read, so the user knows rows are missing. */
  unreadable: number;
}

interface Node {
  doc: SegmentDoc;
  key: string;
  isSegment: boolean;
  children: Node[];
  parent?: Node;
}

/** Embedded subsegments deeper than this are not shown (a 64 KB document can nest ~2,500 levels). */
const MAX_DEPTH = 200;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Turns a trace's documents into waterfall rows: each segment with its embedded subsegments,
 * independent subsegments under their parent, and a downstream service's segment under the
 * subsegment that called it, so the waterfall reads as one call tree.
 */
export function buildWaterfall(trace: Trace): Waterfall {
  const byId = new Map<string, Node>();
  const tops: Node[] = [];
  let unreadable = 0;
  let seq = 0;

  const register = (doc: SegmentDoc, isSegment: boolean, depth: number): Node => {
    const node: Node = { doc, key: `${doc.id ?? 'n'}#${seq++}`, isSegment, children: [] };
    if (typeof doc.id === 'string' && !byId.has(doc.id)) byId.set(doc.id, node);
    if (depth < MAX_DEPTH && Array.isArray(doc.subsegments)) {
      for (const sub of doc.subsegments) {
        if (!isObject(sub)) continue;
        const child = register(sub as SegmentDoc, false, depth + 1);
        child.parent = node;
        node.children.push(child);
      }
    }
    return node;
  };

  for (const segment of trace.Segments ?? []) {
    let doc: unknown;
    try {
      doc = JSON.parse(segment.Document);
    } catch {
      doc = undefined;
    }
    if (!isObject(doc)) {
      unreadable++;
      continue;
    }
    tops.push(register(doc as SegmentDoc, doc.type !== 'subsegment', 0));
  }

  const roots: Node[] = [];
  for (const node of tops) {
    const parent = typeof node.doc.parent_id === 'string' ? byId.get(node.doc.parent_id) : undefined;
    if (parent !== undefined && !isAncestor(node, parent)) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      roots.push(node);
    }
  }

  const exceptionsById = new Map<string, ExceptionInfo>();
  const rows: WaterfallRow[] = [];
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  // Depth-first with an explicit stack: documents can nest deeper than is safe to recurse.
  const stack: { node: Node; depth: number }[] = sortByStart(roots).reverse().map((node) => ({ node, depth: 0 }));
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    const doc = node.doc;
    const s = num(doc.start_time) ?? Number.NaN;
    const e = doc.in_progress === true ? undefined : num(doc.end_time);
    if (Number.isFinite(s)) start = Math.min(start, s);
    if (e !== undefined) end = Math.max(end, e);
    else if (Number.isFinite(s)) end = Math.max(end, s);
    const { exceptions, causeRef } = readCause(doc.cause);
    for (const ex of exceptions) if (ex.id !== undefined) exceptionsById.set(ex.id, ex);
    rows.push({
      key: node.key,
      id: str(doc.id) ?? '',
      name: str(doc.name) ?? '(unnamed)',
      depth,
      isSegment: node.isSegment,
      inferred: doc.inferred === true,
      start: s,
      end: e,
      health: healthOf(doc),
      doc,
      exceptions,
      causeRef,
      hasChildren: node.children.length > 0,
    });
    for (const child of sortByStart(node.children).reverse()) stack.push({ node: child, depth: depth + 1 });
  }

  for (const row of rows) {
    if (row.causeRef === undefined || row.exceptions.length > 0) continue;
    const referenced = exceptionsById.get(row.causeRef);
    if (referenced !== undefined) row.exceptions = [referenced];
  }
  if (!Number.isFinite(start)) start = 0;
  if (!Number.isFinite(end) || end < start) end = start;
  for (const row of rows) if (!Number.isFinite(row.start)) row.start = start;
  return { rows, start, end, unreadable };
}

function isAncestor(candidate: Node, of: Node): boolean {
  for (let n: Node | undefined = of; n !== undefined; n = n.parent) if (n === candidate) return true;
  return false;
}

function sortByStart(nodes: Node[]): Node[] {
  return [...nodes].sort((a, b) => (num(a.doc.start_time) ?? 0) - (num(b.doc.start_time) ?? 0));
}

function readCause(cause: unknown): { exceptions: ExceptionInfo[]; causeRef?: string } {
  if (typeof cause === 'string') return { exceptions: [], causeRef: cause };
  if (!isObject(cause) || !Array.isArray(cause.exceptions)) return { exceptions: [] };
  const exceptions = cause.exceptions.filter(isObject).map(
    (ex): ExceptionInfo => ({
      id: str(ex.id),
      message: str(ex.message),
      type: str(ex.type),
      remote: ex.remote === true,
      truncated: num(ex.truncated),
      skipped: num(ex.skipped),
      cause: str(ex.cause),
      stack: Array.isArray(ex.stack)
        ? ex.stack.filter(isObject).map((f) => ({ path: str(f.path), line: num(f.line), label: str(f.label) }))
        : [],
    }),
  );
  return { exceptions };
}

/** The document without its children, for the details panel's raw view. */
export function withoutChildren(doc: SegmentDoc): SegmentDoc {
  const { subsegments: _children, ...rest } = doc;
  return rest;
}
