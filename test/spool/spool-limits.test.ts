import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spoolLimits } from '../../src/spool/spool-options.js';

const MB = 1024 * 1024;

test('the spool directory serves X-Ray (aws backend) and the OTLP export, each in its own directory, within Spool.MaxMB together', () => {
  const base = { spoolDirectory: '/var/lib/xrayd', spoolMaxMB: 1024 };
  assert.deepEqual(spoolLimits({ ...base, backend: 'aws', otlpEndpoint: undefined }), { xray: { dir: '/var/lib/xrayd', maxBytes: 1024 * MB } });
  assert.deepEqual(spoolLimits({ ...base, backend: 'local', otlpEndpoint: 'http://collector:4318' }), {
    otlpExport: { dir: path.join('/var/lib/xrayd', 'otlp-export'), maxBytes: 1024 * MB },
  });
  assert.deepEqual(spoolLimits({ ...base, backend: 'aws', otlpEndpoint: 'http://collector:4318' }), {
    xray: { dir: '/var/lib/xrayd', maxBytes: 511.5 * MB },
    otlpExport: { dir: path.join('/var/lib/xrayd', 'otlp-export'), maxBytes: 511.5 * MB },
  });
  assert.deepEqual(spoolLimits({ ...base, backend: 'local', otlpEndpoint: undefined }), {}, 'the local backend stores; nothing to spool');
  assert.deepEqual(spoolLimits({ spoolDirectory: undefined, spoolMaxMB: 1024, backend: 'aws', otlpEndpoint: 'http://c:4318' }), {});
});
