/**
 * The local backend's account: everything the X-Ray API keeps besides traces and sampling rules
 * (groups, tags, settings, resource policies, the time-series rollups, insights, retrievals),
 * wired together. Groups with a filter get their own rollup scope, (re)built when they change;
 * a deleted group or rule takes its tags with it.
 */
import { type Group, Groups } from './groups/groups.js';
import { Insights } from './insights/insights.js';
import { TraceRetrievals } from './retrieval/trace-retrievals.js';
import type { SamplingRules } from './sampling/sampling-rules.js';
import { LOCAL_ARN_PREFIX } from './sampling/sampling-rules.js';
import { AccountSettings } from './settings/account-settings.js';
import { ResourcePolicies } from './settings/resource-policies.js';
import { StateStore } from './state/state-store.js';
import type { TraceStore } from './store/trace-store.js';
import { Tags } from './tags/tags.js';
import { MinuteRollups } from './timeseries/minute-rollups.js';
import type { OtelSpans } from './api/retrieval-handlers.js';
import { otelSpans } from './retrieval/otel-spans.js';

export interface LocalAccount {
  state: StateStore;
  groups: Groups;
  tags: Tags;
  settings: AccountSettings;
  policies: ResourcePolicies;
  rollups: MinuteRollups;
  insights: Insights;
  retrievals: TraceRetrievals;
  otelSpans?: OtelSpans;
}

export interface LocalAccountOptions {
  store: TraceStore;
  rules: SamplingRules;
  /** ListRetrievedTraces' OTEL format (default: the X-Ray -> OTLP translator). */
  otelSpans?: OtelSpans;
  /** Already holding replayed state (default: a new, memory-only one). */
  state?: StateStore;
  /** Already observing the store since before it was filled (default: attached now). */
  rollups?: MinuteRollups;
  now?: () => number;
  arnPrefix?: string;
}

export function createLocalAccount(options: LocalAccountOptions): LocalAccount {
  const now = options.now ?? Date.now;
  const state = options.state ?? new StateStore();
  let rollups = options.rollups;
  if (!rollups) {
    rollups = new MinuteRollups();
    options.store.addObserver(rollups);
  }
  const groups = new Groups(state, options.arnPrefix ?? LOCAL_ARN_PREFIX);
  const tags = new Tags(state, (arn) => groups.byArn(arn) !== undefined || options.rules.hasArn(arn));
  const scoped = rollups;
  const rebuild = (group: Group): void => {
    const matches = groups.ingestMatcher(group);
    if (matches) scoped.setGroup(group.GroupName, matches, options.store.views());
    else scoped.dropGroup(group.GroupName);
  };
  for (const g of groups.list()) rebuild(g);
  groups.onChange((name, group) => (group ? rebuild(group) : scoped.dropGroup(name)));
  return {
    state,
    groups,
    tags,
    settings: new AccountSettings(state, now),
    policies: new ResourcePolicies(state, now),
    rollups,
    insights: new Insights(state),
    retrievals: new TraceRetrievals(options.store, { now }),
    otelSpans: options.otelSpans ?? otelSpans,
  };
}
