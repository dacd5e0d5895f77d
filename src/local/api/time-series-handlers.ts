/** GetTimeSeriesServiceStatistics of the local X-Ray API (see src/local/timeseries/). */
import type { Groups } from '../groups/groups.js';
import type { MinuteRollups } from '../timeseries/minute-rollups.js';
import { parseSelector, timeSeriesJson } from '../timeseries/time-series-query.js';
import { RawJson } from './raw-json.js';
import { type JsonObject, optBoolean, optNumber, optString } from './fields.js';
import { resolveGroup } from './group-handlers.js';
import { decodeToken } from './next-token.js';
import { timeWindow } from './time-window.js';
import { invalidRequest } from './xray-api-error.js';

export interface TimeSeriesContext {
  groups: Groups;
  rollups: MinuteRollups;
}

export function getTimeSeriesServiceStatistics(ctx: TimeSeriesContext, body: JsonObject): object {
  const window = timeWindow(body);
  const named = body.GroupName !== undefined || body.GroupARN !== undefined;
  const group = named ? resolveGroup(ctx.groups, body) : undefined;
  const selector = parseSelector(optString(body, 'EntitySelectorExpression', 'EntitySelectorExpression', 500, 1));
  const periodS = optNumber(body, 'Period', 'Period', { integer: true, min: 60 }) ?? 60;
  if (periodS % 60 !== 0) throw invalidRequest('Period must be a multiple of 60 seconds');
  const forecast = optBoolean(body, 'ForecastStatistics') ?? false;
  if (forecast && selector.kind === 'entry') throw invalidRequest('ForecastStatistics needs an EntitySelectorExpression naming a service or an edge');
  decodeToken('timeseries', body.NextToken);
  const scope = ctx.rollups.scope(group && ctx.groups.matcher(group) ? group.GroupName : undefined);
  const list = timeSeriesJson(scope, { ...window, periodS, selector, forecast });
  return new RawJson(`{"TimeSeriesServiceStatistics":${list},"ContainsOldGroupVersions":false}`);
}
