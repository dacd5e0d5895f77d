import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchChild } from './child.js';
import { Generators, type LoadSource } from './generators.js';
import { NativeGenerators } from './native-generators.js';
import { benchLocal, type LocalResult } from './local-bench.js';
import { USAGE, parseOptions } from './options.js';
import { benchBare, benchDaemonRate, type RelayRow } from './relay-bench.js';
import { calibrate } from './calibrate.js';
import { formatSummary, summarizeProfile } from './profile-summary.js';
import { checkTargets, localTable, otlpTable, relayTable, targetsTable } from './report.js';
import { benchOtlp, type OtlpRow } from './otlp-bench.js';

/**
 * `npm run bench`: the built daemon (child process) relaying to a local sink (child process) under
 * UDP load from generator processes at each offered rate, the same load at a bare counting socket
 * (the physical limit), then the local backend's ingest and query latency. Prints markdown tables
 * and writes everything measured to bench/results/latest.json.
 */
async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void process.stdout.write(`${USAGE}\n`);
  const opts = parseOptions(process.argv.slice(2), process.env);
  const started = Date.now();
  const log = (s: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${s}\n`);
  const calibration = calibrate();
  log(`calibration: native SHA-256 ${calibration.sha256MBps.toFixed(0)} MB/s, JS loop ${calibration.jsLoopMops.toFixed(0)} M iterations/s, load average ${os.loadavg()[0].toFixed(1)}`);
  const native = opts.generator === 'native' ? await NativeGenerators.build(opts.senders ?? 1) : undefined;
  if (opts.generator === 'native' && !native) log('no C compiler: falling back to the Node generator');
  const gens: LoadSource = native ?? (await Generators.start(opts.senders ?? 2));
  const generatorName = native ? 'native (C, sendmmsg)' : 'Node';
  const rows: RelayRow[] = [];
  let local: LocalResult | undefined;
  let localNote: string | undefined;
  let otlpRows: OtlpRow[] = [];
  let otlpNote: string | undefined;
  try {
    if (opts.relay) {
      const { child: sink, ready } = await BenchChild.start('sink-server');
      const bare = opts.skipBare ? undefined : await BenchChild.start('udp-counter');
      try {
        for (const rate of opts.rates) {
          log(`daemon at ${rate}/s offered for ${opts.seconds} s`);
          const row = await benchDaemonRate(rate, opts, gens, sink, ready.port as number);
          if (bare) {
            log(`bare socket at ${rate}/s`);
            const b = await benchBare(rate, opts, gens, bare.child, bare.ready.port as number);
            row.bare = { received: b.received, lossPct: b.sent ? (100 * (b.sent - b.received)) / b.sent : 0, recvBufferBytes: bare.ready.recvBufferBytes as number, cpuMicrosPerDatagram: b.cpuMicrosPerDatagram };
            // throughput relative to the bare socket's under the same offered load
            row.ratioToBare = b.received ? row.delivered / row.offered.sent / (b.received / b.sent) : NaN;
          }
          rows.push(row);
          log(`  sent ${row.offered.sent} (${Math.round(row.offered.achievedRate)}/s), delivered ${row.delivered}, loss ${row.lossPct.toFixed(2)} %, ${row.cpuMicrosPerSegment.toFixed(1)} µs CPU/seg, peak RSS ${row.peakRssMB.toFixed(1)} MB`);
        }
      } finally {
        await sink.stop();
        await bare?.child.stop();
      }
    }
    if (opts.local) {
      log(`local backend: ${opts.localTraces} traces at ${opts.localRate}/s, then queries`);
      try {
        const result = await benchLocal(opts, gens);
        if ('unavailable' in result) localNote = result.unavailable;
        else local = result;
      } catch (err) {
        localNote = `local backend bench failed: ${(err as Error).message}`;
      }
      if (localNote) log(localNote);
    }
    if (opts.otlp) {
      log(`OpenTelemetry intake: ${opts.otlpSpans} spans over OTLP/HTTP per backend`);
      const { child: sink, ready } = await BenchChild.start('sink-server');
      try {
        otlpRows = await benchOtlp(opts, ready.port as number);
        for (const r of otlpRows) log(`  ${r.backend}: ${r.delivered} of ${r.sent} spans, ${Math.round(r.spansPerSecond)}/s, ${r.cpuMicrosPerSpan.toFixed(1)} µs CPU/span`);
      } catch (err) {
        otlpNote = `OTLP intake bench failed: ${(err as Error).message}`;
        log(otlpNote);
      } finally {
        await sink.stop();
      }
    }
  } finally {
    await gens.stop();
  }

  const checks = checkTargets(rows, local);
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}; calibration: native SHA-256 ${calibration.sha256MBps.toFixed(0)} MB/s, JS loop ${calibration.jsLoopMops.toFixed(0)} M/s`;
  const out = [`## xrayd benchmark (${new Date().toISOString()})`, '', machine, ''];
  if (rows.length) out.push(`Relay (aws backend at a local sink), ${opts.bytes}-byte datagrams, ${opts.seconds} s per rate, ${gens.count} ${generatorName} generator process(es):`, '', relayTable(rows), '');
  if (local) out.push(localTable(local), '');
  if (localNote) out.push(`Local backend: ${localNote}`, '');
  if (otlpRows.length) out.push('OpenTelemetry intake (OTLP/HTTP from a generator process, 4 requests in flight) next to the UDP path:', '', otlpTable(otlpRows, rows, local), '');
  if (otlpNote) out.push(`OpenTelemetry intake: ${otlpNote}`, '');
  out.push(targetsTable(checks), '');
  const profiles = [...rows.map((r) => ({ label: `daemon at ${r.rate}/s`, file: r.profile })), { label: 'local backend ingest', file: local?.profile }];
  for (const { label, file } of profiles) {
    if (!file || !existsSync(file)) continue;
    out.push('```', formatSummary(`${label} (${file})`, summarizeProfile(file)), '```', '');
  }
  process.stdout.write(out.join('\n'));
  const file = path.resolve(opts.out);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, calibration, generator: generatorName, options: opts, relay: rows, local, localNote, otlp: otlpRows, otlpNote, targets: checks }, null, 2));
  log(`wrote ${file} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).message.includes('\n') ? (err as Error).message : ((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
