import {
  BOOLEAN_KEYWORDS, NUMBER_KEYWORDS, NUMBER_OPS, STRING_KEYWORDS, STRING_OPS,
  type AnnotationLiteral, type BooleanKeyword, type FilterNode, type NodeSelector,
  type NumberKeyword, type NumberOp, type StringKeyword, type StringOp,
} from './ast.js';
import { FilterSyntaxError, FilterUnsupportedError } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { TokenStream, unexpected } from './token-stream.js';

/**
 * Grammar (words case-insensitive; NOT binds tighter than AND, AND tighter than OR):
 *   or      := and (OR and)*
 *   and     := unary ((AND)? unary)*     -- juxtaposition is AND, as in the guide's `ok !partial duration <3`
 *   unary   := (NOT | "!") unary | primary
 *   primary := "(" or ")" | service | edge | id | term
 *   service := service "(" [string | id] ")" ["{" or "}"]
 *   edge    := edge "(" (string | id) "," (string | id) ")" ["{" or "}"]
 *   id      := id "(" field ":" string ("," field ":" string)* ")"   field = name | type
 *   term    := boolkw [("=" | "!=") (true | false)] | numkw numop number
 *            | strkw strop string | annotation.KEY [op value]
 * A bare `id(...) [{...}]` means `service(id(...)) [{...}]`. service/edge cannot nest inside another's braces.
 */
export function parseFilter(src: string): FilterNode {
  return new Parser(tokenize(src)).parseAll();
}

const BOOLEANS = new Set<string>(BOOLEAN_KEYWORDS);
const NUMBERS = new Set<string>(NUMBER_KEYWORDS);
const STRINGS = new Set<string>(STRING_KEYWORDS);
const ANNOTATION_PREFIX = 'annotation.';
/**
 * Parsing, compiling and evaluating all recurse over the tree, so its size is bounded: a hostile
 * `((((...` or `!!!!...` or a million ANDs gets a syntax error instead of a stack overflow.
 */
export const MAX_DEPTH = 64;
export const MAX_TERMS = 1000;

class Parser extends TokenStream {
  private inScope = false;
  private depth = 0;
  private terms = 0;

  parseAll(): FilterNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'end') throw unexpected(t, 'expected AND, OR or the end of the expression');
    return node;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'and')) this.next();
      else if (!this.startsOperand(t)) return left;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
  }

  private startsOperand(t: Token): boolean {
    if (t.kind === 'word') return !this.isWord(t, 'or');
    return (t.kind === 'op' && t.text === '!') || (t.kind === 'punct' && t.text === '(');
  }

  private parseUnary(): FilterNode {
    const t = this.peek();
    if (++this.depth > MAX_DEPTH) throw new FilterSyntaxError(`expression nested more than ${MAX_DEPTH} levels deep`, t.pos);
    let node: FilterNode;
    if (this.isWord(t, 'not') || (t.kind === 'op' && t.text === '!')) {
      this.next();
      node = { kind: 'not', operand: this.parseUnary() };
    } else {
      node = this.parsePrimary();
    }
    this.depth--;
    return node;
  }

  private parsePrimary(): FilterNode {
    const t = this.next();
    if (t.kind === 'punct' && t.text === '(') {
      const inner = this.parseOr();
      const close = this.peek();
      if (close.kind !== 'punct' || close.text !== ')') {
        throw close.kind === 'end'
          ? new FilterSyntaxError('unclosed "("', t.pos, 'the expression ended before its ")"')
          : unexpected(close, 'expected ")"');
      }
      this.next();
      return inner;
    }
    if (t.kind !== 'word') throw unexpected(t, 'expected a keyword, "!", NOT or "("');
    if (++this.terms > MAX_TERMS) throw new FilterSyntaxError(`expression has more than ${MAX_TERMS} terms`, t.pos);
    const lower = t.text.toLowerCase();
    if (lower === 'group' || lower.startsWith('group.') || lower === 'rootcause' || lower.startsWith('rootcause.')) {
      throw new FilterUnsupportedError(t.text, t.pos);
    }
    if (lower === 'service' || lower === 'edge' || lower === 'id') return this.parseGraphTerm(t, lower);
    if (lower.startsWith(ANNOTATION_PREFIX) && t.text.length > ANNOTATION_PREFIX.length) {
      return { kind: 'annotation', key: t.text.slice(ANNOTATION_PREFIX.length), compare: this.parseAnnotationCompare() };
    }
    if (BOOLEANS.has(lower)) return this.parseBooleanTerm(lower as BooleanKeyword);
    if (NUMBERS.has(lower)) {
      const op = this.parseOperator(t, NUMBER_OPS, 'number') as NumberOp;
      return { kind: 'number', keyword: lower as NumberKeyword, op, value: this.parseNumber() };
    }
    if (STRINGS.has(lower)) {
      const op = this.parseOperator(t, STRING_OPS, 'string') as StringOp;
      return { kind: 'string', keyword: lower as StringKeyword, op, value: this.parseString() };
    }
    if (lower === 'and' || lower === 'or' || lower === 'not') throw unexpected(t, 'expected a keyword');
    throw new FilterSyntaxError(`unknown keyword "${t.text}"`, t.pos);
  }

  private parseBooleanTerm(keyword: BooleanKeyword): FilterNode {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '=' || t.text === '!=')) {
      this.next();
      const v = this.next();
      if (!this.isWord(v, 'true') && !this.isWord(v, 'false')) throw unexpected(v, 'expected true or false');
      return { kind: 'boolean', keyword, expected: this.isWord(v, 'true') === (t.text === '=') };
    }
    if (t.kind === 'op' && t.text !== '!') throw new FilterSyntaxError(`operator "${t.text}" is not valid for boolean keyword "${keyword}"`, t.pos);
    if (t.kind === 'word' && STRING_OPS.includes(t.text.toLowerCase())) {
      throw new FilterSyntaxError(`operator "${t.text}" is not valid for boolean keyword "${keyword}"`, t.pos);
    }
    return { kind: 'boolean', keyword, expected: true };
  }

  /** Reads the operator after `kw`; an operator of another type names the keyword's type. */
  private parseOperator(kw: Token, allowed: readonly string[], type: string): string {
    const t = this.next();
    const op = t.kind === 'op' || t.kind === 'word' ? t.text.toLowerCase() : '';
    if (allowed.includes(op)) return op;
    if (t.kind === 'op' || NUMBER_OPS.includes(op) || STRING_OPS.includes(op)) {
      throw new FilterSyntaxError(`operator "${t.text}" is not valid for ${type} keyword "${kw.text}"`, t.pos);
    }
    throw unexpected(t, `expected an operator after "${kw.text}"`);
  }

  private parseNumber(): number {
    const t = this.next();
    if (t.kind !== 'number' || !Number.isFinite(t.num)) throw unexpected(t, 'expected a number');
    return t.num;
  }

  private parseString(): string {
    const t = this.next();
    if (t.kind !== 'string') throw unexpected(t, 'expected a double-quoted string');
    return t.text;
  }

  /** The value's type picks the comparison, so `annotation.x = 5` only matches numeric annotations. */
  private parseAnnotationCompare(): AnnotationLiteral | undefined {
    const opTok = this.peek();
    const op = opTok.kind === 'op' || opTok.kind === 'word' ? opTok.text.toLowerCase() : '';
    if (opTok.kind === 'op' && op === '!') return undefined;
    if (!NUMBER_OPS.includes(op) && !STRING_OPS.includes(op)) return undefined;
    this.next();
    const v = this.next();
    if (v.kind === 'string') {
      if (!STRING_OPS.includes(op)) throw new FilterSyntaxError(`operator "${opTok.text}" is not valid for a string value`, opTok.pos);
      return { type: 'string', op: op as StringOp, value: v.text };
    }
    if (v.kind === 'number') {
      if (!NUMBER_OPS.includes(op)) throw new FilterSyntaxError(`operator "${opTok.text}" is not valid for a number value`, opTok.pos);
      return { type: 'number', op: op as NumberOp, value: v.num };
    }
    if (this.isWord(v, 'true') || this.isWord(v, 'false')) {
      if (op !== '=' && op !== '!=') throw new FilterSyntaxError(`operator "${opTok.text}" is not valid for a boolean value`, opTok.pos);
      return { type: 'boolean', op, value: this.isWord(v, 'true') };
    }
    throw unexpected(v, 'expected a string, number, true or false');
  }

  private parseGraphTerm(t: Token, lower: string): FilterNode {
    if (this.inScope) throw new FilterSyntaxError(`"${t.text}" cannot be used inside service() or edge() braces`, t.pos);
    const open = this.peek();
    if (open.kind !== 'punct' || open.text !== '(') throw unexpected(open, `expected "(" after "${t.text}"`);
    if (lower === 'id') {
      const target = this.parseId();
      return { kind: 'service', target, filter: this.parseScopeFilter() };
    }
    this.next();
    if (lower === 'service') {
      let target: NodeSelector | undefined;
      if (!(this.peek().kind === 'punct' && this.peek().text === ')')) target = this.parseSelector();
      this.expectPunct(')');
      return { kind: 'service', target, filter: this.parseScopeFilter() };
    }
    const from = this.parseSelector();
    this.expectPunct(',');
    const to = this.parseSelector();
    this.expectPunct(')');
    return { kind: 'edge', from, to, filter: this.parseScopeFilter() };
  }

  private parseSelector(): NodeSelector {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return { name: t.text };
    }
    if (this.isWord(t, 'id')) {
      this.next();
      return this.parseId();
    }
    throw unexpected(t, 'expected a quoted service name or id(...)');
  }

  /** After the word `id`: `(name: "x", type: "y")`, either field optional but not both. */
  private parseId(): NodeSelector {
    this.expectPunct('(');
    const sel: NodeSelector = {};
    for (;;) {
      const f = this.next();
      const field = f.kind === 'word' ? f.text.toLowerCase() : '';
      if (field !== 'name' && field !== 'type') throw unexpected(f, 'expected name or type in id()');
      if (sel[field] !== undefined) throw new FilterSyntaxError(`duplicate "${f.text}" in id()`, f.pos);
      this.expectPunct(':');
      sel[field] = this.parseString();
      const sep = this.next();
      if (sep.kind === 'punct' && sep.text === ')') return sel;
      if (sep.kind !== 'punct' || sep.text !== ',') throw unexpected(sep, 'expected "," or ")"');
    }
  }

  private parseScopeFilter(): FilterNode | undefined {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== '{') return undefined;
    this.next();
    this.inScope = true;
    const inner = this.parseOr();
    this.inScope = false;
    const close = this.peek();
    if (close.kind === 'end') throw new FilterSyntaxError('unclosed "{"', t.pos, 'the expression ended before its "}"');
    this.expectPunct('}');
    return inner;
  }
}
