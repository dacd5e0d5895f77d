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
  return {
    logger,
    reopen: () => sonic.reopen?.(),
    flush: () => {
      try {
        sonic.flushSync?.();
      } catch {
        // not ready yet (nothing written): nothing to flush
      }
    },
  };
}

/** A logger that discards everything (for components constructed in tests without a logger). */
export const silentLogger: Logger = pino({ level: 'silent' });
