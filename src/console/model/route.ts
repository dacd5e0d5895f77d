import { DEFAULT_RANGE, isTimeRangeKey, type TimeRangeKey } from './time-range.js';

/**
 * Where the user is, kept in the URL hash so reloads, the back button and shared links work:
 * `#/traces?q=<filter>&range=15m`, `#/traces/<trace id>`, `#/map?range=1h`, `#/intake`, `#/intake/<trace id>`
 * (the Intake view with a trace looked up in the daemon's ledger).
 */
export type View = { name: 'traces' } | { name: 'trace'; id: string } | { name: 'map' } | { name: 'intake'; lookup?: string };

export interface Location {
  view: View;
  filter: string;
  range: TimeRangeKey;
}

export function parseHash(hash: string): Location {
  const text = hash.replace(/^#/, '');
  const mark = text.indexOf('?');
  const path = mark < 0 ? text : text.slice(0, mark);
  const query = mark < 0 ? '' : text.slice(mark + 1);
  const params = new URLSearchParams(query);
  const range = params.get('range');
  const parts = path.split('/').filter((p) => p !== '');
  let view: View = { name: 'traces' };
  if (parts[0] === 'map') view = { name: 'map' };
  else if (parts[0] === 'intake') view = parts[1] === undefined ? { name: 'intake' } : { name: 'intake', lookup: safeDecode(parts[1]) };
  else if (parts[0] === 'traces' && parts[1] !== undefined) view = { name: 'trace', id: safeDecode(parts[1]) };
  return { view, filter: params.get('q') ?? '', range: isTimeRangeKey(range) ? range : DEFAULT_RANGE };
}

export function formatHash(location: Location): string {
  const params = new URLSearchParams();
  if (location.filter !== '') params.set('q', location.filter);
  if (location.range !== DEFAULT_RANGE) params.set('range', location.range);
  const query = params.toString();
  const suffix = query === '' ? '' : `?${query}`;
  switch (location.view.name) {
    case 'map':
      return `#/map${suffix}`;
    case 'intake':
      return location.view.lookup === undefined ? `#/intake${suffix}` : `#/intake/${encodeURIComponent(location.view.lookup)}${suffix}`;
    case 'trace':
      return `#/traces/${encodeURIComponent(location.view.id)}${suffix}`;
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
