import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchChild } from './child.js';
import { Generators, type LoadSource } from './generators.js';
import { NativeGenerators } from './native-generators.js';
import { benchLocal, type LocalResult } from './local-bench.js';
import { type ApiResult, benchApi } from './api-bench.js';
import { type ConsoleResult, benchConsole } from './console-bench.js';
import { USAGE, parseOptions } from './options.js';
import { benchBare, benchTargetRate, type BareRow, type RelayRow } from './relay-bench.js';
import { goTarget, xraydTarget, type RelayTarget } from './relay-targets.js';
import { calibrate } from './calibrate.js';
import { formatSummary, summarizeProfile } from './profile-summary.js';
import { apiTable, checkTargets, comparisonTable, consoleTable, idleTable, localTable, otlpTable, runsTable, startupTable, targetsTable } from './report.js';
import { benchStartup, type StartupRow } from './startup-bench.js';
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
  const bareRows: BareRow[] = [];
  let bareReceiver: string | undefined;
  const targets: RelayTarget[] = [xraydTarget(opts.bufferMb, opts.daemonArgs, opts.nodeArgs)];
  if (opts.reference) {
    if (!existsSync(opts.reference)) throw new Error(`--reference ${opts.reference}: no such file`);
    targets.push(goTarget(opts.reference, opts.bufferMb));
  }
  let local: LocalResult | undefined;
  let localNote: string | undefined;
  let api: ApiResult | undefined;
  let apiNote: string | undefined;
  let consoleResult: ConsoleResult | undefined;
  let consoleNote: string | undefined;
  let otlpRows: OtlpRow[] = [];
  let otlpNote: string | undefined;
  try {
    if (opts.relay) {
      const { child: sink, ready } = await BenchChild.start('sink-server');
      // the bare socket reads the way the daemon does (--udp-receiver in --daemon-args, else native when it loads)
      const receiverArg = opts.daemonArgs.indexOf('--udp-receiver');
      const bare = opts.skipBare ? undefined : await BenchChild.start('udp-counter', [], [receiverArg >= 0 ? opts.daemonArgs[receiverArg + 1] : 'auto']);
      bareReceiver = bare?.ready.receiver as string | undefined;
      const ctx = { opts, gens, sink, sinkPort: ready.port as number };
      try {
        for (let round = 0; round < opts.repeat; round++) {
          for (const [i, rate] of opts.rates.entries()) {
            // interleaved: the daemons alternate who goes first, so drift in the machine's load hits both
            const order = (round + i) % 2 ? [...targets].reverse() : targets;
            for (const target of order) {
              const row = await benchTargetRate(target, rate, round, i === 0, ctx);
              rows.push(row);
              log(`round ${round + 1}/${opts.repeat} ${target.name} at ${rate}/s: sent ${row.offered.sent} (${Math.round(row.offered.achievedRate)}/s), delivered ${row.delivered} in ${row.requests} requests, loss ${row.lossPct.toFixed(2)} %, ${row.cpuMicrosPerSegment.toFixed(1)} µs CPU/seg, peak RSS ${row.peakRssMB.toFixed(1)} MB${row.idle ? `, idle ${row.idle.rssMB.toFixed(1)} MB ${row.idle.wakeupsPerSecond.toFixed(1)} wake-ups/s` : ''}, start ${row.startMs.toFixed(0)} ms`);
            }
            if (bare) {
              const b = await benchBare(rate, round, opts, gens, bare.child, bare.ready.port as number);
              bareRows.push(b);
              log(`round ${round + 1}/${opts.repeat} bare socket at ${rate}/s: received ${b.received} of ${b.sent}, ${b.cpuMicrosPerDatagram.toFixed(1)} µs CPU/datagram`);
            }
          }
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
    if (opts.api) {
      log(`local X-Ray API: ${opts.apiSegments} segments, then time series and grouped service graph queries`);
      try {
        api = await benchApi(opts, log);
      } catch (err) {
        apiNote = `local API bench failed: ${(err as Error).message}`;
        log(apiNote);
      }
    }
    if (opts.console) {
      log(`web console: a ${opts.consoleNodes}-node trace and the list over ${opts.consoleTraces} traces, in headless Chromium`);
      try {
        const result = await benchConsole(opts, gens, log);
        if ('unavailable' in result) consoleNote = result.unavailable;
        else consoleResult = result;
      } catch (err) {
        consoleNote = `console bench failed: ${(err as Error).message}`;
      }
      if (consoleNote) log(consoleNote);
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

  let startup: StartupRow[] = [];
  let startupNote: string | undefined;
  if (opts.startup) {
    log(`start-up and idle RSS: ${opts.startupRuns} starts per launcher`);
    ({ rows: startup, note: startupNote } = await benchStartup(opts.startupRuns));
    if (startupNote) log(startupNote);
  }
  const checks = checkTargets(rows, local, api, consoleResult);
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}; calibration: native SHA-256 ${calibration.sha256MBps.toFixed(0)} MB/s, JS loop ${calibration.jsLoopMops.toFixed(0)} M/s`;
  const out = [`## xrayd benchmark (${new Date().toISOString()})`, '', machine, ''];
  const names = targets.map((t) => (t.name === 'go' ? `the Go daemon (${opts.reference})` : '`node bin/xrayd`'));
  if (rows.length) {
    out.push(
      `Relay to a local sink: ${names.join(' and ')}, both with \`-m ${opts.bufferMb}\`, started fresh per run and interleaved; ${opts.bytes}-byte datagrams, ${opts.seconds} s per rate, ${opts.repeat} round(s), ${gens.count} ${generatorName} generator process(es). Cells: median (min–max) over the rounds; loss: best (min–max). CPU from /proc of the daemon process, per segment delivered.${opts.daemonArgs.length ? ` xrayd's extra arguments: \`${opts.daemonArgs.join(' ')}\`.` : ''}${bareReceiver ? ` The bare socket reads with ${bareReceiver === 'native' ? 'the native receiver (recvmmsg batches)' : 'node:dgram'}.` : ''}`,
      '',
      comparisonTable(rows, bareRows, opts.rates, targets.length > 1),
      '',
      idleTable(rows, targets.map((t) => t.name)),
      '',
      '<details><summary>every run</summary>',
      '',
      runsTable(rows, bareRows),
      '',
      '</details>',
      '',
    );
  }
  if (local) out.push(localTable(local), '');
  if (localNote) out.push(`Local backend: ${localNote}`, '');
  if (api) out.push(apiTable(api), '');
  if (apiNote) out.push(`Local X-Ray API: ${apiNote}`, '');
  if (consoleResult) out.push(consoleTable(consoleResult), '');
  if (consoleNote) out.push(`Web console: ${consoleNote}`, '');
  if (otlpRows.length) out.push('OpenTelemetry intake (OTLP/HTTP from a generator process, 4 requests in flight) next to the UDP path:', '', otlpTable(otlpRows, rows, local), '');
  if (otlpNote) out.push(`OpenTelemetry intake: ${otlpNote}`, '');
  if (startup.length) out.push('Start-up (spawn to "xrayd started", relay backend) and RSS after 2 s idle:', '', startupTable(startup), '');
  if (startupNote) out.push(`Start-up: ${startupNote}`, '');
  out.push(targetsTable(checks), '', `(bench took ${((Date.now() - started) / 1000).toFixed(0)} s)`, '');
  const profiles = [...rows.filter((r) => r.profile).map((r) => ({ label: `xrayd at ${r.rate}/s`, file: r.profile })), { label: 'local backend ingest', file: local?.profile }];
  for (const { label, file } of profiles) {
    if (!file || !existsSync(file)) continue;
    out.push('```', formatSummary(`${label} (${file})`, summarizeProfile(file)), '```', '');
  }
  process.stdout.write(out.join('\n'));
  const file = path.resolve(opts.out);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, calibration, generator: generatorName, options: opts, relay: rows, bare: bareRows, local, localNote, api, apiNote, otlp: otlpRows, otlpNote, console: consoleResult, consoleNote, startup, startupNote, targets: checks }, null, 2));
  log(`wrote ${file} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).message.includes('\n') ? (err as Error).message : ((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
