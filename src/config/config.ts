/**
 * The daemon's one typed configuration object. Every duration and size carries its unit in its name.
 * Defaults live in `defaults.ts`; loading and merging (flags > file > env > defaults) in `load-config.ts`.
 */
import type { AllowedHosts } from '../http/host-names.js';

export type LogLevelName = 'dev' | 'debug' | 'info' | 'warn' | 'error' | 'prod';
export type BackendKind = 'aws' | 'local';
export type UdpReceiverKind = 'auto' | 'native' | 'dgram';

export interface HostPort {
  host: string;
  port: number;
}

export interface DaemonConfig {
  /** Where segments go: X-Ray (`aws`) or the embedded store (`local`). */
  backend: BackendKind;
  udpAddress: HostPort;
  /** How UDP datagrams are read: `native` (recvmmsg batches, Linux), `dgram` (node:dgram), `auto` = native when it loads. */
  udpReceiver: UdpReceiverKind;
  tcpAddress: HostPort;
  /**
   * Host names the TCP port answers besides localhost, *.localhost and IP literals (DNS rebinding
   * protection); `.domain` = the domain and its subdomains; `*` = any name.
   */
  allowedHosts: AllowedHosts;
  /** TCP surface bounds (README "Security"): past them 503 + Retry-After. */
  tcpMaxConnections: number;
  tcpMaxInFlightBodyBytes: number;
  /** Slow clients: complete request headers within this... */
  tcpHeadersTimeoutMs: number;
  /** ...the whole request within this... */
  tcpRequestTimeoutMs: number;
  /** ...and an idle keep-alive connection is closed after this. */
  tcpIdleTimeoutMs: number;
  /** Segment buffer budget; `undefined` = 1% of the memory this process may use (cgroup-aware), min 3 MB. */
  bufferMemoryMB: number | undefined;
  /** Concurrent PutTraceSegments requests. */
  concurrency: number;
  region: string | undefined;
  /** X-Ray endpoint override (e.g. a VPC endpoint or a test server). */
  endpoint: string | undefined;
  resourceArn: string | undefined;
  roleArn: string | undefined;
  /** Skip EC2/ECS metadata lookups. */
  localMode: boolean;
  noVerifySSL: boolean;
  proxyAddress: string | undefined;
  logLevel: LogLevelName;
  logPath: string | undefined;
  logRotation: boolean;
  /** Documents per PutTraceSegments call (X-Ray accepts at most 50). */
  batchSize: number;
  /** A partial batch leaves after this long. */
  flushIntervalMs: number;
  requestTimeoutMs: number;
  /** Overall deadline for a graceful shutdown. */
  shutdownTimeoutMs: number;
  /** SO_RCVBUF asked of the kernel for the UDP socket, so bursts are not lost before we read them. */
  socketReceiveBufferBytes: number;
  /** How long an upload is retried before its batch is given up (issue 3). */
  retryWindowMs: number;
  /** Backoff: the first retry waits about this long, doubling per consecutive failure... */
  retryBaseDelayMs: number;
  /** ...up to this cap (a Retry-After from X-Ray may ask for longer and is honoured). */
  retryMaxDelayMs: number;
  /** PutTelemetryRecords interval; 0 disables telemetry. */
  telemetryIntervalMs: number;
  /** Period of the info-level summary log line; 0 disables it. */
  summaryIntervalMs: number;
  /** Local backend: persistence file (append-only log); undefined = memory only. */
  storePath: string | undefined;
  /** Local backend limits: whole oldest traces are evicted past either. */
  storeMaxSegments: number;
  storeMaxMB: number;
  /** Disk spool (aws backend): segments not delivered promptly wait here across outages and restarts; undefined = none. */
  spoolDirectory: string | undefined;
  /** The spool's limit; past it, the oldest undelivered segments are dropped (counted as spool-full). */
  spoolMaxMB: number;
  /** The trace ledger behind /debug/traces (fixed rings of 40-byte events); 0 disables it. */
  ledgerMaxMB: number;
  /** Local backend: how often the insight detector looks at groups with insights enabled; 0 disables it. */
  insightsIntervalMs: number;
  /** OTLP/HTTP receiver (`POST /v1/traces`); undefined = off. */
  otlpAddress: HostPort | undefined;
  /** AWS backend: send OTLP spans to X-Ray's OTLP endpoint (SigV4) instead of translating them to segments. */
  otlpUpload: boolean;
  /** OTLP span attributes that become annotations (the rest are metadata). */
  otlpIndexedAttributes: string[];
  /** Every scalar OTLP attribute becomes an annotation; undefined = on for the local backend, off for aws. */
  otlpIndexAllAttributes: boolean | undefined;
  /** OTLP exporter: base URL of an OTLP/HTTP receiver (spans go to `<url>/v1/traces`); undefined = off. */
  otlpEndpoint: string | undefined;
  /** Extra HTTP headers on every OTLP export request (e.g. an API key). */
  otlpHeaders: Record<string, string>;
  /** Body compression of OTLP export requests. */
  otlpCompression: OtlpCompression;
}

export type OtlpCompression = 'gzip' | 'none';
