import { Command, CommanderError, Option } from 'commander';
import { loadConfig, LOG_LEVELS, BACKENDS, UDP_RECEIVERS, type CliFlags } from './config/load-config.js';
import { ConfigError } from './config/errors.js';
import { createLogger } from './log/logger.js';
import { Daemon } from './daemon.js';
import { RegionNotFoundError } from './xray/region.js';
import { VERSION } from './version.js';
import { lookupTrace } from './ledger/trace-command.js';

/** The reference daemon's long flags, which Go also accepts with one dash (`-bind=...`). */
const LONG_FLAGS = ['resource-arn', 'local-mode', 'buffer-memory', 'region', 'bind', 'bind-tcp', 'role-arn', 'config', 'log-file', 'log-level', 'proxy-address', 'version', 'help', 'endpoint', 'backend', 'store-path', 'allowed-hosts', 'otlp-bind', 'otlp-upload', 'otlp-endpoint', 'spool-dir', 'spool-mb', 'udp-receiver'];

/** `-bind=x` -> `--bind=x`, so command lines written for the reference daemon keep working. */
export function normalizeArgs(args: string[]): string[] {
  return args.map((a) => {
    const m = /^-([a-z][a-z-]+)(=.*)?$/.exec(a);
    return m && LONG_FLAGS.includes(m[1]) ? `-${a}` : a;
  });
}

function buildProgram(): Command {
  return new Command('xrayd')
    .description('AWS X-Ray daemon: relays segments from X-Ray SDKs (UDP) to X-Ray, or keeps them locally (--backend local)')
    .version(VERSION, '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help')
    .option('-a, --resource-arn <arn>', 'Amazon Resource Name of the AWS resource running the daemon')
    .option('-o, --local-mode', "don't look up EC2/ECS metadata")
    .option('-m, --buffer-memory <MB>', 'segment buffer size in MB (minimum 3; default 1% of available memory)')
    .option('-n, --region <region>', 'AWS region to send segments to')
    .option('-b, --bind <host:port>', 'UDP address to listen on (default 127.0.0.1:2000)')
    .option('-t, --bind-tcp <host:port>', 'TCP address to listen on (default 127.0.0.1:2000)')
    .option('-r, --role-arn <arn>', 'assume this IAM role to upload segments')
    .option('-c, --config <file>', 'YAML config file (default /etc/amazon/xray/cfg.yaml, then ./cfg.yaml)')
    .option('-f, --log-file <file>', 'write logs to this file instead of stdout')
    .addOption(new Option('-l, --log-level <level>', 'log level').choices(LOG_LEVELS as string[]))
    .option('-p, --proxy-address <url>', 'HTTPS proxy for calls to AWS')
    .option('--endpoint <url>', 'X-Ray endpoint (default https://xray.<region>.amazonaws.com)')
    .addOption(new Option('--backend <kind>', 'where segments go: aws (X-Ray) or local (kept on this machine)').choices(BACKENDS as string[]))
    .option('--store-path <file>', 'local backend: keep traces in this file across restarts')
    .option('--spool-dir <dir>', 'aws backend and OTLP export: keep undelivered segments in this directory across outages and restarts')
    .option('--spool-mb <MB>', 'limit of the spool directory in MB (default 1024)')
    .addOption(new Option('--udp-receiver <kind>', 'how UDP is read: native (recvmmsg batches, Linux), dgram (node:dgram) or auto (native when available)').choices(UDP_RECEIVERS as string[]))
    .addHelpText('after', '\nCommands:\n  xrayd trace <traceId> [-t host:port] [-c config] [--json]   what a running daemon did with a trace')
    .option('--otlp-bind <host:port>', 'OTLP/HTTP address for OpenTelemetry SDKs (default 127.0.0.1:4318; "" = off)')
    .option('--otlp-upload', "aws backend: send OTLP spans to X-Ray's OTLP endpoint (needs Transaction Search) instead of as segments")
    .option('--allowed-hosts <names>', 'host names the TCP port answers besides localhost and IP addresses (comma-separated; ".domain" for subdomains too; "*" for any)')
    .option('--otlp-endpoint <url>', 'also export every segment as OTLP/HTTP protobuf to this receiver (e.g. http://localhost:4318)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** `xrayd trace <traceId>`: prints a running daemon's ledger record of the trace. */
async function traceCommand(argv: string[]): Promise<never> {
  const cmd = new Command('xrayd trace')
    .argument('<traceId>', 'the trace id, e.g. 1-5759e988-bd862e3fe1be46a994272793')
    .option('-t, --bind-tcp <host:port>', "the daemon's TCP address (default: from the config, else 127.0.0.1:2000)")
    .option('-c, --config <file>', 'read the TCP address from this config file')
    .option('--json', 'print the JSON record as served by GET /debug/traces/<traceId>')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    process.exit(err instanceof CommanderError && err.code === 'commander.helpDisplayed' ? 0 : 2);
  }
  const opts = cmd.opts<{ bindTcp?: string; config?: string; json?: boolean }>();
  let address;
  try {
    address = loadConfig({ bindTcp: opts.bindTcp, config: opts.config }, process.env).config.tcpAddress;
  } catch (err) {
    process.stderr.write(`xrayd trace: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const result = await lookupTrace(address, cmd.args[0], opts.json === true);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.exitCode);
}

/** Entry point: the only place that reads argv or calls process.exit. */
export async function main(argv: string[]): Promise<void> {
  if (argv[2] === 'trace') return traceCommand(argv.slice(3)); // argv: node, script, command...
  const program = buildProgram();
  try {
    program.parse(normalizeArgs(argv));
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.version' || err.code === 'commander.helpDisplayed' || err.code === 'commander.help') process.exit(0);
      process.stderr.write(program.helpInformation());
      process.exit(2);
    }
    throw err;
  }
  const flags = program.opts<CliFlags>();
  let loaded;
  try {
    loaded = loadConfig(flags, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`xrayd: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { config, configPath } = loaded;
  const log = createLogger(config.logLevel, config.logPath);
  const logger = log.logger;
  if (configPath) logger.info({ configPath }, 'loaded config file');

  let daemon: Daemon | undefined;
  // Last resort only: every background task catches its own errors where they happen (and reports
  // them in /healthz). Anything that still escapes is a bug: logged and counted, never fatal.
  process.on('unhandledRejection', (reason) => {
    daemon?.faults.count('process');
    logger.error({ err: reason }, 'unhandled promise rejection (a bug: please report it); the daemon keeps running');
  });
  process.on('uncaughtException', (err) => {
    daemon?.faults.count('process');
    logger.error({ err }, 'uncaught exception (a bug: please report it); the daemon keeps running');
  });
  // A file-size limit (ulimit -f) must surface as EFBIG on the write, which is handled, not as a
  // signal that kills the process (Node ignores SIGXFSZ today; this keeps it so).
  if (process.platform !== 'win32') process.on('SIGXFSZ', () => {});

  try {
    daemon = await Daemon.create(config, { logger, env: process.env });
    await daemon.start();
    const where = daemon.endpoints();
    const lines = [`xrayd ${VERSION}: segments on UDP ${where.udp}`];
    if (where.console) lines.push(`  console:      ${where.console}`, `  X-Ray API:    ${where.http} (aws --endpoint-url, SDK endpoint)`);
    else lines.push(`  sampling proxy, /healthz, /metrics: ${where.http}`);
    lines.push(`  trace lookup: ${where.traceLookup}  (or: xrayd trace <traceId>)`);
    process.stderr.write(`${lines.join('\n')}\n`);
  } catch (err) {
    const message = err instanceof RegionNotFoundError ? err.message : `cannot start: ${(err as Error).message}`;
    logger.fatal({ err }, message);
    log.flush();
    process.stderr.write(`xrayd: ${message}\n`);
    process.exit(1);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now without waiting for uploads');
      log.flush();
      process.exit(1);
    }
    logger.info({ signal }, 'signal received');
    daemon!.shutdown().then(
      () => {
        log.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        log.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => log.reopen()); // logrotate: reopen the log file
}
