import { DEFAULT_RANGE, isTimeRangeKey, type TimeRangeKey } from './time-range.js';

/**
 * Where the user is, kept in the URL hash so reloads, the back button and shared links work:
 * `#/traces?q=<filter>&range=15m&from=<s>&to=<s>&group=<name>`, `#/traces/<id>?tab=statistics&find=db`,
 * `#/compare/<a>/<b>?sort=delta`, `#/file`, `#/file/<id>`, `#/map`, `#/services/<name>`,
 * `#/sampling`, `#/insights/<id>`, `#/intake`, `#/intake/<trace id>` (a trace looked up in the daemon's ledger).
 */
export type TraceTab = 'timeline' | 'statistics';
export type View =
  | { name: 'traces' }
  | { name: 'trace'; id: string; tab?: 'statistics'; find?: string }
  | { name: 'map' }
  | { name: 'compare'; a: string; b?: string; sort?: 'delta' }
  /** A trace from an opened file (`id` picks one of the file's traces); the file itself is never stored. */
  | { name: 'file'; id?: string }
  | { name: 'services'; service?: string }
  | { name: 'sampling' }
  | { name: 'insights'; id?: string }
  | { name: 'intake'; lookup?: string };

export interface Location {
  view: View;
  filter: string;
  range: TimeRangeKey;
  /** A brushed window (epoch seconds) that replaces the range while set. */
  window?: { from: number; to: number };
  /** The X-Ray group scoping the list, the map and the health views. */
  group?: string;
}

export function parseHash(hash: string): Location {
  const text = hash.replace(/^#/, '');
  const mark = text.indexOf('?');
  const path = mark < 0 ? text : text.slice(0, mark);
  const query = mark < 0 ? '' : text.slice(mark + 1);
  const params = new URLSearchParams(query);
  const range = params.get('range');
  const parts = path.split('/').filter((p) => p !== '').map(safeDecode);
  const location: Location = { view: parseView(parts, params), filter: params.get('q') ?? '', range: isTimeRangeKey(range) ? range : DEFAULT_RANGE };
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (params.has('from') && params.has('to') && Number.isFinite(from) && Number.isFinite(to) && to > from) location.window = { from, to };
  const group = params.get('group');
  if (group !== null && group !== '') location.group = group;
  return location;
}

function parseView(parts: string[], params: URLSearchParams): View {
  const [first, second, third] = parts;
  switch (first) {
    case 'map':
      return { name: 'map' };
    case 'traces': {
      if (second === undefined) return { name: 'traces' };
      const view: View = { name: 'trace', id: second };
      if (params.get('tab') === 'statistics') view.tab = 'statistics';
      const find = params.get('find');
      if (find !== null && find !== '') view.find = find;
      return view;
    }
    case 'compare': {
      if (second === undefined) return { name: 'traces' };
      const view: View = { name: 'compare', a: second };
      if (third !== undefined) view.b = third;
      if (params.get('sort') === 'delta') view.sort = 'delta';
      return view;
    }
    case 'file':
      return second === undefined ? { name: 'file' } : { name: 'file', id: second };
    case 'services':
      return second === undefined ? { name: 'services' } : { name: 'services', service: second };
    case 'sampling':
      return { name: 'sampling' };
    case 'intake':
      return second === undefined ? { name: 'intake' } : { name: 'intake', lookup: second };
    case 'insights':
      return second === undefined ? { name: 'insights' } : { name: 'insights', id: second };
    default:
      return { name: 'traces' };
  }
}

export function formatHash(location: Location): string {
  const params = new URLSearchParams();
  const { view } = location;
  if (location.filter !== '') params.set('q', location.filter);
  if (location.range !== DEFAULT_RANGE) params.set('range', location.range);
  if (location.window !== undefined) {
    params.set('from', String(location.window.from));
    params.set('to', String(location.window.to));
  }
  if (location.group !== undefined && location.group !== '') params.set('group', location.group);
  if (view.name === 'trace' && view.tab === 'statistics') params.set('tab', 'statistics');
  if (view.name === 'trace' && view.find !== undefined && view.find !== '') params.set('find', view.find);
  if (view.name === 'compare' && view.sort === 'delta') params.set('sort', 'delta');
  const query = params.toString();
  const suffix = query === '' ? '' : `?${query}`;
  const seg = encodeURIComponent;
  switch (view.name) {
    case 'map':
      return `#/map${suffix}`;
    case 'intake':
      return (location.view as { lookup?: string }).lookup === undefined
        ? `#/intake${suffix}`
        : `#/intake/${encodeURIComponent((location.view as { lookup: string }).lookup)}${suffix}`;
    case 'trace':
      return `#/traces/${seg(view.id)}${suffix}`;
    case 'compare':
      return `#/compare/${seg(view.a)}${view.b === undefined ? '' : `/${seg(view.b)}`}${suffix}`;
    case 'file':
      return `#/file${view.id === undefined ? '' : `/${seg(view.id)}`}${suffix}`;
    case 'services':
      return `#/services${view.service === undefined ? '' : `/${seg(view.service)}`}${suffix}`;
    case 'sampling':
      return `#/sampling${suffix}`;
    case 'insights':
      return `#/insights${view.id === undefined ? '' : `/${seg(view.id)}`}${suffix}`;
    default:
      return `#/traces${suffix}`;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
