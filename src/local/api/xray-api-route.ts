/**
 * The local backend's X-Ray API on the daemon's TCP port: all 38 operations at X-Ray's paths
 * (rest-json: POST, JSON bodies, epoch-second timestamps), wire-compatible with
 * `@aws-sdk/client-xray` and `aws xray --endpoint-url`. Signed and unsigned requests are both
 * accepted (the signature is not checked: the port is meant for localhost). Errors carry X-Ray's
 * shape (`x-amzn-ErrorType` + `{__type, Message}`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Route, sendJson } from '../../http/route.js';
import { type Logger, silentLogger } from '../../log/logger.js';
import type { SamplingRules } from '../sampling/sampling-rules.js';
import type { SamplingTargets } from '../sampling/sampling-targets.js';
import type { TraceStore } from '../store/trace-store.js';
import type { JsonObject } from './fields.js';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './read-json-body.js';
import { RawJson } from './raw-json.js';
import * as sampling from './sampling-handlers.js';
import * as reads from './trace-read-handlers.js';
import { DEFAULT_READ_LIMITS, type ReadContext, type ReadLimits } from './trace-read-handlers.js';
import { TelemetryLog, putTelemetryRecords, putTraceSegments } from './trace-write-handlers.js';
import { XrayApiError, sendXrayError } from './xray-api-error.js';
import type { XrayReads } from './xray-reads.js';
import { defaultReads } from './default-reads.js';
import { type LocalAccount, createLocalAccount } from '../local-account.js';
import * as groups from './group-handlers.js';
import * as tags from './tag-handlers.js';
import * as settings from './settings-handlers.js';
import { getTimeSeriesServiceStatistics } from './time-series-handlers.js';
import * as insights from './insight-handlers.js';
import * as retrieval from './retrieval-handlers.js';

export interface XrayApiDeps {
  store: TraceStore;
  rules: SamplingRules;
  targets: SamplingTargets;
  /** Groups, tags, settings, policies, rollups, insights (default: a new memory-only account). */
  account?: LocalAccount;
  /** Summary and graph builders (default: src/local/reads/). */
  reads?: XrayReads;
  /** Where PutTelemetryRecords keeps recent records (default: a new one holding 100). */
  telemetry?: TelemetryLog;
  /** Gets the documents PutTraceSegments stored (the daemon exports them over OTLP). */
  onSegmentsStored?: (documents: readonly string[]) => void;
  logger?: Logger;
  /** Request body cap (default 5 MiB; X-Ray's own limit is lower). Larger -> 413. */
  maxBodyBytes?: number;
  /** Deadline for receiving the body (default 10 s) -> 408. */
  bodyTimeoutMs?: number;
  limits?: Partial<ReadLimits>;
  rulesPerPage?: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /**
   * Answer every request no other route claimed with a 404 in X-Ray's shape. Set it when this
   * route is the last in the server's list; otherwise only the operation paths are claimed.
   */
  claimUnknownPaths?: boolean;
}

type Handler = (body: JsonObject) => object;

export { DEFAULT_MAX_BODY_BYTES };

export function createXrayApiRoute(deps: XrayApiDeps): Route {
  const logger = (deps.logger ?? silentLogger).child({ component: 'local-api' });
  const now = deps.now ?? Date.now;
  const telemetry = deps.telemetry ?? new TelemetryLog();
  const account = deps.account ?? createLocalAccount({ store: deps.store, rules: deps.rules, now });
  const readReads = deps.reads ?? defaultReads;
  const readCtx: ReadContext = { store: deps.store, reads: readReads, limits: { ...DEFAULT_READ_LIMITS, ...deps.limits }, now, groups: account.groups };
  const samplingCtx: sampling.SamplingContext = { rules: deps.rules, targets: deps.targets, rulesPerPage: deps.rulesPerPage ?? 100, tags: account.tags };
  const groupCtx: groups.GroupContext = { groups: account.groups, tags: account.tags, groupsPerPage: 100 };
  const settingsCtx: settings.SettingsContext = account;
  const insightCtx: insights.InsightContext = { ...account, store: deps.store, graphMaxTraces: readCtx.limits.graphMaxTraces, now };
  const retrievalCtx: retrieval.RetrievalContext = { retrievals: account.retrievals, reads: readReads, otelSpans: account.otelSpans };
  const bodyLimits = { maxBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, timeoutMs: deps.bodyTimeoutMs ?? 10_000 };

  const operations = new Map<string, Handler>([
    ['/TraceSegments', (b) => putTraceSegments(deps.store, b, deps.onSegmentsStored)],
    ['/TelemetryRecords', (b) => putTelemetryRecords(telemetry, b, now())],
    ['/Traces', (b) => reads.batchGetTraces(readCtx, b)],
    ['/TraceSummaries', (b) => reads.getTraceSummaries(readCtx, b)],
    ['/ServiceGraph', (b) => reads.getServiceGraph(readCtx, b)],
    ['/TraceGraph', (b) => reads.getTraceGraph(readCtx, b)],
    ['/GetSamplingRules', (b) => sampling.getSamplingRules(samplingCtx, b)],
    ['/SamplingTargets', (b) => sampling.getSamplingTargets(samplingCtx, b)],
    ['/CreateSamplingRule', (b) => sampling.createSamplingRule(samplingCtx, b)],
    ['/UpdateSamplingRule', (b) => sampling.updateSamplingRule(samplingCtx, b)],
    ['/DeleteSamplingRule', (b) => sampling.deleteSamplingRule(samplingCtx, b)],
    ['/SamplingStatisticSummaries', (b) => sampling.getSamplingStatisticSummaries(samplingCtx, b)],
    ['/CreateGroup', (b) => groups.createGroup(groupCtx, b)],
    ['/GetGroup', (b) => groups.getGroup(groupCtx, b)],
    ['/Groups', (b) => groups.getGroups(groupCtx, b)],
    ['/UpdateGroup', (b) => groups.updateGroup(groupCtx, b)],
    ['/DeleteGroup', (b) => groups.deleteGroup(groupCtx, b)],
    ['/TagResource', (b) => tags.tagResource(account.tags, b)],
    ['/UntagResource', (b) => tags.untagResource(account.tags, b)],
    ['/ListTagsForResource', (b) => tags.listTagsForResource(account.tags, b)],
    ['/TimeSeriesServiceStatistics', (b) => getTimeSeriesServiceStatistics(account, b)],
    ['/EncryptionConfig', () => settings.getEncryptionConfig(settingsCtx)],
    ['/PutEncryptionConfig', (b) => settings.putEncryptionConfig(settingsCtx, b)],
    ['/GetIndexingRules', (b) => settings.getIndexingRules(settingsCtx, b)],
    ['/UpdateIndexingRule', (b) => settings.updateIndexingRule(settingsCtx, b)],
    ['/GetTraceSegmentDestination', () => settings.getTraceSegmentDestination(settingsCtx)],
    ['/UpdateTraceSegmentDestination', (b) => settings.updateTraceSegmentDestination(settingsCtx, b)],
    ['/PutResourcePolicy', (b) => settings.putResourcePolicy(settingsCtx, b)],
    ['/ListResourcePolicies', (b) => settings.listResourcePolicies(settingsCtx, b)],
    ['/DeleteResourcePolicy', (b) => settings.deleteResourcePolicy(settingsCtx, b)],
    ['/StartTraceRetrieval', (b) => retrieval.startTraceRetrieval(retrievalCtx, b)],
    ['/ListRetrievedTraces', (b) => retrieval.listRetrievedTraces(retrievalCtx, b)],
    ['/GetRetrievedTracesGraph', (b) => retrieval.getRetrievedTracesGraph(retrievalCtx, b)],
    ['/CancelTraceRetrieval', (b) => retrieval.cancelTraceRetrieval(retrievalCtx, b)],
    ['/InsightSummaries', (b) => insights.getInsightSummaries(insightCtx, b)],
    ['/Insight', (b) => insights.getInsight(insightCtx, b)],
    ['/InsightEvents', (b) => insights.getInsightEvents(insightCtx, b)],
    ['/InsightImpactGraph', (b) => insights.getInsightImpactGraph(insightCtx, b)],
  ]);

  const fail = (res: ServerResponse, err: unknown, op: string): void => {
    if (res.headersSent) return;
    if (err instanceof XrayApiError) {
      // An unread body (too large, too slow) is not drained: the connection is closed instead.
      const close: Record<string, string> = err.status === 413 || err.status === 408 ? { connection: 'close' } : {};
      sendXrayError(res, err, close);
      return;
    }
    logger.error({ err, op }, 'local X-Ray API operation failed');
    sendXrayError(res, new XrayApiError('InternalFailure', 500, 'internal error'));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, op: string, handler: Handler): Promise<void> => {
    try {
      const body = await readJsonBody(req, bodyLimits);
      const out = handler(body);
      if (out instanceof RawJson) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out.text) });
        res.end(out.text);
      } else sendJson(res, 200, out);
    } catch (err) {
      fail(res, err, op);
    }
  };

  return (req, res, url) => {
    const handler = operations.get(url.pathname);
    if (handler && req.method === 'POST') {
      return handle(req, res, url.pathname, handler).then(() => true);
    }
    if (handler || deps.claimUnknownPaths) {
      req.resume();
      const what = handler ? `${req.method} ${url.pathname} (operations are POST)` : `${req.method} ${url.pathname}`;
      sendXrayError(res, new XrayApiError('UnknownOperationException', 404, `unknown operation: ${what}`));
      return true;
    }
    return false;
  };
}
