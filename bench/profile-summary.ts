import { readFileSync } from 'node:fs';

/**
 * Reads a `--cpu-prof` profile of the daemon and says where its busy time went while it was
 * receiving datagrams (samples between the first and last `onMessage` frame; idle excluded), by
 * package (or xrayd file) and by function, self time. `npm run bench -- --profile=DIR` prints it.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  byPackage: { name: string; pct: number }[];
  byFunction: { name: string; pct: number }[];
}

function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `native ${fn}`;
  const dep = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  if (url.includes('/dist/src/')) return `xrayd ${url.split('/dist/src/')[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const times: number[] = [];
  let t = p.startTime;
  for (const d of p.timeDeltas) times.push((t += d));
  let first = Infinity;
  let last = -Infinity;
  p.samples.forEach((id, i) => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      if (byId.get(cur)!.callFrame.functionName === 'onMessage') {
        first = Math.min(first, times[i]);
        last = Math.max(last, times[i]);
        break;
      }
    }
  });
  const pkg = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  p.samples.forEach((id, i) => {
    if (times[i] < first || times[i] > last) return;
    const d = p.timeDeltas[i + 1] ?? 0;
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') return void (idle += d);
    busy += d;
    const k = packageOf(url, functionName);
    pkg.set(k, (pkg.get(k) ?? 0) + d);
    const f = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}`;
    fns.set(f, (fns.get(f) ?? 0) + d);
  });
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, v]) => ({ name, pct: (100 * v) / Math.max(1, busy) }));
  return { busyMs: busy / 1000, idleMs: idle / 1000, byPackage: rank(pkg), byFunction: rank(fns) };
}

export function formatSummary(label: string, s: ProfileSummary): string {
  const col = (xs: { name: string; pct: number }[]) => xs.map((x) => `  ${x.pct.toFixed(1).padStart(5)} %  ${x.name}`).join('\n');
  return `${label}: ${s.busyMs.toFixed(0)} ms busy, ${s.idleMs.toFixed(0)} ms idle while receiving\n by package (self time):\n${col(s.byPackage)}\n by function (self time):\n${col(s.byFunction)}`;
}
