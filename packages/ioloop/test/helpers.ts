import { formatWithOptions } from 'node:util';
import type { LogLevel, Logger } from '@tornado-ts/ioloop';

/** Keeps the thread busy for `ms` milliseconds, as a blocking callback would. */
export function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** One record caught by {@link captureLog}, already formatted. */
export interface CapturedRecord {
  level: LogLevel;
  text: string;
  args: unknown[];
}

/**
 * Sends `logger`'s records into a list for the duration of `fn` (for asserting that nothing, or
 * exactly some records, were logged); restores the previous sink and level afterwards.
 */
export async function captureLog(logger: Logger, fn: () => unknown): Promise<CapturedRecord[]> {
  const records: CapturedRecord[] = [];
  const catcher = (level: LogLevel) => (message: string, ...args: unknown[]) => {
    records.push({ level, text: formatWithOptions({ colors: false }, message, ...args), args });
  };
  const previous = logger.setSink({ debug: catcher('debug'), info: catcher('info'), warn: catcher('warn'), error: catcher('error') });
  const level = logger.level;
  logger.level = 'debug';
  try {
    await fn();
  } finally {
    logger.setSink(previous);
    logger.level = level;
  }
  return records;
}

/** Resolves after `ms` ms of plain Node timers, independent of the IOLoop under test. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Counts the ref'd Node timers keeping the process alive. */
export function refTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}
