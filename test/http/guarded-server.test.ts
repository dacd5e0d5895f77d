import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createGuardedServer } from '../../src/http/guarded-server.js';
import type { TcpLimits } from '../../src/http/connection-limits.js';
import { silentLogger } from '../../src/log/logger.js';
import { call } from '../proxy/http-call.js';
import { HealthRegistry, type ComponentHealth } from '../../src/health/component-health.js';

const LIMITS: TcpLimits = { maxConnections: 16, maxInFlightBodyBytes: 1 << 20, maxRequestBodyBytes: 1 << 20, headersTimeoutMs: 5000, idleTimeoutMs: 1000, requestTimeoutMs: 10_000 };

async function listen(host: string, hostCheck: 'always' | 'when-loopback', health?: ComponentHealth) {
  const refused: string[] = [];
  let served = 0;
  const { server } = createGuardedServer({ guard: { allowedHosts: [], hostCheck }, limits: LIMITS, logger: silentLogger, onRefused: (r) => refused.push(r), health }, (_req, res) => {
    served++;
    res.end('served');
  });
  server.listen(0, host);
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base, refused, served: () => served };
}

test('any http.Server handler sits behind the guard: refused requests never reach it', async () => {
  const s = await listen('127.0.0.1', 'when-loopback');
  try {
    const res = await call(s.base, 'GET', '/anything', { headers: { host: 'attacker.example' } });
    assert.equal(res.status, 403);
    assert.equal(s.served(), 0);
    assert.deepEqual(s.refused, ['host']);
    assert.equal((await call(s.base, 'GET', '/anything')).body, 'served');
  } finally {
    s.server.close();
  }
});

test('"when-loopback": a listener on all interfaces answers any Host, but still refuses cross-site Origins', async () => {
  const s = await listen('0.0.0.0', 'when-loopback');
  try {
    assert.equal((await call(s.base, 'GET', '/', { headers: { host: 'xray-service.default:2000' } })).status, 200);
    const csrf = await call(s.base, 'POST', '/', { headers: { host: 'xray-service.default:2000', origin: 'https://attacker.example', 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(csrf.status, 403);
    assert.deepEqual(s.refused, ['origin']);
  } finally {
    s.server.close();
  }
});

test('an accept error after listening (EMFILE when libuv has no spare fd) is counted and shown in health, not thrown', async () => {
  const registry = new HealthRegistry();
  const s = await listen('127.0.0.1', 'always', registry.component('tcp'));
  try {
    // net.Server emits accept failures as 'error' events; without a listener the process would die
    s.server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
    assert.deepEqual(s.refused, ['accept-failed']);
    assert.deepEqual(registry.list().map((p) => [p.component, p.reason]), [['tcp', 'cannot accept TCP connections: EMFILE']]);
    assert.equal((await call(s.base, 'GET', '/')).status, 200, 'still serving');
    assert.equal(registry.degraded, false, 'an accepted connection clears the problem');
  } finally {
    s.server.close();
  }
});
