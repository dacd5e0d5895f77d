import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatHash, parseHash, type Location, type View } from '../../src/console/model/route.js';
import { TIME_RANGES, isTimeRangeKey, type TimeRangeKey } from '../../src/console/model/time-range.js';
import { KeyboardHelp } from './components/keyboard-help.js';
import { TracesView } from './views/traces-view.js';
import { TraceView } from './views/trace-view.js';
import { ServiceMapView } from './views/service-map-view.js';
import { IntakeView } from './views/intake-view.js';

const POLL_MS = 5000;
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

  useEffect(() => {
    document.title =
      view.name === 'trace' ? `Trace ${view.id} · xrayd` : view.name === 'map' ? 'Service map · xrayd' : view.name === 'intake' ? 'Intake · xrayd' : 'Traces · xrayd';
  }, [view]);

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
          <a href={formatHash({ ...location, view: { name: 'traces' } })} aria-current={view.name === 'traces' || view.name === 'trace' ? 'page' : undefined}>
            Traces
          </a>
          <a href={formatHash({ ...location, view: { name: 'map' } })} aria-current={view.name === 'map' ? 'page' : undefined}>
            Service map
          </a>
          <a href={formatHash({ ...location, view: { name: 'intake' } })} aria-current={view.name === 'intake' ? 'page' : undefined}>
            Intake
          </a>
        </nav>
        <div class="topbar-end">
          <label class="range">
            <span class="visually-hidden">Time range</span>
            <select
              value={range}
              onChange={(e) => {
                const value = e.currentTarget.value;
                if (isTimeRangeKey(value)) navigate({ range: value as TimeRangeKey }, true);
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
          live={live}
          pollMs={POLL_MS}
          onFilter={(q) => navigate({ filter: q }, true)}
          onOpen={(id) => go({ name: 'trace', id })}
        />
        {view.name === 'trace' && (
          <TraceView
            id={view.id}
            live={live}
            pollMs={POLL_MS}
            onBack={() => go({ name: 'traces' })}
            onFindTraces={(q) => navigate({ view: { name: 'traces' }, filter: q })}
          />
        )}
        {view.name === 'map' && (
          <ServiceMapView
            range={range}
            live={live}
            pollMs={POLL_MS}
            onOpenTraces={(q) => navigate({ view: { name: 'traces' }, filter: q })}
            onBack={() => go({ name: 'traces' })}
          />
        )}
      </main>
    </div>
  );
}
