import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otlpTracesUrl } from '../../src/export/otlp-endpoint.js';

const cases: [string, string][] = [
  ['http://localhost:4318', 'http://localhost:4318/v1/traces'],
  ['http://localhost:4318/', 'http://localhost:4318/v1/traces'],
  ['https://otlp.example.com/tenant-a', 'https://otlp.example.com/tenant-a/v1/traces'],
  ['https://otlp.example.com/tenant-a/', 'https://otlp.example.com/tenant-a/v1/traces'],
  ['http://collector:4318/v1/traces', 'http://collector:4318/v1/traces'],
  ['http://gw/otlp/v1/traces?key=1', 'http://gw/otlp/v1/traces?key=1'],
  ['http://gw/otlp?key=1', 'http://gw/otlp/v1/traces?key=1'],
];
for (const [endpoint, expected] of cases) {
  test(`OTLP endpoint ${endpoint} -> ${expected}`, () => assert.equal(otlpTracesUrl(endpoint).href, expected));
}
