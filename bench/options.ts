/**
 * Bench options, from argv (`--rates=5000,20000 --seconds=3`) or the environment
 * (`BENCH_RATES`, `BENCH_SECONDS`, ...); argv wins.
 */
export interface BenchOptions {
  /** Offered rates, segments per second. */
  rates: number[];
  /** Seconds of load per rate. */
  seconds: number;
  /** Datagram size (header + document), bytes. */
  bytes: number;
  /** Generator processes (default 1 native, 2 Node) and sockets per Node process. */
  senders: number | undefined;
  sockets: number;
  /** `native` (C, sendmmsg; compiled with cc, Node fallback) or `node`. */
  generator: 'native' | 'node';
  /** Skip the bare-socket comparison. */
  skipBare: boolean;
  /** Relay (aws backend at a local sink) part. */
  relay: boolean;
  /** Local backend part: traces to store and queries per kind. */
  local: boolean;
  localTraces: number;
  localRate: number;
  /** Rate used to fill the store up to localTraces (one the daemon keeps up with). */
  localFillRate: number;
  queries: number;
  /** Start-up part: starts per launcher (node bin/xrayd, the single executable). */
  startup: boolean;
  startupRuns: number;
  /** Local X-Ray API part: segments stored before timing the aggregate reads. */
  api: boolean;
  apiSegments: number;
  /** Web console part (headless Chromium): nodes of the big trace, traces stored for the list. */
  console: boolean;
  consoleNodes: number;
  consoleTraces: number;
  /** OpenTelemetry intake part: OTLP/HTTP spans offered per backend, in requests of this many spans. */
  otlp: boolean;
  otlpSpans: number;
  otlpSpansPerRequest: number;
  /** Write a CPU profile of the daemon per rate into this directory. */
  profileDir: string | undefined;
  /** The official Go daemon's binary, run interleaved with xrayd (`--reference`, `BENCH_REFERENCE`). */
  reference: string | undefined;
  /** Interleaved rounds per rate; tables show the median and the spread. */
  repeat: number;
  /** `-m` for both daemons, MB. */
  bufferMb: number;
  /** Seconds each daemon sits idle (before its first rate of a round) to count RSS and wake-ups; 0 = skip. */
  idleSeconds: number;
  /** Extra xrayd flags (e.g. `--concurrency ...`). */
  daemonArgs: string[];
  /** Extra node flags for the daemon process (e.g. `--max-old-space-size=64`). */
  nodeArgs: string[];
  out: string;
}

const DEFAULTS: BenchOptions = {
  rates: [5000, 20000, 50000, 100000],
  seconds: 3,
  bytes: 600,
  senders: undefined,
  sockets: 2,
  generator: 'native',
  skipBare: false,
  relay: true,
  local: true,
  localTraces: 100_000,
  localRate: 40_000,
  localFillRate: 8_000,
  queries: 50,
  startup: true,
  startupRuns: 5,
  api: true,
  apiSegments: 1_000_000,
  console: true,
  consoleNodes: 10_000,
  consoleTraces: 100_000,
  otlp: true,
  otlpSpans: 100_000,
  otlpSpansPerRequest: 100,
  profileDir: undefined,
  reference: undefined,
  repeat: 3,
  bufferMb: 16,
  idleSeconds: 2,
  daemonArgs: [],
  nodeArgs: [],
  out: 'bench/results/latest.json',
};

export const USAGE = `npm run bench -- [--rates=5000,20000,50000,100000] [--seconds=3] [--bytes=600]
  [--generator=native|node] [--senders=N] [--sockets=2] [--skip-bare] [--no-relay] [--no-local] [--local-traces=100000]
  [--local-rate=40000] [--local-fill-rate=8000] [--queries=50] [--no-api] [--api-segments=1000000] [--no-otlp] [--otlp-spans=100000]
  [--no-console] [--console-nodes=10000] [--console-traces=100000]
  [--otlp-spans-per-request=100] [--no-startup] [--startup-runs=5] [--profile=DIR] [--daemon-args="-m 50"] [--node-args="..."] [--out=FILE]
  [--reference=/path/to/xray (the Go daemon, run interleaved)] [--repeat=3] [--buffer-mb=16] [--idle-seconds=2]
  (each also as BENCH_<NAME> in the environment, e.g. BENCH_RATES=5000,20000)`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const given = new Map<string, string>();
  for (const [k, v] of Object.entries(env)) if (k.startsWith('BENCH_') && v !== undefined) given.set(k.slice(6).toLowerCase().replace(/_/g, '-'), v);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(no-)?([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}\n${USAGE}`);
    // `--key value` as well as `--key=value` (a following word not starting with -- is the value)
    const value = m[3] ?? (!m[1] && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : undefined);
    given.set(m[2], m[1] ? 'false' : (value ?? 'true'));
  }
  const o = { ...DEFAULTS };
  const num = (key: string, v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number, got ${v}`);
    return n;
  };
  const bool = (v: string) => v !== 'false' && v !== '0';
  for (const [key, v] of given) {
    switch (key) {
      case 'rates': o.rates = v.split(',').map((r) => num(key, r)); break;
      case 'seconds': o.seconds = num(key, v); break;
      case 'bytes': o.bytes = num(key, v); break;
      case 'senders': o.senders = Math.round(num(key, v)); break;
      case 'sockets': o.sockets = Math.round(num(key, v)); break;
      case 'generator':
        if (v !== 'native' && v !== 'node') throw new Error(`--generator must be native or node, got ${v}`);
        o.generator = v;
        break;
      case 'skip-bare': o.skipBare = bool(v); break;
      case 'relay': o.relay = bool(v); break;
      case 'local': o.local = bool(v); break;
      case 'otlp': o.otlp = bool(v); break;
      case 'otlp-spans': o.otlpSpans = Math.round(num(key, v)); break;
      case 'otlp-spans-per-request': o.otlpSpansPerRequest = Math.round(num(key, v)); break;
      case 'local-traces': o.localTraces = Math.round(num(key, v)); break;
      case 'local-rate': o.localRate = num(key, v); break;
      case 'local-fill-rate': o.localFillRate = num(key, v); break;
      case 'queries': o.queries = Math.round(num(key, v)); break;
      case 'startup': o.startup = bool(v); break;
      case 'startup-runs': o.startupRuns = Math.round(num(key, v)); break;
      case 'api': o.api = bool(v); break;
      case 'api-segments': o.apiSegments = Math.round(num(key, v)); break;
      case 'console': o.console = bool(v); break;
      case 'console-nodes': o.consoleNodes = Math.round(num(key, v)); break;
      case 'console-traces': o.consoleTraces = Math.round(num(key, v)); break;
      case 'profile': o.profileDir = v; break;
      case 'reference': o.reference = v === 'true' ? undefined : v; break;
      case 'repeat': o.repeat = Math.round(num(key, v)); break;
      case 'buffer-mb': o.bufferMb = num(key, v); break;
      case 'idle-seconds': o.idleSeconds = v === '0' ? 0 : num(key, v); break;
      case 'daemon-args': o.daemonArgs = v.split(/\s+/).filter(Boolean); break;
      case 'node-args': o.nodeArgs = v.split(/\s+/).filter(Boolean); break;
      case 'out': o.out = v; break;
      case 'help': throw new Error(USAGE);
      default: throw new Error(`unknown option --${key}\n${USAGE}`);
    }
  }
  return o;
}
