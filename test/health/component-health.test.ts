import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthRegistry } from '../../src/health/component-health.js';

test('a failing component shows with its reason and episode start until it recovers', () => {
  let now = Date.parse('2026-12-04T10:00:00Z');
  const registry = new HealthRegistry(() => now);
  const store = registry.component('store');
  assert.equal(registry.degraded, false);
  store.fail('EACCES: permission denied');
  now += 5000;
  store.fail('ENOSPC: no space left on device');
  assert.equal(store.failing, true);
  assert.deepEqual(registry.list(), [{ component: 'store', reason: 'ENOSPC: no space left on device', since: '2026-12-04T10:00:00.000Z' }]);
  store.recover();
  assert.equal(registry.degraded, false);
  assert.deepEqual(registry.list(), []);
});
