import { FilterSyntaxError } from './errors.js';

/**
 * Tokens of the filter language. Words (keywords, operators such as CONTAINS, AND/OR/NOT,
 * true/false, annotation.KEY) are all `word` tokens: their meaning depends on where they
 * stand, so the parser decides, case-insensitively.
 */
export type TokenKind = 'word' | 'string' | 'number' | 'op' | 'punct' | 'end';

export interface Token {
  kind: TokenKind;
  /** Source text (for `string`, the decoded value; for `end`, empty). */
  text: string;
  /** Numeric value of a `number` token. */
  num: number;
  /** 0-based offset of the token's first character. */
  pos: number;
}

const WORD_START = /[A-Za-z_]/;
// Dots belong to words so that `http.status`, `instance.id` and `annotation.a.b` are one token
// (real SDKs write annotation keys with dots, e.g. the Go SDK sample in the corpus).
const WORD_CHAR = /[A-Za-z0-9_.]/;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** Splits an expression into tokens; throws FilterSyntaxError on a character that starts no token. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (WORD_START.test(c)) {
      const start = i;
      while (i < src.length && WORD_CHAR.test(src[i])) i++;
      tokens.push({ kind: 'word', text: src.slice(start, i), num: 0, pos: start });
    } else if (c === '"') {
      i = readString(src, i, tokens);
    } else if ((c >= '0' && c <= '9') || ((c === '-' || c === '.') && /[\d.]/.test(src[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src);
      if (!m) throw new FilterSyntaxError(`malformed number`, i);
      tokens.push({ kind: 'number', text: m[0], num: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (c === '<' || c === '>' || c === '!' || c === '=') {
      const two = src.slice(i, i + 2);
      const op = two === '<=' || two === '>=' || two === '!=' ? two : c;
      tokens.push({ kind: 'op', text: op, num: 0, pos: i });
      i += op.length;
    } else if ('(){},:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, num: 0, pos: i });
      i++;
    } else {
      throw new FilterSyntaxError(`unexpected character ${JSON.stringify(c)}`, i);
    }
  }
  tokens.push({ kind: 'end', text: '', num: 0, pos: src.length });
  return tokens;
}

/** Reads a double-quoted string starting at `open`; returns the offset after the closing quote. */
function readString(src: string, open: number, out: Token[]): number {
  let value = '';
  let i = open + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      out.push({ kind: 'string', text: value, num: 0, pos: open });
      return i + 1;
    }
    if (c === '\\') {
      const e = src[i + 1];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const decoded = e === undefined ? undefined : ESCAPES[e];
      if (decoded === undefined) {
        if (e === undefined) break;
        throw new FilterSyntaxError(`invalid escape "\\${e}" in string`, i);
      }
      value += decoded;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new FilterSyntaxError('unterminated string starting', open);
}
