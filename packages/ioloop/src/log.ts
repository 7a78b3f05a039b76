import { formatWithOptions } from 'node:util';

/** Severity of a log record, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Anything with these four methods can receive records (console, pino, winston...). */
export interface LogSink {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const LEVEL_LETTER: Record<LogLevel, string> = { debug: 'D', info: 'I', warn: 'W', error: 'E' };
const LEVEL_COLOR: Record<LogLevel, string> = { debug: '\x1b[34m', info: '\x1b[32m', warn: '\x1b[33m', error: '\x1b[31m' };

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined) return false;
  if (process.env.FORCE_COLOR !== undefined) return true;
  return stream.isTTY === true;
}

/**
 * Tornado's console format, `[E 261121 07:30:01 tornado.application] message`, with the level
 * colored on a terminal and error stacks printed after the message.
 */
export function formatLogRecord(name: string, level: LogLevel, message: string, args: readonly unknown[], color = false): string {
  const d = new Date();
  const stamp = `${pad2(d.getFullYear() % 100)}${pad2(d.getMonth() + 1)}${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const prefix = `[${LEVEL_LETTER[level]} ${stamp} ${name}]`;
  const text = formatWithOptions({ colors: color }, message, ...args);
  return color ? `${LEVEL_COLOR[level]}${prefix}\x1b[0m ${text}` : `${prefix} ${text}`;
}

function consoleSink(name: string): LogSink {
  const emit = (level: LogLevel) => (message: string, ...args: unknown[]) => {
    process.stderr.write(`${formatLogRecord(name, level, message, args, useColor(process.stderr))}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * A named logger (Tornado's `app_log`, `gen_log`, `access_log`). Records below `level` are dropped;
 * the rest go to the sink, by default a colored console writer on stderr.
 */
export class Logger implements LogSink {
  readonly name: string;
  /** Records below this level are dropped. */
  level: LogLevel;
  #sink: LogSink;

  constructor(name: string, options?: { level?: LogLevel; sink?: LogSink }) {
    this.name = name;
    this.level = options?.level ?? defaultLevel();
    this.#sink = options?.sink ?? consoleSink(name);
  }

  /** The receiver of this logger's records. */
  get sink(): LogSink {
    return this.#sink;
  }

  /** Sends this logger's records to `sink` (pino, winston, a test capture); returns the previous one. */
  setSink(sink: LogSink): LogSink {
    const previous = this.#sink;
    this.#sink = sink;
    return previous;
  }

  /** True when a record of `level` would be emitted. */
  isEnabledFor(level: LogLevel): boolean {
    return LEVEL_RANK[level] >= LEVEL_RANK[this.level];
  }

  /** Logs a debug record (dropped unless the level is `debug`). */
  debug(message: string, ...args: unknown[]): void {
    if (this.isEnabledFor('debug')) this.#sink.debug(message, ...args);
  }

  /** Logs an informational record. */
  info(message: string, ...args: unknown[]): void {
    if (this.isEnabledFor('info')) this.#sink.info(message, ...args);
  }

  /** Logs a warning. */
  warn(message: string, ...args: unknown[]): void {
    if (this.isEnabledFor('warn')) this.#sink.warn(message, ...args);
  }

  /** Logs an error; pass the `Error` as an argument to print its stack. */
  error(message: string, ...args: unknown[]): void {
    if (this.isEnabledFor('error')) this.#sink.error(message, ...args);
  }
}

function defaultLevel(): LogLevel {
  const fromEnv = process.env.TORNADO_LOG_LEVEL?.toLowerCase();
  return fromEnv !== undefined && fromEnv in LEVEL_RANK ? (fromEnv as LogLevel) : 'info';
}

/** Errors in callbacks and handlers: "something the application did went wrong". */
export const appLog = new Logger('tornado.application');
/** The framework's own messages: connection errors, timeouts, misuse. */
export const genLog = new Logger('tornado.general');
/** One line per HTTP request served. */
export const accessLog = new Logger('tornado.access');

/** Sends all three built-in loggers to one sink (say a pino instance). */
export function setLogSink(sink: LogSink): void {
  appLog.setSink(sink);
  genLog.setSink(sink);
  accessLog.setSink(sink);
}

/** Options for {@link expectLog}. */
export interface ExpectLogOptions {
  /** Fail when no matching record was logged (default true). */
  required?: boolean;
  /** Only records of this level match. */
  level?: LogLevel;
}

/**
 * Runs `fn` while capturing records of `logger` that match `pattern`: matches are swallowed (so an
 * expected error does not clutter test output), others pass through. Throws if `required` and no
 * record matched. Returns what `fn` returned.
 */
export async function expectLog<R>(
  logger: Logger,
  pattern: RegExp | string,
  fn: () => R | Promise<R>,
  options?: ExpectLogOptions,
): Promise<R> {
  const regex = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  const previousLevel = logger.level;
  let matched = 0;
  const capture = (level: LogLevel) => (message: string, ...args: unknown[]) => {
    const text = formatWithOptions({ colors: false }, message, ...args);
    regex.lastIndex = 0; // a /g or /y pattern would otherwise resume where its last match ended
    if ((options?.level === undefined || options.level === level) && regex.test(text)) matched++;
    else if (LEVEL_RANK[level] >= LEVEL_RANK[previousLevel]) previous[level](message, ...args);
  };
  const previous = logger.setSink({ debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') });
  // Let records below the configured level reach the capture, so debug-level expectations work.
  logger.level = 'debug';
  try {
    const result = await fn();
    if (options?.required !== false && matched === 0) {
      throw new Error(`expected a ${logger.name} log record matching ${regex}, none was logged`);
    }
    return result;
  } finally {
    logger.setSink(previous);
    logger.level = previousLevel;
  }
}
