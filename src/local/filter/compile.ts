import type { TraceView } from '../trace-view.js';
import type { AnnotationLiteral, FilterNode, NodeSelector, NumberOp, StringOp } from './ast.js';
import { annotationMatches, type AnnotationValue, type Facts, type StringFact } from './facts.js';
import { parseFilter } from './parser.js';
import type { ServiceNode } from './service-graph.js';
import { indexTrace, type TraceIndex } from './trace-index.js';

/** A compiled term: `facts` is the current scope (trace, service unit or edge unit). */
type Predicate = (facts: Facts, index: TraceIndex) => boolean;

/**
 * Parses `expression` once and returns a matcher over traces. Throws FilterSyntaxError or
 * FilterUnsupportedError. The matcher never throws on odd documents: a missing field just
 * fails its comparison. `remember: false` keeps the traces' derived facts out of the shared cache
 * (for evaluations at ingest, which would otherwise cache every stored trace).
 */
export function compileFilter(expression: string, remember = true): (trace: TraceView) => boolean {
  const predicate = compileNode(parseFilter(expression));
  return (trace) => {
    const index = indexTrace(trace, remember);
    return predicate(index.facts, index);
  };
}

function compileNode(node: FilterNode): Predicate {
  switch (node.kind) {
    case 'and': {
      const l = compileNode(node.left), r = compileNode(node.right);
      return (f, t) => l(f, t) && r(f, t);
    }
    case 'or': {
      const l = compileNode(node.left), r = compileNode(node.right);
      return (f, t) => l(f, t) || r(f, t);
    }
    case 'not': {
      const inner = compileNode(node.operand);
      return (f, t) => !inner(f, t);
    }
    case 'boolean': {
      const { keyword, expected } = node;
      return (f) => f[keyword] === expected;
    }
    case 'number': {
      const { keyword } = node;
      const test = numberTest(node.op, node.value);
      return (f) => test(f[keyword]);
    }
    case 'string': {
      const { keyword } = node;
      const test = stringsTest(node.op, node.value);
      return (f) => test(f[keyword]);
    }
    case 'annotation':
      return annotationPredicate(node.key, node.compare);
    case 'service': {
      const matches = selectorTest(node.target);
      const inner = node.filter ? compileNode(node.filter) : undefined;
      return (_f, t) => t.graph().nodes.some((n) => matches(n) && (!inner || n.units().some((u) => inner(u, t))));
    }
    case 'edge': {
      const fromOk = selectorTest(node.from), toOk = selectorTest(node.to);
      const inner = node.filter ? compileNode(node.filter) : undefined;
      return (_f, t) => t.graph().edges.some((e) => fromOk(e.from) && toOk(e.to) && (!inner || e.units().some((u) => inner(u, t))));
    }
  }
}

function selectorTest(sel: NodeSelector | undefined): (n: ServiceNode) => boolean {
  if (!sel) return () => true;
  const { name, type } = sel;
  return (n) => (name === undefined || n.name === name) && (type === undefined || n.type === type);
}

/** `!=` is the negation of `=` everywhere, so it also holds when the value is missing. */
function numberTest(op: NumberOp, v: number): (x: number | undefined) => boolean {
  switch (op) {
    case '=': return (x) => x === v;
    case '!=': return (x) => x !== v;
    case '<': return (x) => x !== undefined && x < v;
    case '<=': return (x) => x !== undefined && x <= v;
    case '>': return (x) => x !== undefined && x > v;
    case '>=': return (x) => x !== undefined && x >= v;
  }
}

/** Case-sensitive, like X-Ray's own string operators. */
function stringTest(op: Exclude<StringOp, '!='>, v: string): (s: string) => boolean {
  switch (op) {
    case '=': return (s) => s === v;
    case 'contains': return (s) => s.includes(v);
    case 'beginswith': return (s) => s.startsWith(v);
    case 'endswith': return (s) => s.endsWith(v);
  }
}

function stringsTest(op: StringOp, v: string): (x: StringFact) => boolean {
  const one = stringTest(op === '!=' ? '=' : op, v);
  const any = (x: StringFact): boolean => (typeof x === 'string' ? one(x) : x !== undefined && x.some(one));
  return op === '!=' ? (xs) => !any(xs) : any;
}

function annotationPredicate(key: string, cmp: AnnotationLiteral | undefined): Predicate {
  let one: ((v: AnnotationValue) => boolean) | undefined;
  if (cmp?.type === 'string') {
    const test = stringTest(cmp.op === '!=' ? '=' : cmp.op, cmp.value);
    one = (v) => typeof v === 'string' && test(v);
  } else if (cmp?.type === 'number') {
    const test = numberTest(cmp.op === '!=' ? '=' : cmp.op, cmp.value);
    one = (v) => typeof v === 'number' && test(v);
  } else if (cmp?.type === 'boolean') {
    const expected = cmp.value;
    one = (v) => v === expected;
  }
  const negate = cmp?.op === '!=';
  return (f) => {
    const docs = f.annotated;
    let hit = false;
    if (docs !== undefined) for (let i = 0; i < docs.length && !hit; i++) hit = annotationMatches(docs[i], key, one);
    return negate ? !hit : hit;
  };
}
