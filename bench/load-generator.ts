import dgram from 'node:dgram';
import { buildTemplates, stamp, type Template } from './segment-template.js';

/**
 * The UDP load generator, run as its own process (`fork`) so its CPU is not the daemon's. It offers
 * `rate` datagrams/s for `seconds`: every tick it sends what the clock says is due (so a slow tick is
 * caught up by the next), over several connected sockets, from pre-built templates. What it could
 * not send in time is not sent late: `sent / elapsed` is the rate it really offered.
 */
export interface GeneratorJob {
  port: number;
  rate: number;
  seconds: number;
  tag: number;
  sender: number;
  bytes: number;
  variants: number;
  sockets: number;
  /** First sequence number (the local-store bench continues a sequence across jobs). */
  firstSeq?: number;
}

export interface GeneratorResult {
  sent: number;
  elapsedMs: number;
  sendErrors: number;
}

const MAX_PER_TICK = 4000;

export async function generate(job: GeneratorJob): Promise<GeneratorResult> {
  const templates: Template[] = buildTemplates(job.variants, job.bytes);
  const sockets: dgram.Socket[] = [];
  let sendErrors = 0;
  for (let i = 0; i < job.sockets; i++) {
    const s = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
    s.on('error', () => sendErrors++);
    await new Promise<void>((resolve) => s.connect(job.port, '127.0.0.1', resolve));
    sockets.push(s);
  }
  const total = Math.floor(job.rate * job.seconds);
  const first = job.firstSeq ?? 0;
  let sent = 0;
  const started = performance.now();
  const endAt = started + job.seconds * 1000;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - started) / 1000) * job.rate));
      let n = Math.min(due - sent, MAX_PER_TICK);
      while (n-- > 0) {
        const seq = first + sent;
        sockets[sent % sockets.length].send(stamp(templates[seq % templates.length], job.tag, job.sender, seq));
        sent++;
      }
      if (sent >= total || now >= endAt) return resolve();
      // below ~1 datagram per ms a timer is plenty; above, yield to I/O and go again
      if (due - sent > 0) setImmediate(tick);
      else setTimeout(tick, 1);
    };
    tick();
  });
  const elapsedMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 50)); // let queued sends leave before closing
  for (const s of sockets) s.close();
  return { sent, elapsedMs, sendErrors };
}

// as a child process: one job per message
if (process.send) {
  process.on('message', (msg: { cmd: string; job?: GeneratorJob }) => {
    if (msg.cmd === 'run' && msg.job) void generate(msg.job).then((result) => process.send!({ cmd: 'done', result }));
    if (msg.cmd === 'exit') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ cmd: 'ready' });
}
