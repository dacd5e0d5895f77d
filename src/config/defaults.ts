import type { DaemonConfig } from './config.js';

export const DEFAULT_PORT = 2000;
export const MIN_BUFFER_MEMORY_MB = 3;
/** OTLP/HTTP's standard port, where OpenTelemetry SDKs send by default. */
export const DEFAULT_OTLP_PORT = 4318;

/** Defaults for everything but the derived buffer size (see `buffer-size.ts`). */
export const DEFAULTS: DaemonConfig = {
  backend: 'aws',
  udpAddress: { host: '127.0.0.1', port: DEFAULT_PORT },
  udpReceiver: 'auto',
  tcpAddress: { host: '127.0.0.1', port: DEFAULT_PORT },
  allowedHosts: [],
  tcpMaxConnections: 256,
  tcpMaxInFlightBodyBytes: 16 * 1024 * 1024,
  tcpHeadersTimeoutMs: 10_000,
  tcpRequestTimeoutMs: 30_000,
  tcpIdleTimeoutMs: 5_000,
  bufferMemoryMB: undefined,
  concurrency: 8,
  region: undefined,
  endpoint: undefined,
  resourceArn: undefined,
  roleArn: undefined,
  localMode: false,
  noVerifySSL: false,
  proxyAddress: undefined,
  logLevel: 'prod',
  logPath: undefined,
  logRotation: true,
  batchSize: 50,
  flushIntervalMs: 1000,
  requestTimeoutMs: 2000,
  shutdownTimeoutMs: 10_000,
  socketReceiveBufferBytes: 8 * 1024 * 1024,
  retryWindowMs: 60_000,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 10_000,
  telemetryIntervalMs: 60_000,
  summaryIntervalMs: 60_000,
  storePath: undefined,
  storeMaxSegments: 1_000_000,
  storeMaxMB: 512,
  spoolDirectory: undefined,
  spoolMaxMB: 1024,
  ledgerMaxMB: 2,
  insightsIntervalMs: 10_000,
  otlpAddress: { host: '127.0.0.1', port: DEFAULT_OTLP_PORT },
  otlpUpload: false,
  otlpIndexedAttributes: [],
  otlpIndexAllAttributes: undefined,
  otlpEndpoint: undefined,
  otlpHeaders: {},
  otlpCompression: 'gzip',
};

/** Whether OTLP attributes are all indexed as annotations, for this config (on by default in the local backend). */
export function otlpIndexAll(config: Pick<DaemonConfig, 'otlpIndexAllAttributes' | 'backend'>): boolean {
  return config.otlpIndexAllAttributes ?? config.backend === 'local';
}
