import type { Dispatcher as UndiciDispatcher } from 'undici';
import type { DaemonConfig } from './config/config.js';
import { bufferBudgetBytes } from './config/buffer-size.js';
import type { Logger } from './log/logger.js';
import { Counters } from './telemetry/counters.js';
import { SegmentBuffer } from './pipeline/segment-buffer.js';
import { Dispatcher } from './pipeline/dispatcher.js';
import type { SegmentSink } from './pipeline/segment-sink.js';
import { UdpReceiver } from './ingest/udp-receiver.js';
import { TcpServer } from './http/tcp-server.js';
import { createHealthRoute, createReadyRoute } from './http/health-route.js';
import { HealthRegistry } from './health/component-health.js';
import { BackgroundFaults } from './health/background-faults.js';
import type { Route } from './http/route.js';
import { XrayUploader } from './upload/xray-uploader.js';
import { putInThread } from './upload/xray-uploader.js';
import { XrayClient } from './xray/xray-client.js';
import { XraySigner } from './xray/signer.js';
import { createCredentialSource } from './xray/credentials.js';
import { xrayEndpointFor } from './xray/endpoint.js';
import { resolveRegion } from './xray/region.js';
import { describeProxyPlan, proxyPlan } from './xray/proxy-plan.js';
import { UndiciTransport } from './xray/http-transport.js';
import { SocketTransport } from './xray/socket-transport.js';
import { regionSources } from './xray/discovery/region-sources.js';
import { ImdsClient, imdsOptionsFromEnv } from './xray/discovery/imds-client.js';
import { discoverIdentity, type HostIdentity } from './xray/discovery/identity.js';
import { CredentialHealth, type CredentialState } from './xray/credential-errors.js';
import { createSamplingProxyRoute, SAMPLING_PROXY_DEFAULTS } from './proxy/sampling-proxy.js';
// the constant alone: the local API's modules load only with --backend local
import { DEFAULT_MAX_BODY_BYTES } from './local/api/body-limit.js';
import { isLoopbackAddress } from './http/host-names.js';
import { listenerGuardOptions } from './http/listener-guard-options.js';
import { formatHostPort } from './config/address.js';
import { createDaemonMetrics, type DaemonMetrics } from './telemetry/daemon-metrics.js';
import { createMetricsRoute } from './telemetry/metrics-route.js';
import { userAgent } from './version.js';
import { EpisodeWarning } from './log/episode-warning.js';
import { spoolLimits } from './spool/spool-options.js';
import { SummaryLog } from './telemetry/summary-log.js';
import { TelemetryReporter, type TelemetryIdentity, type TelemetrySend } from './telemetry/telemetry-reporter.js';
import os from 'node:os';
import type { SpooledBuffer } from './spool/spooled-buffer.js';
import { NO_RECORDER, TraceRecorder, type LedgerRecorder } from './ledger/ledger-recorder.js';
import { TraceLedger } from './ledger/trace-ledger.js';
import { createDebugRoute } from './ledger/debug-route.js';
import { otlpIndexAll } from './config/defaults.js';
import { OtlpStats, registerOtlpMetrics } from './otlp/otlp-stats.js';
import type { OtlpIntake } from './otlp/otlp-intake.js';
import type { OtlpHttpReceiver } from './otlp/otlp-http-receiver.js';
import type { TranslateOptions } from './otlp/otlp-to-xray.js';
import type { OtlpExport } from './export/create-otlp-export.js';

/** While credentials fail, they are fetched again this often even with no upload to make. */
const CREDENTIAL_PROBE_INTERVAL_MS = 30_000;

export interface DaemonDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

/** The OTLP receiver's modules, loaded by `Daemon.create` only when `--otlp-address` is set. */
type OtlpIntakeModules = [typeof import('./otlp/otlp-intake.js'), typeof import('./otlp/otlp-http-receiver.js')];

/** What the backends report their background failures into (/healthz, /readyz, /metrics). */
interface BackendDeps extends DaemonDeps {
  faults: BackgroundFaults;
}

/** What the backend-specific part contributes: where batches go, extra TCP routes, cleanup. */
interface Backend {
  sink: SegmentSink;
  routes: Route[];
  describe: Record<string, unknown>;
  /** PutTelemetryRecords, where the backend has one (X-Ray). */
  telemetrySend?: TelemetrySend;
  /** Instance id and hostname from EC2 metadata, for telemetry (resolves in the background). */
  identity?: Promise<HostIdentity>;
  /** Credential state, for /healthz and /metrics (X-Ray backend). */
  credentials?: { state(): CredentialState };
  close(): Promise<void>;
}

/**
 * The composition root: builds every component from the config, starts them downstream-first
 * (sink, dispatcher, TCP, UDP) and stops them upstream-first under one deadline.
 */
export class Daemon {
  readonly counters = new Counters();
  readonly buffer: SegmentBuffer | SpooledBuffer;
  /** The disk spool (aws backend with Spool.Directory), which then is the buffer. */
  readonly spool: SpooledBuffer | undefined;
  /** The trace ledger and intake log (undefined when Ledger.MaxMB is 0). */
  readonly traceRecorder: TraceRecorder | undefined;
  private readonly recorder: LedgerRecorder;
  readonly dispatcher: Dispatcher;
  readonly udp: UdpReceiver;
  readonly tcp: TcpServer;
  /** The OTLP/HTTP receiver; undefined when `Socket.OTLPAddress` is off. */
  readonly otlp: OtlpHttpReceiver | undefined;
  private readonly otlpIntake: OtlpIntake | undefined;
  private otlpStartError: string | undefined;
  private readonly summary: SummaryLog;
  private readonly flushSpillWarning: () => void;
  readonly telemetry: TelemetryReporter | undefined;
  readonly metrics: DaemonMetrics;
  /** Background components' problems, for /healthz and /readyz (the registry behind `faults`). */
  readonly componentHealth: HealthRegistry;
  /** The OTLP exporter (`--otlp-endpoint`): a second pipeline fed the same documents. */
  readonly otlpExport: OtlpExport | undefined;
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: DaemonConfig,
    private readonly backend: Backend,
    private readonly logger: Logger,
    env: NodeJS.ProcessEnv,
    readonly otlpStats: OtlpStats,
    /** Background failures by component: /healthz, /readyz and /metrics read them. */
    readonly faults: BackgroundFaults,
    otlp?: typeof import('./export/create-otlp-export.js'),
    intakeModules?: OtlpIntakeModules,
    spoolModule?: typeof import('./spool/spooled-buffer.js'),
  ) {
    const { counters } = this;
    this.componentHealth = faults.health;
    this.traceRecorder =
      config.ledgerMaxMB > 0 ? new TraceRecorder(new TraceLedger(config.ledgerMaxMB * 1024 * 1024), config.backend === 'aws' ? 'accepted by X-Ray' : 'stored locally') : undefined;
    const recorder = (this.recorder = this.traceRecorder ?? NO_RECORDER);
    const spillWarning = new EpisodeWarning(logger.child({ component: 'buffer' }), 'segment buffer full: oldest segments dropped (spillover)');
    const memoryBytes = bufferBudgetBytes(config.bufferMemoryMB);
    const spoolAt = spoolLimits(config);
    if (spoolModule && spoolAt.xray) {
      this.spool = this.buffer = spoolModule.SpooledBuffer.open({
        ...spoolAt.xray,
        memoryLimitBytes: memoryBytes,
        counters,
        recorder,
        health: this.componentHealth.component('spool'),
        logger: logger.child({ component: 'spool' }),
      });
    } else {
      if (config.spoolDirectory && !spoolAt.otlpExport) {
        logger.warn({ spoolDirectory: config.spoolDirectory }, 'Spool.Directory is used by the aws backend and the OTLP export only; the local backend keeps traces with Store.Path');
      }
      this.spool = undefined;
      this.buffer = new SegmentBuffer(
        memoryBytes,
        (n) => {
          counters.spillover(n, this.stopping ? 'shutdown' : 'buffer-full');
          spillWarning.add(n, { limitBytes: this.buffer.limitBytes, hint: 'raise -m/TotalBufferSizeMB or check the backend' });
        },
        undefined, // the buffer's own (monotonic) clock
        this.traceRecorder ? (text) => recorder.dropped(text, this.stopping ? 'shutdown' : 'buffer-full') : undefined,
      );
    }
    this.flushSpillWarning = () => spillWarning.flush();
    this.dispatcher = new Dispatcher({
      buffer: this.buffer,
      sink: backend.sink,
      counters,
      logger: logger.child({ component: 'dispatcher' }),
      batchSize: config.batchSize,
      flushIntervalMs: config.flushIntervalMs,
      concurrency: config.concurrency,
      // with a spool a batch is never given up: it waits (on disk if memory is short) until delivered
      retryWindowMs: this.spool ? Number.MAX_SAFE_INTEGER : config.retryWindowMs,
      retryBaseDelayMs: config.retryBaseDelayMs,
      retryMaxDelayMs: config.retryMaxDelayMs,
      // two tries (a credential refresh retries once), each under the request timeout, plus time to fetch credentials
      attemptDeadlineMs: 2 * config.requestTimeoutMs + 10_000,
      onAttempt: (outcome, durationMs) => this.metrics.upload.observe(durationMs, outcome.status),
      health: faults.component('upload', 'uploads are failing (an attempt hung past its deadline, or the backend has failed for longer than the retry window): segments are retried, and dropped once their window closes', logger.child({ component: 'dispatcher' })),
      onOutcome: this.traceRecorder ? (docs, outcome, expired) => recorder.outcome(docs, outcome, expired) : undefined,
      // at shutdown with X-Ray failing, what is held goes to the spool at once instead of waiting out the deadline
      drainStopsOnFailure: this.spool !== undefined,
    });
    this.udp = new UdpReceiver({
      address: config.udpAddress,
      kind: config.udpReceiver,
      receiveBufferBytes: config.socketReceiveBufferBytes,
      logger: logger.child({ component: 'udp' }),
      onReceived: () => counters.received(),
      onRejected: (reason, datagram) => {
        counters.rejected(1, reason);
        recorder.rejected(datagram, reason);
      },
      faults: faults.component('udp', 'UDP socket error', logger.child({ component: 'udp' })),
      // the document stays the datagram's bytes: it is escaped into the request body once, never decoded
      onDocument: (body) => {
        recorder.received(body);
        this.buffer.push(body, body.length);
        this.dispatcher.notify();
        this.otlpExport?.push(body);
      },
    });
    this.metrics = createDaemonMetrics({
      counters,
      stats: {
        bufferBytes: () => this.buffer.usedBytes,
        bufferLimitBytes: () => this.buffer.limitBytes,
        batchesInFlight: () => this.dispatcher.inFlight,
      },
      spool: this.spool ? () => this.spool!.stats() : undefined,
      credentials: backend.credentials,
      http: { connections: () => this.tcp.limits.connections, inFlightBodyBytes: () => this.tcp.limits.inFlightBodyBytes },
      otlpHttp: { connections: () => this.otlp?.limits.connections ?? 0, inFlightBodyBytes: () => this.otlp?.limits.inFlightBodyBytes ?? 0 },
      faults,
    });
    const debug = createDebugRoute(this.traceRecorder, {
      spool: () => this.spool?.stats() ?? null,
      counters: () => ({ ...this.counters.snapshot(), droppedByReason: counters.dropsByReason(), rejectedByReason: counters.rejectionsByReason() }),
    });
    const exportSpool = spoolModule && spoolAt.otlpExport ? { ...spoolAt.otlpExport, open: spoolModule.SpooledBuffer.open } : undefined;
    this.otlpExport = otlp?.createOtlpExport(config, { logger, env, health: this.componentHealth, metrics: this.metrics, spool: exportSpool });
    // OTLP series join the registry when it loads (first upload or scrape), without loading it now
    this.metrics.withRegistry((registry) => registerOtlpMetrics(registry, otlpStats), false);
    if (config.otlpAddress && intakeModules) {
      const [{ OtlpIntake }, { MAX_OTLP_BODY_BYTES, OtlpHttpReceiver }] = intakeModules;
      const otlpLogger = logger.child({ component: 'otlp' });
      const mode = config.backend === 'local' ? 'local' : config.otlpUpload ? 'upload' : 'segments';
      this.otlpIntake = new OtlpIntake(
        mode,
        otlpTranslateOptions(config),
        (text) => {
          this.buffer.push(text, Buffer.byteLength(text));
          this.dispatcher.notify();
        },
        otlpStats,
        counters,
        otlpLogger,
      );
      const intake = this.otlpIntake;
      this.otlp = new OtlpHttpReceiver({
        address: config.otlpAddress,
        logger: otlpLogger,
        stats: otlpStats,
        accept: (request) => {
          this.otlpExport?.pushOtlp(request); // the exporter sends spans on as they came
          return intake.accept(request);
        },
        onMalformed: () => counters.rejected(),
        guarded: {
          ...listenerGuardOptions(config, MAX_OTLP_BODY_BYTES),
          onRefused: (reason) => this.metrics.refused(reason),
          health: this.componentHealth.component('otlp'),
        },
      });
    }
    this.tcp = new TcpServer(
      config.tcpAddress,
      // /debug before the backend's routes: the sampling proxy would forward it to X-Ray
      [createHealthRoute(() => this.health()), createReadyRoute(() => this.health()), createMetricsRoute(this.metrics.registry), debug, ...backend.routes],
      logger.child({ component: 'tcp' }),
      {
        ...listenerGuardOptions(config, config.backend === 'local' ? DEFAULT_MAX_BODY_BYTES : SAMPLING_PROXY_DEFAULTS.maxBodyBytes),
        onRefused: (reason) => this.metrics.refused(reason),
        health: this.componentHealth.component('tcp'),
      },
    );
    // env/OS values until EC2 metadata answers (the reporter reads the object at send time)
    const identity: TelemetryIdentity = {
      hostname: env.AWS_HOSTNAME || os.hostname(),
      instanceId: env.AWS_INSTANCE_ID || undefined,
      resourceArn: config.resourceArn,
    };
    backend.identity?.then(
      (found) => {
        identity.hostname = found.hostname ?? identity.hostname;
        identity.instanceId = found.instanceId ?? identity.instanceId;
        logger.debug({ hostname: identity.hostname, instanceId: identity.instanceId }, 'telemetry identity');
      },
      (err: unknown) => {
        // discovery is best effort: telemetry keeps the env/OS values
        faults.count('discovery');
        logger.warn({ err }, 'could not discover the instance identity; telemetry uses the hostname');
      },
    );
    this.telemetry = backend.telemetrySend
      ? new TelemetryReporter(counters, backend.telemetrySend, identity, config.telemetryIntervalMs, logger.child({ component: 'telemetry' }), Date.now, () =>
          faults.count('telemetry'),
        )
      : undefined;
    this.summary = new SummaryLog(counters, () => this.buffer.usedBytes, config.summaryIntervalMs, logger.child({ component: 'summary' }));
  }

  static async create(config: DaemonConfig, deps: DaemonDeps): Promise<Daemon> {
    const faults = new BackgroundFaults(new HealthRegistry(), deps.logger);
    const otlpStats = new OtlpStats();
    const backendDeps = { ...deps, faults };
    // segments written through the local X-Ray API are exported like UDP ones; the daemon exists
    // before the TCP port opens, so no request can arrive while `daemon` is unset
    let daemon: Daemon | undefined;
    const exportApiSegments = (documents: readonly string[]) => {
      for (const text of documents) daemon?.otlpExport?.push(text);
    };
    const backend =
      config.backend === 'local' ? await createLocalConsoleBackend(config, backendDeps, otlpStats, exportApiSegments) : await createAwsBackend(config, backendDeps);
    // the exporter (and the HTTP client it brings) only when it is configured
    const otlp = config.otlpEndpoint ? await import('./export/create-otlp-export.js') : undefined;
    // the OTLP receiver and its protobuf codec only when it listens
    const intake: OtlpIntakeModules | undefined = config.otlpAddress ? await Promise.all([import('./otlp/otlp-intake.js'), import('./otlp/otlp-http-receiver.js')]) : undefined;
    // the spool only when configured: fewer modules to read at start (a daemon under a low `ulimit -n` starts reliably)
    const spoolAt = spoolLimits(config);
    const spoolModule = spoolAt.xray || spoolAt.otlpExport ? await import('./spool/spooled-buffer.js') : undefined;
    daemon = new Daemon(config, backend, deps.logger, deps.env, otlpStats, faults, otlp, intake, spoolModule);
    return daemon;
  }

  /**
   * /healthz and /readyz: `ok` is liveness (UDP bound, not shutting down; false answers 503);
   * `status` is `degraded` while any background component reports a problem (listed in
   * `problems`), which /readyz turns into 503 while /healthz stays 200.
   */
  health() {
    const ok = this.udp.bound && !this.stopping;
    const problems = this.componentHealth.list();
    return {
      ok,
      status: !ok ? 'unavailable' : problems.length > 0 ? 'degraded' : 'ok',
      problems,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      backend: this.config.backend,
      udpReceiver: this.udp.kind ?? null,
      ...this.backend.describe,
      buffer: { usedBytes: this.buffer.usedBytes, limitBytes: this.buffer.limitBytes },
      inFlightBatches: this.dispatcher.inFlight,
      lastSuccessfulUpload: this.dispatcher.lastSuccessfulUploadAt ? new Date(this.dispatcher.lastSuccessfulUploadAt).toISOString() : null,
      counters: this.counters.snapshot(),
      ...(this.spool ? { spool: this.spool.stats() } : {}),
      otlp: {
        address: this.config.otlpAddress ? formatHostPort(this.otlp?.boundAddress ?? this.config.otlpAddress) : null,
        listening: this.otlp?.listening ?? false,
        ...(this.otlpStartError ? { error: this.otlpStartError } : {}),
        ...this.otlpStats.snapshot(),
      },
      ...(this.otlpExport ? { otlpExport: this.otlpExport.describe() } : {}),
      ...(this.backend.credentials ? { credentials: this.backend.credentials.state() } : {}),
      ...(this.telemetry ? { telemetry: this.telemetry.state() } : {}),
    };
  }

  async start(): Promise<void> {
    await this.tcp.start();
    if (this.spool && !this.spool.isEmpty) this.dispatcher.notify(); // replay what an earlier run left
    this.otlpExport?.resume();
    await this.startOtlp();
    this.warnIfExposed();
    await this.udp.start();
    this.summary.start();
    this.telemetry?.start();
    this.logger.info(
      {
        backend: this.config.backend,
        ...this.backend.describe,
        ...(this.otlpExport ? { otlpExport: this.otlpExport.url.href } : {}),
        bufferLimitBytes: this.buffer.limitBytes,
        concurrency: this.config.concurrency,
        ...(this.spool ? { spoolDirectory: this.config.spoolDirectory, spoolLimitBytes: this.spool.stats().limitBytes } : {}),
        ...this.endpoints(),
      },
      'xrayd started',
    );
  }

  /** Where users reach the daemon (for the start line and its log). */
  endpoints(): { udp: string; http: string; console?: string; traceLookup: string } {
    const tcp = this.tcp.boundAddress ?? this.config.tcpAddress;
    const host = tcp.host === '0.0.0.0' ? '127.0.0.1' : tcp.host === '::' ? '::1' : tcp.host;
    const http = `http://${formatHostPort({ host, port: tcp.port })}`;
    return {
      udp: formatHostPort(this.udp.address ?? this.config.udpAddress),
      http,
      ...(this.config.backend === 'local' ? { console: `${http}/` } : {}),
      traceLookup: `${http}/debug/traces/<traceId>`,
    };
  }

  /**
   * A taken OTLP port (often a local OpenTelemetry Collector on 4318) must not stop the daemon's
   * X-Ray duties: it is logged with what to change and shown in /healthz.
   */
  private async startOtlp(): Promise<void> {
    if (!this.otlp) return;
    try {
      await this.otlp.start();
    } catch (err) {
      const address = formatHostPort(this.config.otlpAddress!);
      this.otlpStartError = `cannot listen on ${address}: ${(err as Error).message}`;
      this.logger.error(
        { err, address },
        `OTLP receiver not started (${this.otlpStartError}); set --otlp-bind / Socket.OTLPAddress to a free address, or "" to turn it off`,
      );
    }
  }

  /**
   * The local backend serves stored traces (URLs, SQL, user ids) and lets callers write and delete
   * sampling rules, without authentication: beyond loopback, anyone who can reach the port can.
   */
  private warnIfExposed(): void {
    const bound = this.tcp.boundAddress;
    if (this.config.backend !== 'local' || !bound || isLoopbackAddress(bound.host)) return;
    this.logger.warn(
      { address: formatHostPort(bound), allowedHosts: this.config.allowedHosts },
      `the local X-Ray API and console listen on ${formatHostPort(bound)}, beyond loopback: anyone who can reach this address can read every stored trace and change sampling rules (no authentication). Bind 127.0.0.1 (-t 127.0.0.1:2000) unless this exposure is intended (e.g. a container whose port is published only to the host)`,
    );
  }

  /** Stops intake, delivers what it holds within the shutdown deadline, then closes. Idempotent. */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    this.logger.info({ heldBytes: this.buffer.usedBytes, deadlineMs: this.config.shutdownTimeoutMs }, 'shutting down: draining buffered segments');
    await Promise.all([this.udp.shutdown(), this.otlp?.shutdown()]);
    this.otlpIntake?.flushWarnings();
    const [{ undelivered }] = await Promise.all([this.dispatcher.drain(this.config.shutdownTimeoutMs), this.otlpExport?.shutdown(this.config.shutdownTimeoutMs)]);
    if (this.spool) this.spool.close(); // what is left stays on disk for the next start (counted and logged there)
    else if (undelivered > 0) {
      this.counters.spillover(undelivered, 'shutdown');
      this.logger.error({ undelivered }, 'shutdown deadline reached before every segment was delivered; these were dropped');
    }
    this.dispatcher.flushWarnings();
    this.flushSpillWarning();
    await this.telemetry?.finish(); // after the final flush, so Sent includes the final batches
    this.summary.stop();
    await this.tcp.shutdown();
    await this.backend.close();
    this.logger.info({ counters: this.counters.snapshot() }, 'xrayd stopped');
  }
}

/** The local backend serves the X-Ray API and, at `/`, the web console built next to it. */
/** How OTLP spans become segments for this config. */
function otlpTranslateOptions(config: DaemonConfig): TranslateOptions {
  return { indexedAttributes: config.otlpIndexedAttributes, indexAllAttributes: otlpIndexAll(config) };
}

async function createLocalConsoleBackend(
  config: DaemonConfig,
  { logger, faults }: BackendDeps,
  otlpStats: OtlpStats,
  onApiSegments: (documents: readonly string[]) => void,
): Promise<Backend> {
  const translate = otlpTranslateOptions(config);
  const [{ adotExpander }, { translateRequest }] = await Promise.all([import('./otlp/adot-datagram.js'), import('./otlp/otlp-to-xray.js')]);
  const expandAdot = adotExpander((request) => translateRequest(request, translate), otlpStats);
  // Loaded on demand: the relay never pays for the store, the filter language or the console, and the local
  // backend's ~90 modules would otherwise be read at start together with everything else (the ESM loader opens
  // them all at once), which a low `ulimit -n` cannot take.
  const [{ createLocalBackend }, { createConsoleRoute }, { builtConsoleFiles }] = await Promise.all([
    import('./local/local-backend.js'),
    import('./console/console-route.js'),
    import('./console/console-files.js'),
  ]);
  const local = await createLocalBackend(config, logger.child({ component: 'local' }), faults, expandAdot, onApiSegments);
  const consoleFiles = builtConsoleFiles();
  if (!consoleFiles.available) logger.warn({ consoleDir: consoleFiles.source }, 'web console not built (run npm run build); the X-Ray API is served without it');
  return {
    sink: local.sink,
    routes: [...local.routes, createConsoleRoute(consoleFiles)],
    get describe() {
      return local.describe; // live store numbers for /healthz
    },
    telemetrySend: (body) => local.telemetrySend(body),
    close: () => local.close(),
  };
}

async function createAwsBackend(config: DaemonConfig, { logger, env, faults }: BackendDeps): Promise<Backend> {
  // one IMDS client for region and identity: an absent IMDS is waited for once
  const imds = new ImdsClient(imdsOptionsFromEnv(env, { localMode: config.localMode }));
  const { region, source } = await resolveRegion(config.region, regionSources(env, { localMode: config.localMode, imds }));
  const endpoint = config.endpoint ?? xrayEndpointFor(region);
  const outbound = { proxyAddress: config.proxyAddress, noVerifySSL: config.noVerifySSL, connections: config.concurrency + 4 };
  const plan = proxyPlan(config.proxyAddress, env); // throws ProxyConfigError for an unusable proxy URL
  // undici (its proxy agent) only when a proxy is set or STS must be reached for -r; else our own sockets
  const needsUndici = Boolean(plan.httpProxy || plan.httpsProxy || config.roleArn);
  const undici = needsUndici ? await import('./xray/http-dispatcher.js') : undefined;
  const dispatcher: UndiciDispatcher | undefined = undici?.createDispatcher(outbound, env);
  const credentialProblem = faults.health.component('credentials');
  // CredentialHealth logs its own episodes (with the fix); the registry shows them in /healthz
  const health = new CredentialHealth(logger.child({ component: 'credentials' }), env, config.roleArn, Date.now, {
    failed: (reason) => {
      faults.count('credentials');
      credentialProblem.fail(reason);
    },
    recovered: () => credentialProblem.recover(),
  });
  const credentials = createCredentialSource({
    region,
    roleArn: config.roleArn,
    health,
    // AssumeRole through the same proxy/TLS settings as uploads
    sts: config.roleArn && dispatcher ? { requestHandler: (await import('./xray/undici-request-handler.js')).createUndiciRequestHandler(dispatcher, config.requestTimeoutMs) } : undefined,
  });
  const transport =
    plan.httpProxy || plan.httpsProxy
      ? new UndiciTransport(dispatcher!, config.requestTimeoutMs)
      : new SocketTransport({ connections: outbound.connections, noVerifySSL: config.noVerifySSL, requestTimeoutMs: config.requestTimeoutMs });
  // every X-Ray call (uploads, telemetry, the sampling proxy) is signed and sent from this thread,
  // over one keep-alive pool: see docs/architecture.md for why there is no upload worker any more
  const xray = new XrayClient({ endpoint, signer: new XraySigner(region, credentials.provider), transport, requestTimeoutMs: config.requestTimeoutMs, userAgent: userAgent(env) });
  const otlpPath = config.otlpUpload ? (await import('./upload/otlp-upload.js')).OTLP_PATH : undefined;
  // /healthz tells the truth before the first upload, and returns to ok by itself once credentials
  // appear even when no segment arrives: fetch at start, then again while they fail (the source
  // caches a success, so this costs nothing once they resolve)
  const probeCredentials = () => {
    if (health.state().status !== 'resolved') credentials.provider().catch(() => {}); // reported by `health`
  };
  probeCredentials();
  const probe = setInterval(probeCredentials, CREDENTIAL_PROBE_INTERVAL_MS);
  probe.unref();
  return {
    sink: new XrayUploader(
      putInThread(xray),
      logger.child({ component: 'uploader' }),
      credentials.invalidate,
      otlpPath ? (body, signal) => xray.post(otlpPath, body, signal, { timestampHeader: false, contentType: 'application/x-protobuf' }) : undefined,
    ),
    routes: [createSamplingProxyRoute({ client: xray, logger })],
    describe: {
      region,
      regionSource: source,
      endpoint,
      ...(plan.httpProxy || plan.httpsProxy ? { proxy: describeProxyPlan(plan) } : {}),
    },
    telemetrySend: async (body) => (await xray.post('/TelemetryRecords', body)).statusCode === 200,
    identity: discoverIdentity(env, { localMode: config.localMode, imds }),
    credentials: health,
    close: async () => {
      clearInterval(probe);
      await xray.close(); // closes the dispatcher too when uploads go through it
      if (!(transport instanceof UndiciTransport)) await dispatcher?.close();
    },
  };
}
