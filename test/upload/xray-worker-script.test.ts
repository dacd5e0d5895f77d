import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { xrayWorkerScript } from '../../src/upload/xray-worker-script.js';

// Inside the single executable the embedded variant runs; test/packaging/check-artifacts.sh covers it
// with the end-to-end relay test against dist/pkg/xrayd-linux-x64.
test('outside a single executable, the worker is the compiled xray-worker.js next to its client', () => {
  const { script, eval: evalScript } = xrayWorkerScript();
  assert.equal(evalScript, false);
  assert.ok(script instanceof URL);
  assert.ok(existsSync(fileURLToPath(script)), `${script} exists`);
  assert.match(script.pathname, /\/dist\/src\/upload\/xray-worker\.js$/);
});
