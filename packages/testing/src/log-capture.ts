import { formatWithOptions } from 'node:util';
import type { Logger, LogLevel, LogSink } from '@tornado-ts/ioloop';

/** One captured log record: its level, the formatted text (arguments included) and the raw arguments. */
export interface CapturedRecord {
  level: LogLevel;
  text: string;
  args: unknown[];
}

/** What {@link captureLogs} returns: the records so far, and `restore()` to put the loggers back. */
export interface CapturedLogs {
  /** Every record of the captured loggers since the capture began, in order. */
  readonly records: CapturedRecord[];
  /** True when a record carried an `Error` (so its stack was logged): Tornado's `ExpectLog.logged_stack`. */
  readonly loggedStack: boolean;
  /** Gives the loggers back their sinks and levels; call it in `afterEach`. */
  restore(): void;
}

/**
 * Sends every record of `loggers` to a list instead of their sinks until `restore()`, with their
 * levels lowered to `debug` meanwhile: for tests that inspect what was logged (several records,
 * their arguments, whether a stack was logged) where `expectLog`'s one pattern is not enough.
 */
export function captureLogs(...loggers: Logger[]): CapturedLogs {
  const records: CapturedRecord[] = [];
  const previous = loggers.map((logger) => ({ logger, sink: logger.sink, level: logger.level }));
  const into = (level: LogLevel) => (message: string, ...args: unknown[]) => {
    records.push({ level, text: formatWithOptions({ colors: false }, message, ...args), args });
  };
  const sink: LogSink = { debug: into('debug'), info: into('info'), warn: into('warn'), error: into('error') };
  for (const logger of loggers) {
    logger.setSink(sink);
    logger.level = 'debug';
  }
  return {
    records,
    get loggedStack() {
      return records.some((record) => record.args.some((arg) => arg instanceof Error));
    },
    restore() {
      for (const { logger, sink: old, level } of previous) {
        logger.setSink(old);
        logger.level = level;
      }
    },
  };
}
