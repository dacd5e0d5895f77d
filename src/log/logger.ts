import pino, { type Logger, type DestinationStream } from 'pino';
import type { LogLevelName } from '../config/config.js';

export type { Logger };

/** The reference daemon's level names mapped to pino's (`dev` is the most verbose, `prod` = info). */
export const PINO_LEVEL: Record<LogLevelName, pino.Level> = {
  dev: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  prod: 'info',
};

export interface LoggerHandle {
  logger: Logger;
  /** Reopens the log file (after logrotate moved it); no-op on stdout. */
  reopen(): void;
  /** Writes out anything buffered; call before exiting. */
  flush(): void;
}

/**
 * Creates the root logger. Credentials never reach a log line: the paths below are redacted
 * wherever they appear in a logged object.
 */
export function createLogger(level: LogLevelName, logPath?: string, destination?: DestinationStream): LoggerHandle {
  const dest =
    destination ?? (logPath ? pino.destination({ dest: logPath, mkdir: true, sync: false }) : pino.destination({ dest: 1, sync: false }));
  const logger = pino(
    {
      name: 'xrayd',
      level: PINO_LEVEL[level],
      base: { pid: process.pid },
      redact: {
        paths: ['*.secretAccessKey', '*.sessionToken', '*.accessKeyId', '*.authorization', '*.Authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    dest,
  );
  const sonic = dest as DestinationStream & { reopen?: () => void; flushSync?: () => void };
  if (isEmitter(sonic)) guardDestination(sonic);
  return {
    logger,
    reopen: () => reopenSafely(sonic, logger),
    flush: () => {
      try {
        sonic.flushSync?.();
      } catch {
        // not ready yet (nothing written): nothing to flush
      }
    },
  };
}

type Emitter = NodeJS.EventEmitter;

function isEmitter(x: unknown): x is Emitter {
  return typeof (x as Emitter | undefined)?.on === 'function';
}

/**
 * A log destination that fails (disk full, file-size limit, a deleted directory) must not end the
 * process: sonic-boom emits 'error', which with no listener would throw. Told once per episode on
 * stderr (the log itself may be what fails); the next successful open ends the episode.
 */
function guardDestination(sonic: Emitter): void {
  let failing = false;
  sonic.on('error', (err: Error) => {
    if (failing) return;
    failing = true;
    process.stderr.write(`xrayd: cannot write the log: ${err.message}\n`);
  });
  sonic.on('ready', () => (failing = false));
}

/**
 * Reopens the log file (logrotate's SIGHUP). sonic-boom's reopen registers a 'ready' listener that
 * closes the old descriptor; when the open fails that listener stays behind, and the next
 * successful reopen closes the same descriptor number twice: by then it may belong to another file
 * or socket. So a failed reopen removes what it registered; logging goes on to the old file.
 */
function reopenSafely(sonic: DestinationStream & { reopen?: () => void }, logger: Logger): void {
  if (!sonic.reopen || !isEmitter(sonic)) return;
  const before = new Set(sonic.listeners('ready'));
  const onError = (err: Error): void => {
    for (const l of sonic.listeners('ready')) if (!before.has(l)) sonic.removeListener('ready', l as (...a: unknown[]) => void);
    logger.error({ err: err.message }, 'could not reopen the log file; logging goes on to the old file');
  };
  sonic.once('error', onError);
  sonic.once('ready', () => sonic.removeListener('error', onError));
  try {
    sonic.reopen();
  } catch (err) {
    sonic.removeListener('error', onError);
    logger.error({ err: (err as Error).message }, 'could not reopen the log file');
  }
}

/** A logger that discards everything (for components constructed in tests without a logger). */
export const silentLogger: Logger = pino({ level: 'silent' });
