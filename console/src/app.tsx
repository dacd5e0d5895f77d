import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatHash, parseHash, type Location, type View } from '../../src/console/model/route.js';
import { TIME_RANGES, isTimeRangeKey, type TimeRangeKey } from '../../src/console/model/time-range.js';
import { KeyboardHelp } from './components/keyboard-help.js';
import { TracesView } from './views/traces-view.js';
import { TraceView } from './views/trace-view.js';
import { ServiceMapView } from './views/service-map-view.js';
import { IntakeView } from './views/intake-view.js';
import { CompareView } from './views/compare-view.js';
import { FileView, type OpenedFile } from './views/file-view.js';
import { TraceDetail } from './views/trace-view.js';
import { ServicesView } from './views/services-view.js';
import { SamplingView } from './views/sampling-view.js';
import { InsightsView } from './views/insights-view.js';
import { GroupPicker } from './components/group-picker.js';
import { getGroups } from './api/xray-client.js';
import { usePoll } from './hooks/use-poll.js';

const POLL_MS = 5000;

const TITLES: { [K in View['name']]: (view: Extract<View, { name: K }>) => string } = {
  traces: () => 'Traces',
  trace: (v) => `Trace ${v.id}`,
  map: () => 'Service map',
  compare: (v) => `Compare ${v.a}${v.b === undefined ? '' : ` with ${v.b}`}`,
  file: (v) => (v.id === undefined ? 'Open a file' : `Trace ${v.id} (file)`),
  services: (v) => (v.service === undefined ? 'Services' : `${v.service} health`),
  sampling: () => 'Sampling rules',
  insights: (v) => (v.id === undefined ? 'Insights' : `Insight ${v.id}`),
  intake: (v) => (v.lookup === undefined ? 'Intake' : `Trace ${v.lookup} (ledger)`),
};
const LIVE_KEY = 'xrayd.console.live';

function readLive(): boolean {
  try {
    return window.localStorage.getItem(LIVE_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function App() {
  const [location, setLocation] = useState<Location>(() => parseHash(window.location.hash));
  const [live, setLive] = useState(() => readLive());
  useEffect(() => {
    try {
      window.localStorage.setItem(LIVE_KEY, live ? 'on' : 'off');
    } catch {
      // Storage can be disabled; the choice then lasts for this page only.
    }
  }, [live]);

  useEffect(() => {
    const onHash = () => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const navigate = useCallback((next: Partial<Location>, replace = false) => {
    setLocation((current) => {
      const merged = { ...current, ...next };
      const hash = formatHash(merged);
      if (hash !== window.location.hash) {
        if (replace) window.history.replaceState(null, '', hash);
        else window.history.pushState(null, '', hash);
      }
      return merged;
    });
  }, []);

  const go = useCallback((view: View) => navigate({ view }), [navigate]);
  const { view, filter, range } = location;
  // An opened file lives in memory only: a reload forgets it, by design.
  const [file, setFile] = useState<OpenedFile | undefined>(undefined);
  const groups = usePoll(getGroups, 'groups', { live: false, intervalMs: 60_000, active: true });
  const group = location.group;
  const groupFilter = group === undefined ? undefined : groups.data?.find((g) => g.GroupName === group)?.FilterExpression;
  // What the health and insights views share: the window, the group, live refresh.
  const scope = { range, window: location.window, group, live, pollMs: POLL_MS };
  const openTraces = (q: string, window?: { from: number; to: number }) => navigate({ view: { name: 'traces' }, filter: q, window });
  const fileTrace = view.name === 'file' && view.id !== undefined ? file?.traces.find((t) => t.Id === view.id) : undefined;

  useEffect(() => {
    document.title = `${TITLES[view.name](view as never)} · xrayd`;
  }, [view]);
  const tab = (name: View['name'], label: string, current: boolean) => (
    <a href={formatHash({ ...location, view: { name } as View })} aria-current={current ? 'page' : undefined}>
      {label}
    </a>
  );

  return (
    <div class="app">
      <header class="topbar">
        <a class="brand" href="#/traces" aria-label="xrayd console home">
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="var(--accent)" />
            <path d="M7 9h9M10 15h14M13 21h7" stroke="#fff" stroke-width="3" stroke-linecap="round" />
          </svg>
          <span>xrayd</span>
          <span class="brand-sub">local</span>
        </a>
        <nav class="tabs" aria-label="Views">
          {tab('traces', 'Traces', view.name === 'traces' || view.name === 'trace' || view.name === 'compare')}
          {tab('map', 'Service map', view.name === 'map')}
          {tab('services', 'Services', view.name === 'services')}
          {tab('sampling', 'Sampling', view.name === 'sampling')}
          {tab('insights', 'Insights', view.name === 'insights')}
          {tab('file', 'Open file', view.name === 'file')}
          {tab('intake', 'Intake', view.name === 'intake')}
        </nav>
        <div class="topbar-end">
          <GroupPicker
            groups={groups.data ?? []}
            value={group}
            onChange={(name) => navigate({ group: name }, true)}
          />
          <label class="range">
            <span class="visually-hidden">Time range</span>
            <select
              value={range}
              onChange={(e) => {
                const value = e.currentTarget.value;
                if (isTimeRangeKey(value)) navigate({ range: value as TimeRangeKey, window: undefined }, true);
              }}
            >
              {TIME_RANGES.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            class={`live-toggle${live ? ' on' : ''}`}
            aria-pressed={live}
            title={live ? 'Live: refreshing every 5 s. Click to pause.' : 'Paused. Click to refresh live.'}
            onClick={() => setLive((v) => !v)}
          >
            <span class="live-dot" aria-hidden="true" />
            {live ? 'Live' : 'Paused'}
          </button>
          <KeyboardHelp />
        </div>
      </header>
      <main class="content">
        {view.name === 'intake' && (
          <IntakeView lookup={view.lookup} live={live} pollMs={POLL_MS} onLookup={(id) => navigate({ view: { name: 'intake', lookup: id } })} />
        )}
        <TracesView
          active={view.name === 'traces'}
          filter={filter}
          range={range}
          window={location.window}
          groupFilter={groupFilter}
          live={live}
          pollMs={POLL_MS}
          onGroupSaved={(name) => {
            groups.refresh();
            navigate({ group: name, filter: '' });
          }}
          onFilter={(q) => navigate({ filter: q }, true)}
          onOpen={(id) => go({ name: 'trace', id })}
          onWindow={(w) => navigate({ window: w })}
        />
        {view.name === 'trace' && (
          <TraceView
            id={view.id}
            live={live}
            pollMs={POLL_MS}
            tab={view.tab ?? 'timeline'}
            find={view.find ?? ''}
            onTab={(t) => navigate({ view: { ...view, tab: t === 'statistics' ? 'statistics' : undefined } }, true)}
            onFind={(text) => navigate({ view: { ...view, find: text === '' ? undefined : text } }, true)}
            onBack={() => go({ name: 'traces' })}
            onFindTraces={(q) => navigate({ view: { name: 'traces' }, filter: q })}
            onCompare={(other) => go({ name: 'compare', a: view.id, ...(other === undefined ? {} : { b: other }) })}
          />
        )}
        {view.name === 'compare' && (
          <CompareView
            a={view.a}
            b={view.b}
            sort={view.sort ?? 'tree'}
            onPick={(a, b) => navigate({ view: { ...view, a, b } }, view.b === undefined)}
            onSort={(sort) => navigate({ view: { ...view, sort: sort === 'delta' ? 'delta' : undefined } }, true)}
            onOpen={(id) => go({ name: 'trace', id })}
            onBack={() => window.history.back()}
          />
        )}
        {view.name === 'file' && fileTrace === undefined && (
          <FileView file={file} onFile={setFile} onOpen={(id) => go({ name: 'file', id })} />
        )}
        {view.name === 'file' && fileTrace !== undefined && (
          <TraceDetail
            id={fileTrace.Id}
            trace={fileTrace}
            tab="timeline"
            find=""
            onTab={() => undefined}
            onFind={() => undefined}
            onBack={() => go({ name: 'file' })}
            backLabel="File"
          />
        )}
        {view.name === 'map' && (
          <ServiceMapView
            range={range}
            live={live}
            pollMs={POLL_MS}
            onOpenTraces={(q) => navigate({ view: { name: 'traces' }, filter: q })}
            onBack={() => go({ name: 'traces' })}
            window={location.window}
            group={group}
            onOpenHealth={(name) => go({ name: 'services', service: name })}
          />
        )}
        {view.name === 'services' && (
          <ServicesView
            {...scope}
            service={view.service}
            groupFilter={groupFilter}
            onService={(name) => go(name === undefined ? { name: 'services' } : { name: 'services', service: name })}
            onOpenTraces={openTraces}
          />
        )}
        {view.name === 'sampling' && <SamplingView live={live} pollMs={POLL_MS} />}
        {view.name === 'insights' && (
          <InsightsView
            {...scope}
            id={view.id}
            onInsight={(id) => go(id === undefined ? { name: 'insights' } : { name: 'insights', id })}
            onOpenTraces={openTraces}
            onOpenHealth={(name) => go({ name: 'services', service: name })}
          />
        )}
      </main>
    </div>
  );
}
