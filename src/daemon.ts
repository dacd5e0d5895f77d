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
import { createHealthRoute } from './http/health-route.js';
import type { Route } from './http/route.js';
import { XrayUploader } from './upload/xray-uploader.js';
import { XrayClient } from './xray/xray-client.js';
import { XraySigner } from './xray/signer.js';
import { createCredentialSource } from './xray/credentials.js';
import { xrayEndpointFor } from './xray/endpoint.js';
import { profileRegionSource, resolveRegion } from './xray/region.js';
import { createDispatcher } from './xray/http-dispatcher.js';
import { userAgent } from './version.js';
import { EpisodeWarning } from './log/episode-warning.js';
import { SummaryLog } from './telemetry/summary-log.js';
import { TelemetryReporter, type TelemetrySend } from './telemetry/telemetry-reporter.js';
import os from 'node:os';

export interface DaemonDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

/** What the backend-specific part contributes: where batches go, extra TCP routes, cleanup. */
interface Backend {
  sink: SegmentSink;
  routes: Route[];
  describe: Record<string, unknown>;
  /** PutTelemetryRecords, where the backend has one (X-Ray). */
  telemetrySend?: TelemetrySend;
  close(): Promise<void>;
}

/**
 * The composition root: builds every component from the config, starts them downstream-first
 * (sink, dispatcher, TCP, UDP) and stops them upstream-first under one deadline.
 */
export class Daemon {
  readonly counters = new Counters();
  readonly buffer: SegmentBuffer;
  readonly dispatcher: Dispatcher;
  readonly udp: UdpReceiver;
  readonly tcp: TcpServer;
  private readonly summary: SummaryLog;
  private readonly flushSpillWarning: () => void;
  readonly telemetry: TelemetryReporter | undefined;
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: DaemonConfig,
    private readonly backend: Backend,
    private readonly logger: Logger,
    env: NodeJS.ProcessEnv,
  ) {
    const { counters } = this;
    const spillWarning = new EpisodeWarning(logger.child({ component: 'buffer' }), 'segment buffer full: oldest segments dropped (spillover)');
    this.buffer = new SegmentBuffer(bufferBudgetBytes(config.bufferMemoryMB), (n) => {
      counters.spillover(n);
      spillWarning.add(n, { limitBytes: this.buffer.limitBytes, hint: 'raise -m/TotalBufferSizeMB or check the backend' });
    });
    this.flushSpillWarning = () => spillWarning.flush();
    this.dispatcher = new Dispatcher({
      buffer: this.buffer,
      sink: backend.sink,
      counters,
      logger: logger.child({ component: 'dispatcher' }),
      batchSize: config.batchSize,
      flushIntervalMs: config.flushIntervalMs,
      concurrency: config.concurrency,
      retryWindowMs: config.retryWindowMs,
      retryBaseDelayMs: config.retryBaseDelayMs,
      retryMaxDelayMs: config.retryMaxDelayMs,
    });
    this.udp = new UdpReceiver({
      address: config.udpAddress,
      receiveBufferBytes: config.socketReceiveBufferBytes,
      logger: logger.child({ component: 'udp' }),
      onReceived: () => counters.received(),
      onRejected: () => counters.rejected(),
      onDocument: (body) => {
        this.buffer.push(body.toString('utf8'), body.length);
        this.dispatcher.notify();
      },
    });
    this.tcp = new TcpServer(config.tcpAddress, [createHealthRoute(() => this.health()), ...backend.routes], logger.child({ component: 'tcp' }));
    this.telemetry = backend.telemetrySend
      ? new TelemetryReporter(
          counters,
          backend.telemetrySend,
          { hostname: env.AWS_HOSTNAME || os.hostname(), instanceId: env.AWS_INSTANCE_ID || undefined, resourceArn: config.resourceArn },
          config.telemetryIntervalMs,
          logger.child({ component: 'telemetry' }),
        )
      : undefined;
    this.summary = new SummaryLog(counters, () => this.buffer.usedBytes, config.summaryIntervalMs, logger.child({ component: 'summary' }));
  }

  static async create(config: DaemonConfig, deps: DaemonDeps): Promise<Daemon> {
    const backend = await createAwsBackend(config, deps);
    return new Daemon(config, backend, deps.logger, deps.env);
  }

  health() {
    return {
      ok: this.udp.bound && !this.stopping,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      backend: this.config.backend,
      ...this.backend.describe,
      buffer: { usedBytes: this.buffer.usedBytes, limitBytes: this.buffer.limitBytes },
      inFlightBatches: this.dispatcher.inFlight,
      lastSuccessfulUpload: this.dispatcher.lastSuccessfulUploadAt ? new Date(this.dispatcher.lastSuccessfulUploadAt).toISOString() : null,
      counters: this.counters.snapshot(),
    };
  }

  async start(): Promise<void> {
    await this.tcp.start();
    await this.udp.start();
    this.summary.start();
    this.telemetry?.start();
    this.logger.info(
      { backend: this.config.backend, ...this.backend.describe, bufferLimitBytes: this.buffer.limitBytes, concurrency: this.config.concurrency },
      'xrayd started',
    );
  }

  /** Stops intake, delivers what it holds within the shutdown deadline, then closes. Idempotent. */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    const deadline = Date.now() + this.config.shutdownTimeoutMs;
    this.logger.info({ heldBytes: this.buffer.usedBytes, deadlineMs: this.config.shutdownTimeoutMs }, 'shutting down: draining buffered segments');
    await this.udp.shutdown();
    const { undelivered } = await this.dispatcher.drain(deadline);
    if (undelivered > 0) {
      this.counters.spillover(undelivered);
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

async function createAwsBackend(config: DaemonConfig, { logger, env }: DaemonDeps): Promise<Backend> {
  const { region, source } = await resolveRegion(config.region, [profileRegionSource(env)]);
  const endpoint = config.endpoint ?? xrayEndpointFor(region);
  const credentials = createCredentialSource({ region, roleArn: config.roleArn });
  const dispatcher: UndiciDispatcher = createDispatcher({
    proxyAddress: config.proxyAddress,
    noVerifySSL: config.noVerifySSL,
    connections: config.concurrency + 4,
  });
  const client = new XrayClient({
    endpoint,
    signer: new XraySigner(region, credentials.provider),
    dispatcher,
    requestTimeoutMs: config.requestTimeoutMs,
    userAgent: userAgent(env),
  });
  return {
    sink: new XrayUploader(client, logger.child({ component: 'uploader' }), credentials.invalidate),
    routes: [],
    describe: { region, regionSource: source, endpoint },
    telemetrySend: async (body) => (await client.post('/TelemetryRecords', body)).statusCode === 200,
    close: () => dispatcher.close(),
  };
}
