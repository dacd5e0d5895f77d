import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, FilterSyntaxError, FilterUnsupportedError } from '../../../src/local/filter/index.js';

/** [expression, expected position, a fragment the message must contain] */
const SYNTAX_ERRORS: [string, number, string][] = [
  // unclosed parenthesis / brace: the position of the opener
  ['(ok AND fault', 0, 'unclosed "("'],
  ['fault AND ((ok)', 10, 'unclosed "("'],
  ['service("web") { fault', 15, 'unclosed "{"'],
  // missing value
  ['responsetime >', 14, 'unexpected end of expression at position 14'],
  ['http.url = AND ok', 11, 'unexpected "AND" at position 11'],
  ['ok = ', 5, 'expected true or false'],
  ['annotation.tenant =', 19, 'unexpected end of expression'],
  ['fault OR', 8, 'unexpected end of expression'],
  ['', 0, 'unexpected end of expression'],
  // unknown keyword
  ['responsetme > 5', 0, 'unknown keyword "responsetme"'],
  ['fault AND bogus', 10, 'unknown keyword "bogus"'],
  ['service("web") { bogus }', 17, 'unknown keyword "bogus"'],
  // bad operator or value for the keyword's type
  ['responsetime CONTAINS 5', 13, 'operator "CONTAINS" is not valid for number keyword "responsetime"'],
  ['http.method < "GET"', 12, 'operator "<" is not valid for string keyword "http.method"'],
  ['ok > 1', 3, 'operator ">" is not valid for boolean keyword "ok"'],
  ['annotation.tenant BEGINSWITH 5', 18, 'not valid for a number value'],
  ['annotation.attempt >= true', 19, 'not valid for a boolean value'],
  ['http.status = "500"', 14, 'expected a number'],
  ['http.url = 5', 11, 'expected a double-quoted string'],
  ['ok = maybe', 5, 'expected true or false'],
  ['responsetime 5', 13, 'expected an operator after "responsetime"'],
  // strings
  ['http.url = "unterminated', 11, 'unterminated string'],
  ['user = "a\\qb"', 9, 'invalid escape'],
  // trailing garbage and stray characters
  ['ok )', 3, 'unexpected ")"'],
  ['responsetime > 5 5', 17, 'unexpected "5"'],
  ['fault "x"', 6, 'unexpected string "x"'],
  ['ok # 1', 3, 'unexpected character "#"'],
  ['ok AND AND fault', 7, 'unexpected "AND"'],
  // service / edge / id shape
  ['service("a") { edge("a", "b") }', 15, 'cannot be used inside'],
  ['edge("a") { fault }', 8, 'expected ","'],
  ['service(web)', 8, 'expected a quoted service name or id(...)'],
  ['id(name: "x", name: "y")', 14, 'duplicate "name"'],
  ['id(account: "x")', 3, 'expected name or type'],
  ['service', 7, 'expected "(" after "service"'],
];

describe('compileFilter: syntax errors name their position', () => {
  for (const [expression, position, fragment] of SYNTAX_ERRORS) {
    it(JSON.stringify(expression), () => {
      assert.throws(() => compileFilter(expression), (err: unknown) => {
        assert.ok(err instanceof FilterSyntaxError, `expected FilterSyntaxError, got ${String(err)}`);
        assert.equal(err.position, position, err.message);
        assert.ok(err.message.includes(fragment), `"${err.message}" should contain "${fragment}"`);
        assert.ok(err.message.includes(`at position ${position}`), err.message);
        return true;
      });
    });
  }
});

describe('compileFilter: hostile sizes get a syntax error, not a stack overflow', () => {
  const cases: [string, string, number][] = [
    ['100k open parentheses', '('.repeat(100_000) + 'ok', 64],
    ['100k negations', '!'.repeat(100_000) + 'ok', 64],
    ['5000 ANDed terms', Array(5000).fill('ok').join(' AND '), 7000],
  ];
  for (const [label, expression, position] of cases) {
    it(label, () => {
      assert.throws(() => compileFilter(expression), (err: unknown) => err instanceof FilterSyntaxError && err.position === position);
    });
  }

  it('still accepts 60 levels of parentheses and 1000 terms', () => {
    const trace = { id: '1-6553f100-000000000000000000000001', segments: [] };
    assert.equal(compileFilter('('.repeat(60) + 'ok' + ')'.repeat(60))(trace), true);
    assert.equal(compileFilter(Array(1000).fill('!partial').join(' AND '))(trace), true);
  });
});

describe('compileFilter: group.* and rootcause.* are unsupported locally', () => {
  const UNSUPPORTED: [string, string][] = [
    ['group.name = "prod"', 'group.name'],
    ['fault AND group.arn = "arn:aws:xray:us-east-1:123456789012:group/prod/abc"', 'group.arn'],
    ['rootcause.fault.service { name = "api" }', 'rootcause.fault.service'],
    ['ROOTCAUSE.responsetime.entity { remote }', 'ROOTCAUSE.responsetime.entity'],
  ];
  for (const [expression, keyword] of UNSUPPORTED) {
    it(expression, () => {
      assert.throws(() => compileFilter(expression), (err: unknown) => {
        assert.ok(err instanceof FilterUnsupportedError, `expected FilterUnsupportedError, got ${String(err)}`);
        assert.ok(!(err instanceof FilterSyntaxError));
        assert.match(err.message, /is not supported by the local backend/);
        assert.ok(err.message.includes(keyword), err.message);
        return true;
      });
    });
  }
});
