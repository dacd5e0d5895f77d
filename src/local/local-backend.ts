/**
 * The local backend (`--backend local`), built from the config: the bounded trace store (replayed
 * from `storePath` when set, with the API's own state records: groups, tags, rules, settings,
 * policies, insights), the per-minute rollups fed by it, the insight detector, the sink the
 * dispatcher delivers batches to, and the X-Ray API route for the TCP port. No region,
 * credentials or outbound calls.
 */
import { DEFAULTS } from '../config/defaults.js';
import { InsightDetector } from './insights/insight-detector.js';
import { type LocalAccount, createLocalAccount } from './local-account.js';
import { StateStore } from './state/state-store.js';
import { MinuteRollups } from './timeseries/minute-rollups.js';
import type { DaemonConfig } from '../config/config.js';
import type { Route } from '../http/route.js';
import type { Logger } from '../log/logger.js';
import type { BackgroundFaults } from '../health/background-faults.js';
import type { SegmentSink } from '../pipeline/segment-sink.js';
import { createXrayApiRoute } from './api/xray-api-route.js';
import { TelemetryLog, putTelemetryRecords } from './api/trace-write-handlers.js';
import { isObject } from './api/fields.js';
import { LocalStoreSink, type AdotExpand } from './local-store-sink.js';
import { SamplingRules } from './sampling/sampling-rules.js';
import { SamplingTargets } from './sampling/sampling-targets.js';
import { openTraceStore } from './store/open-trace-store.js';
import type { TraceStore } from './store/trace-store.js';

export interface LocalBackend {
  sink: SegmentSink;
  /** The X-Ray API; other routes (console, metrics) go before or after it. */
  routes: Route[];
  describe: Record<string, unknown>;
  store: TraceStore;
  rules: SamplingRules;
  account: LocalAccount;
  detector: InsightDetector;
  telemetry: TelemetryLog;
  /** The daemon's own telemetry records land in `telemetry` too, as if sent to X-Ray. */
  telemetrySend(body: string): Promise<boolean>;
  /** Closes the persistence log (fsync). Idempotent. */
  close(): Promise<void>;
}

export async function createLocalBackend(
  config: Pick<DaemonConfig, 'storePath' | 'storeMaxSegments' | 'storeMaxMB'> & Partial<Pick<DaemonConfig, 'insightsIntervalMs'>>,
  logger: Logger,
  faults?: BackgroundFaults,
  /** Decodes ADOT `T1S`/`T1U` datagram bodies into segment documents (OpenTelemetry intake). */
  expandAdot?: AdotExpand,
  /** Gets the documents written through the X-Ray API's PutTraceSegments (for the OTLP exporter). */
  onApiSegments?: (documents: readonly string[]) => void,
): Promise<LocalBackend> {
  const state = new StateStore();
  const rollups = new MinuteRollups();
  const opened = await openTraceStore({
    maxSegments: config.storeMaxSegments,
    maxMB: config.storeMaxMB,
    path: config.storePath,
    logger,
    faults,
    observers: [rollups],
    onStateRecord: (text) => state.load(text),
    stateTexts: () => state.texts(),
  });
  if (state.unreadable > 0) logger.warn({ unreadable: state.unreadable }, 'store log had unreadable state records; they were skipped');
  if (opened.stateLog) state.attach(opened.stateLog);
  const rules = new SamplingRules({ state });
  const targets = new SamplingTargets(rules);
  const telemetry = new TelemetryLog();
  const account = createLocalAccount({ store: opened.store, rules, state, rollups });
  const detector = new InsightDetector(opened.store, account.groups, account.insights, logger.child({ component: 'insights' }), {
    intervalMs: config.insightsIntervalMs ?? DEFAULTS.insightsIntervalMs,
    fault: faults?.component('insights', 'insight detection failed; retrying on the next tick'),
    rollups,
  });
  detector.start();
  const route = createXrayApiRoute({ store: opened.store, rules, targets, telemetry, logger, account, onSegmentsStored: onApiSegments });
  return {
    sink: new LocalStoreSink(opened.store, expandAdot),
    routes: [route],
    // A getter: the daemon's health answer spreads it, so the store numbers are current.
    get describe() {
      return {
        storePath: config.storePath ?? null,
        storeMaxSegments: config.storeMaxSegments,
        storeMaxMB: config.storeMaxMB,
        store: opened.store.stats(),
      };
    },
    store: opened.store,
    rules,
    account,
    detector,
    telemetry,
    telemetrySend: async (body) => {
      try {
        const parsed: unknown = JSON.parse(body);
        if (!isObject(parsed)) return false;
        putTelemetryRecords(telemetry, parsed, Date.now());
        return true;
      } catch {
        return false;
      }
    },
    close: () => {
      detector.stop();
      return opened.close();
    },
  };
}
