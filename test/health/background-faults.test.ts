import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { BackgroundFaults } from '../../src/health/background-faults.js';
import { HealthRegistry } from '../../src/health/component-health.js';

function capture() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a failing component logs one error per episode, counts every failure, and shows in health until it recovers', async () => {
  const { lines, logger } = capture();
  const registry = new HealthRegistry();
  const faults = new BackgroundFaults(registry, logger);
  const store = faults.component('store', 'could not write to the store log');
  for (let i = 0; i < 5; i++) store.failed(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
  await tick();
  assert.equal(lines.filter((l) => l.level === 50).length, 1, 'one error line for the episode');
  assert.equal(lines[0].msg, 'could not write to the store log');
  assert.equal(lines[0].reason, 'ENOSPC: no space left on device');
  assert.equal(faults.totals().get('store'), 5);
  assert.deepEqual(registry.list().map((p) => [p.component, p.reason]), [['store', 'ENOSPC: no space left on device']]);
  assert.equal(store.failing, true);

  store.recovered();
  store.recovered(); // a no-op once closed
  await tick();
  assert.equal(registry.degraded, false);
  const info = lines.filter((l) => l.level === 30);
  assert.equal(info.length, 1);
  assert.equal(info[0].failures, 5);

  store.failed(new Error('EIO again'));
  await tick();
  assert.equal(lines.filter((l) => l.level === 50).length, 2, 'a new episode logs again');
  assert.equal(faults.totals().get('store'), 6);
});
