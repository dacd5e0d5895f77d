/**
 * The local backend (`--backend local`), built from the config: the bounded trace store (replayed
 * from `storePath` when set), the sink the dispatcher delivers batches to, and the X-Ray API route
 * for the TCP port. No region, credentials or outbound calls.
 */
import type { DaemonConfig } from '../config/config.js';
import type { Route } from '../http/route.js';
import type { Logger } from '../log/logger.js';
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
  telemetry: TelemetryLog;
  /** The daemon's own telemetry records land in `telemetry` too, as if sent to X-Ray. */
  telemetrySend(body: string): Promise<boolean>;
  /** Closes the persistence log (fsync). Idempotent. */
  close(): Promise<void>;
}

export async function createLocalBackend(
  config: Pick<DaemonConfig, 'storePath' | 'storeMaxSegments' | 'storeMaxMB'>,
  logger: Logger,
  /** Decodes ADOT `T1S`/`T1U` datagram bodies into segment documents (OpenTelemetry intake). */
  expandAdot?: AdotExpand,
): Promise<LocalBackend> {
  const opened = await openTraceStore({ maxSegments: config.storeMaxSegments, maxMB: config.storeMaxMB, path: config.storePath, logger });
  const rules = new SamplingRules();
  const targets = new SamplingTargets(rules);
  const telemetry = new TelemetryLog();
  const route = createXrayApiRoute({ store: opened.store, rules, targets, telemetry, logger });
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
    close: () => opened.close(),
  };
}
