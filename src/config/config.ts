/**
 * The daemon's one typed configuration object. Every duration and size carries its unit in its name.
 * Defaults live in `defaults.ts`; loading and merging (flags > file > env > defaults) in `load-config.ts`.
 */
export type LogLevelName = 'dev' | 'debug' | 'info' | 'warn' | 'error' | 'prod';
export type BackendKind = 'aws' | 'local';

export interface HostPort {
  host: string;
  port: number;
}

export interface DaemonConfig {
  /** Where segments go: X-Ray (`aws`) or the embedded store (`local`). */
  backend: BackendKind;
  udpAddress: HostPort;
  tcpAddress: HostPort;
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
}
