import { FilterSyntaxError } from './errors.js';
import type { Token } from './lexer.js';

/** Cursor over the lexer's tokens; the last token is always `end`, and `next()` stays on it. */
export class TokenStream {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  protected peek(): Token {
    return this.tokens[this.i];
  }

  protected next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'end') this.i++;
    return t;
  }

  /** Words are compared case-insensitively: `and`, `AND` and `And` are the same operator. */
  protected isWord(t: Token, word: string): boolean {
    return t.kind === 'word' && t.text.toLowerCase() === word;
  }

  protected expectPunct(ch: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== ch) throw unexpected(t, `expected "${ch}"`);
    return t;
  }
}

/** `unexpected "AND" at position 12: expected a number` (or `unexpected end of expression ...`). */
export function unexpected(t: Token, expected: string): FilterSyntaxError {
  const what = t.kind === 'end' ? 'unexpected end of expression'
    : t.kind === 'string' ? `unexpected string ${JSON.stringify(t.text)}` : `unexpected "${t.text}"`;
  return new FilterSyntaxError(what, t.pos, expected);
}
