import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowMicros, readHex } from './segment-template.js';

/**
 * The X-Ray stand-in for the benchmark, run as its own process: answers PutTraceSegments 200 and
 * counts distinct bench segment ids per run (one bit per id) and each one's send -> receive latency.
 * It never parses JSON: it scans the request body for the escaped `\"id\":\"` and `\"bench_t\":\"`
 * slots the generator filled in, which keeps it far cheaper than the daemon it measures.
 */
const ID_MARK = Buffer.from('\\"id\\":\\"');
const STAMP_MARK = Buffer.from('\\"bench_t\\":\\"');
const OK_SEGMENTS = '{"UnprocessedTraceSegments":[]}';

export interface SinkRun {
  tag: number;
  /** Bits per sender: the most ids one sender can send in this run. */
  capacityPerSender: number;
  senders: number;
}

export interface SinkReport {
  distinct: number;
  duplicates: number;
  /** Documents from another run (late arrivals) or not from the bench. */
  foreign: number;
  requests: number;
  latencyMs: { p50: number; p99: number; max: number };
  firstAtUs: number;
  lastAtUs: number;
}

class RunState {
  readonly seen: Uint8Array;
  distinct = 0;
  duplicates = 0;
  foreign = 0;
  requests = 0;
  latencies = new Float64Array(1 << 16);
  latencyCount = 0;
  firstAtUs = 0;
  lastAtUs = 0;

  constructor(readonly run: SinkRun) {
    this.seen = new Uint8Array(Math.ceil((run.capacityPerSender * run.senders) / 8));
  }

  record(body: Buffer, receivedUs: number): void {
    this.requests++;
    let pos = body.indexOf(ID_MARK);
    while (pos >= 0) {
      const at = pos + ID_MARK.length;
      const tag = readHex(body, at, 2);
      const sender = readHex(body, at + 2, 2);
      const seq = readHex(body, at + 4, 12);
      const next = body.indexOf(ID_MARK, at);
      if (tag !== this.run.tag || sender >= this.run.senders || !(seq < this.run.capacityPerSender)) this.foreign++;
      else this.mark(sender * this.run.capacityPerSender + seq, body, at, next, receivedUs);
      pos = next;
    }
  }

  private mark(bit: number, body: Buffer, from: number, next: number, receivedUs: number): void {
    const byte = bit >> 3;
    const mask = 1 << (bit & 7);
    if (this.seen[byte] & mask) {
      this.duplicates++;
      return;
    }
    this.seen[byte] |= mask;
    this.distinct++;
    if (!this.firstAtUs) this.firstAtUs = receivedUs;
    this.lastAtUs = receivedUs;
    const s = body.indexOf(STAMP_MARK, from);
    if (s < 0 || (next >= 0 && s > next)) return;
    const sentUs = readHex(body, s + STAMP_MARK.length, 16);
    if (Number.isNaN(sentUs)) return;
    if (this.latencyCount === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.latencyCount++] = (receivedUs - sentUs) / 1000;
  }

  report(): SinkReport {
    const sorted = this.latencies.subarray(0, this.latencyCount).sort();
    const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
    return {
      distinct: this.distinct,
      duplicates: this.duplicates,
      foreign: this.foreign,
      requests: this.requests,
      latencyMs: { p50: q(0.5), p99: q(0.99), max: sorted.length ? sorted[sorted.length - 1] : NaN },
      firstAtUs: this.firstAtUs,
      lastAtUs: this.lastAtUs,
    };
  }
}

export function startSink(port = 0): Promise<{ server: http.Server; port: number; setRun(run: SinkRun): void; report(): SinkReport; count(): number }> {
  let state = new RunState({ tag: -1, capacityPerSender: 0, senders: 0 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/TraceSegments') {
        state.record(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), nowMicros());
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK_SEGMENTS.length });
        res.end(OK_SEGMENTS);
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
        res.end('{}');
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        setRun: (run) => (state = new RunState(run)),
        report: () => state.report(),
        count: () => state.distinct,
      }),
    );
  });
}

// as a child process: {cmd:'run'} starts counting a new run, {cmd:'report'} answers with the counts
if (process.send) {
  const sink = await startSink();
  process.on('message', (msg: { cmd: string; run?: SinkRun }) => {
    if (msg.cmd === 'run' && msg.run) {
      sink.setRun(msg.run);
      process.send!({ cmd: 'run-started' });
    } else if (msg.cmd === 'report') process.send!({ cmd: 'report', report: sink.report() });
    else if (msg.cmd === 'count') process.send!({ cmd: 'count', count: sink.count() });
    else if (msg.cmd === 'exit') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ cmd: 'ready', port: sink.port });
}
