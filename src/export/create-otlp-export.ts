/**
 * Builds the OTLP exporter from the config (undefined when `OTLP.Endpoint` is not set), with its
 * health handle and its metrics in the daemon's registry: the one call daemon.ts makes.
 */
import type { DaemonConfig } from '../config/config.js';
import type { HealthRegistry } from '../health/component-health.js';
import type { Logger } from '../log/logger.js';
import { userAgent } from '../version.js';
import { OtlpExport, type ExportSpool } from './otlp-export.js';
import { registerOtlpExportMetrics } from './otlp-export-metrics.js';
import type { DaemonMetrics, UploadObserver } from '../telemetry/daemon-metrics.js';

export type { OtlpExport } from './otlp-export.js';

export function createOtlpExport(
  config: DaemonConfig,
  deps: { logger: Logger; env: NodeJS.ProcessEnv; health: HealthRegistry; metrics: Pick<DaemonMetrics, 'withRegistry'>; spool?: ExportSpool },
): OtlpExport | undefined {
  if (!config.otlpEndpoint) return undefined;
  let observer: UploadObserver | undefined;
  const exp = new OtlpExport({
    config,
    logger: deps.logger.child({ component: 'otlp-export' }),
    health: deps.health.component('otlp-export'),
    userAgent: userAgent(deps.env),
    onAttempt: (outcome, durationMs) => observer?.observe(durationMs, outcome.status),
    spool: deps.spool,
    spoolHealth: deps.health.component('otlp-export-spool'),
  });
  deps.metrics.withRegistry((registry) => (observer = registerOtlpExportMetrics(registry, exp)));
  return exp;
}
