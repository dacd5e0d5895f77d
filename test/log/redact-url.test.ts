import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrlCredentials } from '../../src/log/redact-url.js';
import { describeProxyPlan, proxyPlan } from '../../src/xray/http-dispatcher.js';

test('the whole userinfo goes, whatever the password holds', () => {
  assert.equal(redactUrlCredentials('http://me:hunter2@proxy:3128'), 'http://[redacted]@proxy:3128');
  assert.equal(redactUrlCredentials('http://me:hunter2@corp@proxy:3128'), 'http://[redacted]@proxy:3128');
  assert.equal(redactUrlCredentials('http://me:pa/ss:w@proxy:3128'), 'http://[redacted]@proxy:3128');
  assert.equal(redactUrlCredentials('me:hunter2@corp@proxy:3128'), '[redacted]@proxy:3128');
  assert.equal(redactUrlCredentials('connect via http://u:p@ss@proxy:3128 failed'), 'connect via http://[redacted]@proxy:3128 failed');
  assert.equal(redactUrlCredentials('http://proxy:3128'), 'http://proxy:3128');
  assert.equal(redactUrlCredentials('no url here'), 'no url here');
});

test('the proxy plan shown in the startup line carries no part of the password', () => {
  const shown = JSON.stringify(describeProxyPlan(proxyPlan('http://me:hunter2@corp@127.0.0.1:9', {})));
  assert.ok(!shown.includes('hunter2') && !shown.includes('corp'), shown);
  assert.match(shown, /\[redacted\]@127\.0\.0\.1:9/);
});
