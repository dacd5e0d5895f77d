/**
 * X-Ray groups: a name, an ARN (`arn:aws:xray:<region>:<account>:group/<name>/<id>`), an optional
 * filter expression (checked by our parser; an invalid one is refused naming the position) and
 * an InsightsConfiguration. The built-in `Default` group (ARN `.../group/Default`, every trace) always
 * exists: its insights can be switched, its filter cannot be set and it cannot be deleted.
 * At most `maxGroups` groups besides Default (X-Ray's quota: 25 per Region); past it,
 * InvalidRequestException. Kept in the state store (persisted with a store path).
 */
import { randomBytes } from 'node:crypto';
import { invalidRequest } from '../api/xray-api-error.js';
import { FilterSyntaxError, FilterUnsupportedError, compileFilter } from '../filter/index.js';
import type { StateStore } from '../state/state-store.js';
import type { TraceView } from '../trace-view.js';

export interface InsightsConfiguration {
  InsightsEnabled: boolean;
  NotificationsEnabled: boolean;
}

export interface Group {
  GroupName: string;
  GroupARN: string;
  FilterExpression?: string;
  InsightsConfiguration: InsightsConfiguration;
}

export const DEFAULT_GROUP = 'Default';
/** X-Ray's group quota per Region (Default not counted). */
export const MAX_GROUPS = 25;
/** Names stay usable inside the ARN: letters, digits, `.`, `_`, `-` (1-32, as the model's GroupName). */
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

export type GroupListener = (name: string, group: Group | undefined) => void;

function compile(expression: string): (t: TraceView) => boolean {
  try {
    return compileFilter(expression);
  } catch (err) {
    if (err instanceof FilterSyntaxError || err instanceof FilterUnsupportedError) throw invalidRequest(`FilterExpression: ${err.message}`);
    throw err;
  }
}

export class Groups {
  private readonly groups = new Map<string, Group>();
  private readonly matchers = new Map<string, (t: TraceView) => boolean>();
  private readonly listeners: GroupListener[] = [];

  constructor(
    private readonly state: StateStore,
    private readonly arnPrefix: string,
    private readonly maxGroups = MAX_GROUPS,
  ) {
    const insights = { InsightsEnabled: false, NotificationsEnabled: false };
    this.groups.set(DEFAULT_GROUP, { GroupName: DEFAULT_GROUP, GroupARN: `${arnPrefix}:group/${DEFAULT_GROUP}`, InsightsConfiguration: insights });
    for (const [name, value] of state.entries('group')) {
      const g = value as Group;
      this.groups.set(name, g);
      if (g.FilterExpression) this.matchers.set(name, safeCompile(g.FilterExpression));
    }
  }

  /** Told after every create, update (group) and delete (undefined). */
  onChange(listener: GroupListener): void {
    this.listeners.push(listener);
  }

  list(): Group[] {
    return [...this.groups.values()];
  }

  /** The group named by GroupName or GroupARN (name wins); InvalidRequestException if none. */
  resolve(name: string | undefined, arn: string | undefined): Group {
    if (name === undefined && arn === undefined) throw invalidRequest('GroupName or GroupARN is required');
    const group = name !== undefined ? this.groups.get(name) : this.list().find((g) => g.GroupARN === arn);
    if (!group) throw invalidRequest(`Group not found: ${name ?? arn}`);
    if (name !== undefined && arn !== undefined && group.GroupARN !== arn) throw invalidRequest('GroupName and GroupARN name different groups');
    return group;
  }

  byArn(arn: string): Group | undefined {
    return this.list().find((g) => g.GroupARN === arn);
  }

  /** The traces a group holds: undefined = every trace (Default, or a group without a filter). */
  matcher(group: Group): ((t: TraceView) => boolean) | undefined {
    return this.matchers.get(group.GroupName);
  }

  /** The same, for evaluations at ingest: the traces' derived facts are not cached. */
  ingestMatcher(group: Group): ((t: TraceView) => boolean) | undefined {
    return group.FilterExpression ? safeCompile(group.FilterExpression, false) : undefined;
  }

  create(name: string, filter: string | undefined, insights: Partial<InsightsConfiguration> | undefined): Group {
    if (!NAME_PATTERN.test(name)) throw invalidRequest('GroupName must be 1-32 characters: letters, digits, ".", "_" or "-"');
    if (name === DEFAULT_GROUP) throw invalidRequest('GroupName "Default" is reserved');
    if (this.groups.has(name)) throw invalidRequest(`A group named "${name}" already exists`);
    if (this.groups.size - 1 >= this.maxGroups) throw invalidRequest(`At most ${this.maxGroups} groups can be created (besides Default)`);
    const matcher = filter ? compile(filter) : undefined;
    const id = randomBytes(16).toString('hex').toUpperCase();
    const group: Group = {
      GroupName: name,
      GroupARN: `${this.arnPrefix}:group/${name}/${id}`,
      ...(filter ? { FilterExpression: filter } : {}),
      InsightsConfiguration: checkInsights({ InsightsEnabled: false, NotificationsEnabled: false }, insights),
    };
    this.save(group, matcher);
    return group;
  }

  update(group: Group, filter: string | undefined, insights: Partial<InsightsConfiguration> | undefined): Group {
    if (filter !== undefined && group.GroupName === DEFAULT_GROUP) throw invalidRequest('The filter expression of the Default group cannot be changed');
    const matcher = filter ? compile(filter) : filter === '' ? undefined : this.matchers.get(group.GroupName);
    const next: Group = { ...group, InsightsConfiguration: checkInsights(group.InsightsConfiguration, insights) };
    if (filter !== undefined) {
      if (filter) next.FilterExpression = filter;
      else delete next.FilterExpression;
    }
    this.save(next, matcher);
    return next;
  }

  delete(group: Group): void {
    if (group.GroupName === DEFAULT_GROUP) throw invalidRequest('The Default group cannot be deleted');
    this.groups.delete(group.GroupName);
    this.matchers.delete(group.GroupName);
    this.state.delete('group', group.GroupName);
    for (const l of this.listeners) l(group.GroupName, undefined);
  }

  private save(group: Group, matcher: ((t: TraceView) => boolean) | undefined): void {
    this.groups.set(group.GroupName, group);
    if (matcher) this.matchers.set(group.GroupName, matcher);
    else this.matchers.delete(group.GroupName);
    // Default lives in code; only its insights setting is stored.
    this.state.put('group', group.GroupName, group);
    for (const l of this.listeners) l(group.GroupName, group);
  }
}

function checkInsights(current: InsightsConfiguration, change: Partial<InsightsConfiguration> | undefined): InsightsConfiguration {
  const next = { ...current, ...change };
  if (next.NotificationsEnabled && !next.InsightsEnabled) {
    throw invalidRequest('InsightsConfiguration.NotificationsEnabled can only be true when InsightsEnabled is true');
  }
  return next;
}

/** A stored filter compiled again at start; one our parser now refuses matches nothing. */
function safeCompile(expression: string, remember = true): (t: TraceView) => boolean {
  try {
    return compileFilter(expression, remember);
  } catch {
    return () => false;
  }
}
