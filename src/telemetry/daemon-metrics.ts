import type { Registry } from 'prom-client';
import type { Counters } from './counters.js';
import type { CredentialState } from '../xray/credential-errors.js';
import type { BackgroundFaults } from '../health/background-faults.js';
import { importFresh, retryingLoader } from '../retrying-loader.js';

/** What the pipeline reports about itself at scrape time (implemented by the buffer/uploader). */
export interface PipelineStats {
  /** Bytes of segment documents held in the buffer now. */
  bufferBytes(): number;
  /** The buffer's budget in bytes (past it, the oldest segments are dropped as spillover). */
  bufferLimitBytes(): number;
  /** Upload requests currently on the wire. */
  batchesInFlight(): number;
}

/** The disk spool's state at scrape time (`SpooledBuffer.stats()`). */
export interface SpoolGaugeStats {
  bytes: number;
  limitBytes: number;
  segments: number;
  oldestAgeSeconds: number;
  writable: boolean;
  corruptBytes: number;
}

export type UploadOutcome = 'success' | 'retryable' | 'failure';

/** The uploader calls this once per PutTraceSegments attempt. */
export interface UploadObserver {
  observe(durationMs: number, outcome: UploadOutcome): void;
}

/** What /metrics serves: the exposition text, from our own registry (never prom-client's global one). */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface DaemonMetrics {
  registry: MetricsSource;
  upload: UploadObserver;
  /** The request guard calls this once per refused request or failed accept (see docs/metrics.md). */
  refused(reason: string): void;
  /**
   * Runs `register` on the prom-client registry once it is loaded (now, if it is): for other
   * components' metrics. `load` (default true) loads it now; false waits for the first upload or scrape.
   */
  withRegistry(register: (registry: Registry) => void, load?: boolean): void;
}

export interface DaemonMetricsDeps {
  counters: Counters;
  stats?: PipelineStats;
  /** The disk spool, when one is configured. */
  spool?: () => SpoolGaugeStats;
  credentials?: { state(): CredentialState };
  /** The TCP listener's load against its limits (src/http/connection-limits.ts). */
  http?: { connections(): number; inFlightBodyBytes(): number };
  /** The same for the OTLP/HTTP listener (`Socket.OTLPAddress`), which has limits of its own. */
  otlpHttp?: { connections(): number; inFlightBodyBytes(): number };
  /** Background failures by component, and the open problems (/healthz `degraded`). */
  faults?: BackgroundFaults;
  /** Process metrics (CPU, memory, event loop lag, GC); on by default, started by the first scrape. */
  processMetrics?: boolean;
}

/** Refusal reasons, pre-set to 0 so dashboards see every series before the first attack. */
const REFUSAL_REASONS = ['host', 'origin', 'sec-fetch-site', 'content-type', 'connections', 'body-bytes', 'accept-failed'];

/** Observations kept while prom-client loads (it loads with the first upload, scrape or registration). */
const MAX_PENDING_OBSERVATIONS = 10_000;

/**
 * The daemon's Prometheus metrics (names documented in docs/metrics.md). prom-client itself is
 * loaded on first use, not at startup: ~50 ms and a few MB that a daemon nobody scrapes never needs.
 * Until then upload durations wait in a bounded list and refusals are counted here.
 */
export function createDaemonMetrics(deps: DaemonMetricsDeps): DaemonMetrics {
  const refusals = new Map(REFUSAL_REASONS.map((r) => [r, 0]));
  const pending: [number, UploadOutcome][] = [];
  const registrations: ((registry: Registry) => void)[] = [];
  let loaded: { registry: Registry; upload: UploadObserver } | undefined;
  // A failed load (EMFILE reading the module) is tried again by the next scrape or upload. The first
  // attempt is a plain import() that bundlers (the single executable) resolve and inline; only a retry
  // after a failure, which can only happen unbundled, asks again under a fresh URL.
  const collectors = (attempt: number) =>
    attempt === 0
      ? import('./prom-collectors.js')
      : importFresh<typeof import('./prom-collectors.js')>(new URL('./prom-collectors.js', import.meta.url), attempt);
  const load = retryingLoader((attempt) =>
    collectors(attempt).then(({ buildDaemonRegistry }) => {
      loaded = buildDaemonRegistry(deps, refusals);
      for (const [ms, outcome] of pending.splice(0)) loaded.upload.observe(ms, outcome);
      for (const register of registrations.splice(0)) register(loaded.registry);
      return loaded;
    }),
  );
  /** A load started in the background: a failure is left to the next attempt, never unhandled. */
  const loadSoon = () => void load().catch(() => {});
  return {
    registry: {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      metrics: async () => (await load()).registry.metrics(),
    },
    upload: {
      observe(durationMs, outcome) {
        if (loaded) return loaded.upload.observe(durationMs, outcome);
        if (pending.length >= MAX_PENDING_OBSERVATIONS) pending.shift();
        pending.push([durationMs, outcome]);
        loadSoon();
      },
    },
    refused: (reason) => void refusals.set(reason, (refusals.get(reason) ?? 0) + 1),
    withRegistry(register, loadNow = true) {
      if (loaded) return register(loaded.registry);
      registrations.push(register);
      if (loadNow) loadSoon();
    },
  };
}
