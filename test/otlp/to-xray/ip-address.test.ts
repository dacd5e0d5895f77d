import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { ipVersion } from '../../../src/otlp/to-xray/ip-address.js';

test('ipVersion agrees with node:net isIP (the translation runs in the browser too, without node:net)', () => {
  const cases = [
    '10.0.0.1', '255.255.255.255', '256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4 ', '::1', '::', 'fe80::1', '2001:db8::8a2e:370:7334',
    '::ffff:192.0.2.1', '1::2::3', 'gggg::1', '[::1]', 'example.com', '', 'localhost', '12345::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9',
  ];
  for (const text of cases) assert.equal(ipVersion(text), isIP(text), text);
});
