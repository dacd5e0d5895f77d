import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BackendKind, DaemonConfig, LogLevelName, OtlpCompression, UdpReceiverKind } from './config.js';
import { DEFAULTS } from './defaults.js';
import { ConfigError } from './errors.js';
import { parseHostPort } from './address.js';
import { parseAllowedHosts } from '../http/host-names.js';
import { ownListeners, selfExportProblem } from './otlp-export-loop.js';

/** What the command line may set (see `cli.ts`); each key overrides the file and the environment. */
export interface CliFlags {
  resourceArn?: string;
  localMode?: boolean;
  bufferMemory?: string;
  region?: string;
  bind?: string;
  bindTcp?: string;
  roleArn?: string;
  config?: string;
  logFile?: string;
  logLevel?: string;
  proxyAddress?: string;
  endpoint?: string;
  backend?: string;
  storePath?: string;
  spoolDir?: string;
  spoolMb?: string;
  otlpBind?: string;
  otlpUpload?: boolean;
  allowedHosts?: string;
  otlpEndpoint?: string;
  udpReceiver?: string;
}

export const LOG_LEVELS: readonly LogLevelName[] = ['dev', 'debug', 'info', 'warn', 'error', 'prod'];
export const BACKENDS: readonly BackendKind[] = ['aws', 'local'];
export const UDP_RECEIVERS: readonly UdpReceiverKind[] = ['auto', 'native', 'dgram'];
export const OTLP_COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'none'];
/** Where the reference daemon looks for its config when `-c` is not given. */
export const DEFAULT_CONFIG_PATHS = ['/etc/amazon/xray/cfg.yaml', './cfg.yaml'];

type Patch = Partial<DaemonConfig>;
type Setter = (value: unknown, key: string, problems: string[]) => Patch | undefined;

// ---- value checkers: each returns the patch, or records a problem naming the key and value ----
const show = (v: unknown) => JSON.stringify(v) ?? String(v);

function str(apply: (s: string) => Patch | string): Setter {
  return (v, key, problems) => {
    if (typeof v !== 'string') return void problems.push(`${key}: expected a string, got ${show(v)}`);
    if (v === '') return {}; // the reference's cfg.yaml uses "" for "not set"
    const out = apply(v);
    if (typeof out === 'string') return void problems.push(`${key}: ${out}`);
    return out;
  };
}
function bool(apply: (b: boolean) => Patch): Setter {
  return (v, key, problems) =>
    typeof v === 'boolean' ? apply(v) : void problems.push(`${key}: expected true or false, got ${show(v)}`);
}
function int(min: number, max: number, apply: (n: number) => Patch): Setter {
  return (v, key, problems) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return void problems.push(`${key}: expected a whole number from ${min} to ${max}, got ${show(v)}`);
    }
    return apply(v);
  };
}
function oneOf<T extends string>(allowed: readonly T[], apply: (v: T) => Patch) {
  return str((s) => {
    const lower = s.toLowerCase() as T;
    return allowed.includes(lower) ? apply(lower) : `expected one of ${allowed.join(', ')}, got "${s}"`;
  });
}
const address = (apply: (a: { host: string; port: number }) => Patch) =>
  str((s) => {
    const a = parseHostPort(s);
    return typeof a === 'string' ? a : apply(a);
  });
const url = (apply: (u: string) => Patch) =>
  str((s) => {
    try {
      const u = new URL(s);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return `expected an http(s) URL, got "${s}"`;
    } catch {
      return `expected a URL, got "${s}"`;
    }
    return apply(s.replace(/\/+$/, ''));
  });

/** An address where "" means "off" (the OTLP receiver), unlike other keys where "" means "not set". */
const optionalAddress = (apply: (a: { host: string; port: number } | undefined) => Patch): Setter => (v, key, problems) => {
  if (v === '') return apply(undefined);
  return address(apply)(v, key, problems);
};
/** true/false, or "" for "decided by the backend". */
const optionalBool = (apply: (b: boolean | undefined) => Patch): Setter => (v, key, problems) =>
  v === '' ? apply(undefined) : bool(apply)(v, key, problems);
const stringList = (apply: (l: string[]) => Patch): Setter => (v, key, problems) => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
    return void problems.push(`${key}: expected a list of attribute names, got ${show(v)}`);
  }
  return apply(v as string[]);
};
/** HTTP header names (RFC 9110 tokens) and values without control characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const headers = (apply: (h: Record<string, string>) => Patch): Setter => (v, key, problems) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return void problems.push(`${key}: expected a mapping of header names to values, got ${show(v)}`);
  const found: string[] = [];
  for (const [name, value] of Object.entries(v)) {
    if (!HEADER_NAME.test(name)) found.push(`${key}.${name}: not a valid HTTP header name`);
    // a bad value is not echoed: header values are often API keys
    else if (typeof value !== 'string' || !HEADER_VALUE.test(value)) found.push(`${key}.${name}: expected a string without control characters`);
  }
  problems.push(...found);
  return found.length ? undefined : apply({ ...(v as Record<string, string>) });
};

/** A comma-separated string or a YAML list of names (`true` = `*`, as Vite's `allowedHosts: true`). */
const allowedHosts: Setter = (v, key, problems) => {
  const text = v === true ? '*' : Array.isArray(v) && v.every((e) => typeof e === 'string') ? v.join(',') : typeof v === 'string' ? v : undefined;
  if (text === undefined) return void problems.push(`${key}: expected host names (a list or a comma-separated string), "*" or true, got ${show(v)}`);
  const parsed = parseAllowedHosts(text);
  if (typeof parsed === 'object' && 'error' in parsed) return void problems.push(`${key}: ${parsed.error}`);
  return { allowedHosts: parsed };
};

type Schema = { [key: string]: Setter | Schema };

/** The config file's keys: the reference daemon's `cfg.yaml` (Version 2) plus xrayd's own settings. */
const FILE_SCHEMA: Schema = {
  Version: int(2, 2, () => ({})),
  TotalBufferSizeMB: int(0, 1_000_000, (n) => ({ bufferMemoryMB: n === 0 ? undefined : n })),
  Concurrency: int(1, 256, (n) => ({ concurrency: n })),
  Region: str((s) => ({ region: s })),
  Endpoint: url((s) => ({ endpoint: s })),
  Socket: {
    UDPAddress: address((a) => ({ udpAddress: a })),
    UDPReceiver: oneOf(UDP_RECEIVERS, (k) => ({ udpReceiver: k })),
    TCPAddress: address((a) => ({ tcpAddress: a })),
    OTLPAddress: optionalAddress((a) => ({ otlpAddress: a })),
    AllowedHosts: allowedHosts,
    MaxConnections: int(1, 1_000_000, (n) => ({ tcpMaxConnections: n })),
    MaxInFlightBodyBytes: int(1024, 1 << 30, (n) => ({ tcpMaxInFlightBodyBytes: n })),
    HeadersTimeoutMs: int(100, 3_600_000, (n) => ({ tcpHeadersTimeoutMs: n })),
    RequestTimeoutMs: int(100, 3_600_000, (n) => ({ tcpRequestTimeoutMs: n })),
    IdleTimeoutMs: int(100, 3_600_000, (n) => ({ tcpIdleTimeoutMs: n })),
  },
  Logging: {
    LogRotation: bool((b) => ({ logRotation: b })),
    LogLevel: oneOf(LOG_LEVELS, (l) => ({ logLevel: l })),
    LogPath: str((s) => ({ logPath: s })),
  },
  LocalMode: bool((b) => ({ localMode: b })),
  ResourceARN: str((s) => ({ resourceArn: s })),
  RoleARN: str((s) => ({ roleArn: s })),
  NoVerifySSL: bool((b) => ({ noVerifySSL: b })),
  ProxyAddress: str((s) => ({ proxyAddress: s })),
  // xrayd's own settings (documented in config.example.yaml)
  Backend: oneOf(BACKENDS, (b) => ({ backend: b })),
  BatchSize: int(1, 50, (n) => ({ batchSize: n })),
  FlushIntervalMs: int(1, 3_600_000, (n) => ({ flushIntervalMs: n })),
  RequestTimeoutMs: int(1, 600_000, (n) => ({ requestTimeoutMs: n })),
  ShutdownTimeoutMs: int(0, 3_600_000, (n) => ({ shutdownTimeoutMs: n })),
  SocketReceiveBufferBytes: int(0, 1 << 30, (n) => ({ socketReceiveBufferBytes: n })),
  RetryWindowMs: int(0, 86_400_000, (n) => ({ retryWindowMs: n })),
  RetryBaseDelayMs: int(1, 3_600_000, (n) => ({ retryBaseDelayMs: n })),
  RetryMaxDelayMs: int(1, 3_600_000, (n) => ({ retryMaxDelayMs: n })),
  TelemetryIntervalMs: int(0, 86_400_000, (n) => ({ telemetryIntervalMs: n })),
  SummaryIntervalMs: int(0, 86_400_000, (n) => ({ summaryIntervalMs: n })),
  InsightsIntervalMs: int(0, 3_600_000, (n) => ({ insightsIntervalMs: n })),
  Store: {
    Path: str((s) => ({ storePath: s })),
    MaxSegments: int(1, 100_000_000, (n) => ({ storeMaxSegments: n })),
    MaxMB: int(1, 1_000_000, (n) => ({ storeMaxMB: n })),
  },
  Spool: {
    Directory: str((s) => ({ spoolDirectory: s })),
    MaxMB: int(1, 10_000_000, (n) => ({ spoolMaxMB: n })),
  },
  Ledger: {
    MaxMB: int(0, 1024, (n) => ({ ledgerMaxMB: n })),
  },
  OTLP: {
    Upload: bool((b) => ({ otlpUpload: b })),
    IndexedAttributes: stringList((l) => ({ otlpIndexedAttributes: l })),
    IndexAllAttributes: optionalBool((b) => ({ otlpIndexAllAttributes: b })),
    // the OTLP exporter (docs/otel-mapping.md, README "OpenTelemetry")
    Endpoint: url((s) => ({ otlpEndpoint: s })),
    Headers: headers((h) => ({ otlpHeaders: h })),
    Compression: oneOf(OTLP_COMPRESSIONS, (c) => ({ otlpCompression: c })),
  },
};

function applySchema(schema: Schema, doc: unknown, prefix: string, problems: string[]): Patch {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    problems.push(`${prefix || 'config file'}: expected a mapping of keys, got ${show(doc)}`);
    return {};
  }
  let patch: Patch = {};
  for (const [key, value] of Object.entries(doc)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const rule = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (!rule) {
      problems.push(`${path}: unknown key (allowed here: ${Object.keys(schema).join(', ')})`);
    } else if (value === null) {
      continue; // an empty YAML value leaves the default
    } else if (typeof rule === 'function') {
      patch = { ...patch, ...rule(value, path, problems) };
    } else {
      patch = { ...patch, ...applySchema(rule, value, path, problems) };
    }
  }
  return patch;
}

/** Parses the text of a config file into a patch; records problems rather than throwing. */
export function parseConfigFile(text: string, path: string, problems: string[]): Patch {
  let doc: unknown;
  try {
    doc = loadYamlParser()(text);
  } catch (err) {
    problems.push(`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
  if (doc === null || doc === undefined) return {}; // an empty file
  return applySchema(FILE_SCHEMA, doc, '', problems);
}

function flagPatch(flags: CliFlags, problems: string[]): Patch {
  const patch: Patch = {};
  const take = (flag: string, v: string | undefined, setter: Setter) => {
    if (v !== undefined) Object.assign(patch, setter(v, flag, problems));
  };
  take('--resource-arn', flags.resourceArn, str((s) => ({ resourceArn: s })));
  if (flags.localMode) patch.localMode = true;
  if (flags.bufferMemory !== undefined) {
    const n = Number(flags.bufferMemory);
    if (!Number.isInteger(n) || n < 3) problems.push(`--buffer-memory: expected a whole number of MB >= 3, got "${flags.bufferMemory}"`);
    else patch.bufferMemoryMB = n;
  }
  take('--region', flags.region, str((s) => ({ region: s })));
  take('--bind', flags.bind, address((a) => ({ udpAddress: a })));
  take('--bind-tcp', flags.bindTcp, address((a) => ({ tcpAddress: a })));
  take('--role-arn', flags.roleArn, str((s) => ({ roleArn: s })));
  take('--log-file', flags.logFile, str((s) => ({ logPath: s })));
  take('--log-level', flags.logLevel, oneOf(LOG_LEVELS, (l) => ({ logLevel: l })));
  take('--proxy-address', flags.proxyAddress, str((s) => ({ proxyAddress: s })));
  take('--endpoint', flags.endpoint, url((s) => ({ endpoint: s })));
  take('--backend', flags.backend, oneOf(BACKENDS, (b) => ({ backend: b })));
  take('--store-path', flags.storePath, str((s) => ({ storePath: s })));
  take('--spool-dir', flags.spoolDir, str((s) => ({ spoolDirectory: s })));
  if (flags.spoolMb !== undefined) {
    const n = Number(flags.spoolMb);
    if (!Number.isInteger(n) || n < 1 || n > 10_000_000) problems.push(`--spool-mb: expected a whole number of MB from 1 to 10000000, got "${flags.spoolMb}"`);
    else patch.spoolMaxMB = n;
  }
  take('--otlp-bind', flags.otlpBind, optionalAddress((a) => ({ otlpAddress: a })));
  if (flags.otlpUpload) patch.otlpUpload = true;
  take('--allowed-hosts', flags.allowedHosts, allowedHosts);
  take('--otlp-endpoint', flags.otlpEndpoint, url((s) => ({ otlpEndpoint: s })));
  take('--udp-receiver', flags.udpReceiver, oneOf(UDP_RECEIVERS, (k) => ({ udpReceiver: k })));
  return patch;
}

function envPatch(env: NodeJS.ProcessEnv): Patch {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return region ? { region } : {};
}

/** Keys whose undefined value is a choice ("off", "by backend") rather than "not set". */
const UNDEFINED_IS_A_VALUE = new Set<string>(['otlpAddress', 'otlpIndexAllAttributes']);

function dropUndefined(p: Patch): Patch {
  return Object.fromEntries(Object.entries(p).filter(([k, v]) => v !== undefined || UNDEFINED_IS_A_VALUE.has(k))) as Patch;
}

export interface LoadedConfig {
  config: DaemonConfig;
  /** The file that was read, if any. */
  configPath: string | undefined;
}

/**
 * Builds the configuration: flags > file > env > defaults. Throws a ConfigError listing every
 * problem (each naming the key and its value). `fileExists`/`readFile` are injectable for tests.
 */
export function loadConfig(
  flags: CliFlags,
  env: NodeJS.ProcessEnv,
  io: { exists: (p: string) => boolean; read: (p: string) => string } = {
    exists: existsSync,
    read: (p) => readFileSync(p, 'utf8'),
  },
): LoadedConfig {
  const problems: string[] = [];
  let configPath: string | undefined;
  let filePatch: Patch = {};
  if (flags.config !== undefined) {
    configPath = flags.config;
    if (!io.exists(configPath)) problems.push(`--config: file not found: ${configPath}`);
  } else {
    configPath = DEFAULT_CONFIG_PATHS.find((p) => io.exists(p));
  }
  if (configPath && problems.length === 0) {
    let text: string | undefined;
    try {
      text = io.read(configPath);
    } catch (err) {
      problems.push(`--config: cannot read ${configPath}: ${(err as Error).message}`);
    }
    if (text !== undefined) filePatch = parseConfigFile(text, configPath, problems);
  }
  const fromFlags = flagPatch(flags, problems);
  if (problems.length) throw new ConfigError(problems.map((p) => (configPath && !p.startsWith('--') && !p.startsWith(configPath) ? `${configPath}: ${p}` : p)));
  const config: DaemonConfig = {
    ...DEFAULTS,
    ...dropUndefined(envPatch(env)),
    ...dropUndefined(filePatch),
    ...dropUndefined(fromFlags),
  };
  const loop = selfExportProblem(config.otlpEndpoint, ownListeners(config));
  if (loop) throw new ConfigError([loop]);
  return { config, configPath };
}

/**
 * The YAML parser, loaded only when there is a config file to read: it is ~70 ms of a start that
 * should stay well under 300 ms (synchronous `require`, since config loading is synchronous).
 */
function loadYamlParser(): (text: string) => unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
}
