import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostNameOf, isAcceptedHostName, isLoopbackAddress, parseAllowedHosts } from '../../src/http/host-names.js';

test('hostNameOf strips the port, brackets, case and a trailing dot; refuses what is not a host', () => {
  const table: [string, string | undefined][] = [
    ['127.0.0.1:2000', '127.0.0.1'],
    ['[::1]:2000', '::1'],
    ['[::1]', '::1'],
    ['LocalHost.:2000', 'localhost'],
    ['xray-service.default', 'xray-service.default'],
    ['[not-ip]:80', undefined],
    ['a b', undefined],
    ['user@host', undefined],
    ['host:99999999', undefined],
    ['', undefined],
  ];
  for (const [input, want] of table) assert.equal(hostNameOf(input), want, input);
});

test('accepted names: IP literals, localhost, *.localhost, and the configured names', () => {
  const allowed = parseAllowedHosts('xray.test,.corp.example');
  assert.ok(Array.isArray(allowed));
  for (const name of ['127.0.0.1', '10.1.2.3', '::1', 'fe80::1', 'localhost', 'app.localhost', 'xray.test', 'corp.example', 'a.corp.example']) {
    assert.ok(isAcceptedHostName(name, allowed), name);
  }
  for (const name of ['attacker.example', 'localhost.attacker.example', 'sub.xray.test', 'evilcorp.example', '127.0.0.1.nip.io']) {
    assert.ok(!isAcceptedHostName(name, allowed), name);
  }
  assert.ok(isAcceptedHostName('anything.example', '*'));
});

test('parseAllowedHosts: comma list, "*" alone, errors name the bad entry', () => {
  assert.deepEqual(parseAllowedHosts(' A.test , .B.test. ,'), ['a.test', '.b.test']);
  assert.deepEqual(parseAllowedHosts(''), []);
  assert.equal(parseAllowedHosts('*'), '*');
  assert.match((parseAllowedHosts('*,a.test') as { error: string }).error, /cannot be combined/);
  assert.match((parseAllowedHosts('ok.test,http://x.test') as { error: string }).error, /"http:\/\/x\.test"/);
});

test('loopback addresses: 127/8, ::1, IPv4-mapped; not 0.0.0.0 or ::', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(a), a);
  for (const a of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1']) assert.ok(!isLoopbackAddress(a), a);
});
