import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig, DEFAULT_CONFIG_PATHS } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/errors.js';
import { DEFAULTS, otlpIndexAll } from '../../src/config/defaults.js';
import { bufferBudgetBytes, availableMemoryBytes } from '../../src/config/buffer-size.js';
import { xrayEndpointFor } from '../../src/xray/endpoint.js';
import { normalizeArgs } from '../../src/cli.js';
import { parseHostPort } from '../../src/config/address.js';
import { selfExportProblem } from '../../src/config/otlp-export-loop.js';

const files = (map: Record<string, string>) => ({ exists: (p: string) => p in map, read: (p: string) => map[p] });
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
};

test('defaults apply when nothing is set', () => {
  const { config, configPath } = loadConfig({}, {}, files({}));
  assert.deepEqual(config, DEFAULTS);
  assert.equal(configPath, undefined);
  assert.deepEqual(config.udpAddress, { host: '127.0.0.1', port: 2000 }, 'safe default: loopback only');
});

test('config.example.yaml loads and matches the defaults it documents', () => {
  const text = readFileSync(new URL('../../../config.example.yaml', import.meta.url), 'utf8');
  const { config } = loadConfig({ config: 'x.yaml' }, {}, files({ 'x.yaml': text }));
  assert.deepEqual(config, DEFAULTS);
});

test('precedence: flags > file > env > defaults', () => {
  const file = 'Version: 2\nRegion: eu-west-1\nConcurrency: 4\nSocket:\n  UDPAddress: "0.0.0.0:3000"\n';
  const env = { AWS_REGION: 'us-west-2' };
  const io = files({ 'c.yaml': file });
  assert.equal(loadConfig({}, env, files({})).config.region, 'us-west-2');
  assert.equal(loadConfig({}, { AWS_DEFAULT_REGION: 'ap-south-1' }, files({})).config.region, 'ap-south-1');
  const fromFile = loadConfig({ config: 'c.yaml' }, env, io).config;
  assert.equal(fromFile.region, 'eu-west-1');
  assert.equal(fromFile.concurrency, 4);
  assert.deepEqual(fromFile.udpAddress, { host: '0.0.0.0', port: 3000 });
  const fromFlag = loadConfig({ config: 'c.yaml', region: 'sa-east-1', bind: '[::1]:2001' }, env, io).config;
  assert.equal(fromFlag.region, 'sa-east-1');
  assert.deepEqual(fromFlag.udpAddress, { host: '::1', port: 2001 });
});

test('without -c the reference locations are read in order', () => {
  const [etc, local] = DEFAULT_CONFIG_PATHS;
  assert.equal(loadConfig({}, {}, files({ [local]: 'Concurrency: 2' })).configPath, local);
  const both = loadConfig({}, {}, files({ [etc]: 'Concurrency: 3', [local]: 'Concurrency: 2' }));
  assert.equal(both.configPath, etc);
  assert.equal(both.config.concurrency, 3);
});

test('every invalid value is reported at once, naming the key and the value', () => {
  const file = [
    'Version: 1',
    'Concurrency: "eight"',
    'TotalBufferSizeMB: -1',
    'Bogus: 1',
    'Socket:',
    '  UDPAddress: "localhost"',
    '  Extra: true',
    'Logging:',
    '  LogLevel: loud',
    'LocalMode: "yes"',
    'Endpoint: "not a url"',
  ].join('\n');
  const problems = problemsOf(() => loadConfig({ config: 'bad.yaml' }, {}, files({ 'bad.yaml': file })));
  const expectations = [
    /Version: expected a whole number from 2 to 2, got 1/,
    /Concurrency: .*got "eight"/,
    /TotalBufferSizeMB: .*got -1/,
    /Bogus: unknown key/,
    /Socket\.UDPAddress: expected host:port.*"localhost"/,
    /Socket\.Extra: unknown key/,
    /Logging\.LogLevel: expected one of dev, debug, info, warn, error, prod, got "loud"/,
    /LocalMode: expected true or false, got "yes"/,
    /Endpoint: expected a URL, got "not a url"/,
  ];
  assert.equal(problems.length, expectations.length, problems.join('\n'));
  for (const re of expectations) assert.ok(problems.some((p) => re.test(p) && p.startsWith('bad.yaml: ')), `missing ${re}: ${problems.join('\n')}`);
});

test('bad flags, a missing file and broken YAML are errors too', () => {
  assert.match(problemsOf(() => loadConfig({ bufferMemory: '2' }, {}, files({})))[0], /--buffer-memory: .*"2"/);
  assert.match(problemsOf(() => loadConfig({ bind: 'nope' }, {}, files({})))[0], /--bind: expected host:port/);
  assert.match(problemsOf(() => loadConfig({ config: 'missing.yaml' }, {}, files({})))[0], /--config: file not found: missing.yaml/);
  assert.match(problemsOf(() => loadConfig({ config: 'y' }, {}, files({ y: 'a: [' })))[0], /not valid YAML/);
  assert.match(problemsOf(() => loadConfig({ config: 'y' }, {}, files({ y: '- 1' })))[0], /expected a mapping/);
});

test('the reference file conventions: "" means unset, TotalBufferSizeMB 0 means automatic', () => {
  const { config } = loadConfig({ config: 'c' }, { AWS_REGION: 'us-east-2' }, files({ c: 'Region: ""\nTotalBufferSizeMB: 0\nRoleARN: ""' }));
  assert.equal(config.region, 'us-east-2');
  assert.equal(config.bufferMemoryMB, undefined);
  assert.equal(config.roleArn, undefined);
});

test('buffer budget: configured MB, else 1% of the cgroup limit or host memory, at least 3 MB', () => {
  const MB = 1024 * 1024;
  assert.equal(bufferBudgetBytes(16), 16 * MB);
  assert.equal(bufferBudgetBytes(undefined, 200 * MB), 3 * MB);
  assert.equal(bufferBudgetBytes(undefined, 1000 * MB), 10 * MB);
  const cgroupLimit = 512 * MB;
  assert.equal(availableMemoryBytes((p) => (p === '/sys/fs/cgroup/memory.max' ? `${cgroupLimit}\n` : '')), cgroupLimit);
  assert.ok(availableMemoryBytes((p) => (p === '/sys/fs/cgroup/memory.max' ? 'max\n' : 'junk')) > cgroupLimit, 'no limit: host memory');
  // cgroup v1: memory.limit_in_bytes, where "no limit" is a huge number rather than "max"
  const v1 = (value: string) => (p: string) => {
    if (p === '/sys/fs/cgroup/memory/memory.limit_in_bytes') return `${value}\n`;
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  };
  assert.equal(availableMemoryBytes(v1(String(256 * MB))), 256 * MB);
  assert.equal(bufferBudgetBytes(undefined, availableMemoryBytes(v1(String(1024 * MB)))), Math.floor((1024 * MB) / 100), 'a 1 GiB container gets a ~10 MB buffer');
  assert.ok(availableMemoryBytes(v1('9223372036854771712')) > cgroupLimit, 'v1 unlimited: host memory');
});

test('endpoint per partition', () => {
  assert.equal(xrayEndpointFor('us-east-1'), 'https://xray.us-east-1.amazonaws.com');
  assert.equal(xrayEndpointFor('cn-north-1'), 'https://xray.cn-north-1.amazonaws.com.cn');
  assert.equal(xrayEndpointFor('us-gov-west-1'), 'https://xray.us-gov-west-1.amazonaws.com');
});

test('addresses and Go-style single-dash long flags', () => {
  assert.deepEqual(parseHostPort(':2000'), { host: '0.0.0.0', port: 2000 });
  assert.match(String(parseHostPort('1.2.3.4:70000')), /out of range/);
  assert.deepEqual(normalizeArgs(['-bind=0.0.0.0:2000', '-b', 'x', '-local-mode', '-xyz']), ['--bind=0.0.0.0:2000', '-b', 'x', '--local-mode', '-xyz']);
});

test('OTLP settings: the receiver on 127.0.0.1:4318 by default, "" turns it off, flags win, bad values name the key', () => {
  assert.deepEqual(DEFAULTS.otlpAddress, { host: '127.0.0.1', port: 4318 }, 'safe default: loopback only');
  const file = 'Socket:\n  OTLPAddress: "0.0.0.0:14318"\nOTLP:\n  Upload: true\n  IndexedAttributes: [customer, tier]\n  IndexAllAttributes: false\n';
  const fromFile = loadConfig({ config: 'c' }, {}, files({ c: file })).config;
  assert.deepEqual(fromFile.otlpAddress, { host: '0.0.0.0', port: 14318 });
  assert.equal(fromFile.otlpUpload, true);
  assert.deepEqual(fromFile.otlpIndexedAttributes, ['customer', 'tier']);
  assert.equal(fromFile.otlpIndexAllAttributes, false);
  assert.equal(loadConfig({ config: 'c', otlpBind: '' }, {}, files({ c: file })).config.otlpAddress, undefined, '--otlp-bind "" turns it off');
  assert.equal(loadConfig({ config: 'c' }, {}, files({ c: 'Socket:\n  OTLPAddress: ""' })).config.otlpAddress, undefined);
  assert.equal(loadConfig({ otlpUpload: true }, {}, files({})).config.otlpUpload, true);
  const problems = problemsOf(() =>
    loadConfig({ config: 'c', otlpBind: 'nope' }, {}, files({ c: 'OTLP:\n  IndexedAttributes: customer\n  IndexAllAttributes: "yes"\n  Endpointz: 1' })),
  );
  for (const re of [/--otlp-bind: expected host:port/, /OTLP\.IndexedAttributes: expected a list of attribute names, got "customer"/, /OTLP\.IndexAllAttributes: expected true or false, got "yes"/, /OTLP\.Endpointz: unknown key/]) {
    assert.ok(problems.some((p) => re.test(p)), `missing ${re}: ${problems.join('\n')}`);
  }
});

test('OTLP.IndexAllAttributes: on by default for the local backend only', () => {
  assert.equal(otlpIndexAll({ backend: 'local', otlpIndexAllAttributes: undefined }), true);
  assert.equal(otlpIndexAll({ backend: 'aws', otlpIndexAllAttributes: undefined }), false);
  assert.equal(otlpIndexAll({ backend: 'local', otlpIndexAllAttributes: false }), false);
  assert.equal(otlpIndexAll({ backend: 'aws', otlpIndexAllAttributes: true }), true);
});

test('OTLP exporter settings: OTLP.Endpoint/Headers/Compression in the file, --otlp-endpoint on the command line', () => {
  const file = 'OTLP:\n  Endpoint: "http://collector:4318/"\n  Headers:\n    Authorization: "Bearer abc"\n    x-scope-orgid: team-a\n  Compression: NONE\n';
  const { config } = loadConfig({ config: 'c' }, {}, files({ c: file }));
  assert.equal(config.otlpEndpoint, 'http://collector:4318');
  assert.deepEqual(config.otlpHeaders, { Authorization: 'Bearer abc', 'x-scope-orgid': 'team-a' });
  assert.equal(config.otlpCompression, 'none');
  assert.equal(loadConfig({ config: 'c', otlpEndpoint: 'https://tempo:4318' }, {}, files({ c: file })).config.otlpEndpoint, 'https://tempo:4318');
  assert.equal(DEFAULTS.otlpEndpoint, undefined, 'the exporter is off unless asked for');

  const bad = 'OTLP:\n  Endpoint: "grpc://collector:4317"\n  Headers:\n    "bad header": x\n    X-Key: "secret\\nvalue"\n  Compression: zstd\n';
  const problems = problemsOf(() => loadConfig({ config: 'b' }, {}, files({ b: bad })));
  for (const re of [/OTLP\.Endpoint: expected an http\(s\) URL, got "grpc:\/\/collector:4317"/, /OTLP\.Headers\.bad header: not a valid HTTP header name/, /OTLP\.Headers\.X-Key: expected a string without control characters/, /OTLP\.Compression: expected one of gzip, none, got "zstd"/]) {
    assert.ok(problems.some((p) => re.test(p)), `missing ${re}: ${problems.join('\n')}`);
  }
  assert.ok(!problems.some((p) => p.includes('secret')), 'header values are never echoed');
  assert.match(problemsOf(() => loadConfig({ otlpEndpoint: 'localhost:4318' }, {}, files({})))[0], /--otlp-endpoint: expected/);
  assert.match(problemsOf(() => loadConfig({ config: 'h' }, {}, files({ h: 'OTLP:\n  Headers: [a]\n' })))[0], /OTLP\.Headers: expected a mapping/);
});

test('an OTLP endpoint that is one of xrayd\'s own listeners is refused, naming both settings', () => {
  const problems = problemsOf(() => loadConfig({ bindTcp: '127.0.0.1:4318', otlpEndpoint: 'http://localhost:4318' }, {}, files({})));
  assert.match(problems[0], /OTLP\.Endpoint\/--otlp-endpoint: http:\/\/localhost:4318 is xrayd's own Socket\.TCPAddress \(127\.0\.0\.1:4318\)/);
  assert.ok(problemsOf(() => loadConfig({ bindTcp: '0.0.0.0:2000', otlpEndpoint: 'http://127.0.0.1:2000/v1/traces' }, {}, files({}))).length === 1);
  // another port, or another host, is fine
  assert.equal(loadConfig({ otlpEndpoint: 'http://localhost:4319' }, {}, files({})).config.otlpEndpoint, 'http://localhost:4319');
  // the OTLP receiver listens on 127.0.0.1:4318 by default: exporting there would loop, unless it is off
  assert.match(problemsOf(() => loadConfig({ otlpEndpoint: 'http://localhost:4318' }, {}, files({})))[0], /is xrayd's own Socket\.OTLPAddress \(127\.0\.0\.1:4318\)/);
  assert.equal(loadConfig({ otlpEndpoint: 'http://localhost:4318', otlpBind: '' }, {}, files({})).config.otlpEndpoint, 'http://localhost:4318');
  assert.equal(loadConfig({ bindTcp: '127.0.0.1:4318', otlpEndpoint: 'http://collector:4318' }, {}, files({})).config.otlpEndpoint, 'http://collector:4318');
});

test('selfExportProblem also guards other listeners (the OTLP receiver) by key', () => {
  const otlp = { key: 'Socket.OTLPAddress', address: { host: '127.0.0.1', port: 4318 } };
  assert.match(selfExportProblem('http://[::1]:4318', [otlp]) ?? '', /Socket\.OTLPAddress/);
  assert.equal(selfExportProblem('http://localhost:14318', [otlp]), undefined);
  assert.equal(selfExportProblem('http://localhost:4318', [{ key: 'Socket.OTLPAddress', address: undefined }]), undefined, 'a listener turned off');
});

test('Socket.AllowedHosts and the TCP limits: lists, strings, true, the flag, and errors naming the key', () => {
  const load = (yaml: string, flags = {}) => loadConfig({ config: 'c.yaml', ...flags }, {}, files({ 'c.yaml': yaml })).config;
  assert.deepEqual(load('Socket:\n  AllowedHosts: [a.test, .B.test]\n').allowedHosts, ['a.test', '.b.test']);
  assert.deepEqual(load('Socket:\n  AllowedHosts: "a.test,b.test"\n').allowedHosts, ['a.test', 'b.test']);
  assert.equal(load('Socket:\n  AllowedHosts: true\n').allowedHosts, '*');
  assert.deepEqual(load('Socket:\n  AllowedHosts: [a.test]\n', { allowedHosts: 'c.test' }).allowedHosts, ['c.test'], 'the flag wins');
  const limits = load('Socket:\n  MaxConnections: 10\n  MaxInFlightBodyBytes: 65536\n  HeadersTimeoutMs: 500\n  RequestTimeoutMs: 900\n  IdleTimeoutMs: 200\n');
  assert.deepEqual(
    [limits.tcpMaxConnections, limits.tcpMaxInFlightBodyBytes, limits.tcpHeadersTimeoutMs, limits.tcpRequestTimeoutMs, limits.tcpIdleTimeoutMs],
    [10, 65536, 500, 900, 200],
  );
  const problems = problemsOf(() => load('Socket:\n  AllowedHosts: [ok.test, "bad host"]\n  MaxConnections: 0\n  HeadersTimeoutMs: -1\n'));
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems[0], /Socket\.AllowedHosts: .*"bad host"/);
  assert.match(problems[1], /Socket\.MaxConnections: .*got 0/);
  assert.match(problems[2], /Socket\.HeadersTimeoutMs: .*got -1/);
  assert.match(problemsOf(() => load('Socket:\n  AllowedHosts: false\n'))[0], /Socket\.AllowedHosts: .*got false/);
});
