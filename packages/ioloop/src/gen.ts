import { IOLoop } from './ioloop';
import { appLog } from './log';
import type { TimeoutHandle } from './timeout-heap';
import { TimeoutRace, isQuiet, type ErrorClass } from './timeout-race';

export type { ErrorClass } from './timeout-race';

/** Options of {@link sleep}. */
export interface SleepOptions {
  /** Wake early: the sleep rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** One sleep that can be aborted: removes its timeout or its listener, whichever is left, when it ends. */
class AbortableSleep {
  readonly promise: Promise<void>;
  #resolve!: () => void;
  #reject!: (reason: unknown) => void;
  #loop: IOLoop;
  #signal: AbortSignal;
  #handle: TimeoutHandle;

  constructor(loop: IOLoop, ms: number, signal: AbortSignal) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#loop = loop;
    this.#signal = signal;
    this.#handle = loop.callLater(ms, this.#onWake);
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  #onWake = (): void => {
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#resolve();
  };

  #onAbort = (): void => {
    this.#loop.removeTimeout(this.#handle);
    this.#reject(this.#signal.reason);
  };
}

/**
 * Resolves after `ms` milliseconds on the current IOLoop's clock (never early by that clock).
 * With a `signal`, rejects with its reason as soon as it aborts.
 */
export function sleep(ms: number, options?: SleepOptions): Promise<void> {
  if (typeof ms !== 'number' || Number.isNaN(ms)) throw new TypeError(`sleep() needs a number of ms, got ${String(ms)}`);
  const signal = options?.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const loop = IOLoop.current();
  if (signal === undefined) return new Promise<void>((resolve) => loop.callLater(ms, resolve));
  return new AbortableSleep(loop, ms, signal).promise;
}

/** The time limit of {@link withTimeout}: ms from now, or an absolute `IOLoop.time()` deadline. */
export type TimeoutSpec = number | { timeout: number } | { deadline: number };

/** Options of {@link withTimeout}. */
export interface WithTimeoutOptions {
  /** Late failures of these classes are not logged. */
  quietExceptions?: ErrorClass | readonly ErrorClass[];
}

function deadlineOf(loop: IOLoop, spec: TimeoutSpec): number {
  const deadline = typeof spec === 'number' ? loop.time() + spec : 'deadline' in spec ? spec.deadline : loop.time() + spec.timeout;
  if (typeof deadline !== 'number' || Number.isNaN(deadline)) throw new TypeError('withTimeout() needs a timeout in ms or a deadline');
  return deadline;
}

/**
 * Settles like `promise`, or rejects with `TimeoutError` once the time limit passes. The promise is
 * not cancelled; if it rejects later, that error is logged through `appLog` unless it is an
 * instance of one of `quietExceptions`.
 * @throws {TimeoutError} when the limit passes first.
 */
export function withTimeout<T>(promise: T | PromiseLike<T>, limit: TimeoutSpec, options?: WithTimeoutOptions): Promise<T> {
  const loop = IOLoop.current();
  const deadline = deadlineOf(loop, limit);
  return new TimeoutRace<T>(loop, Promise.resolve(promise), deadline, {
    message: 'Timeout',
    lateMessage: 'Exception in promise after timeout',
    quietExceptions: options?.quietExceptions,
  }).promise;
}

/** Options of {@link multi}. */
export interface MultiOptions {
  /** Errors after the first of these classes are not logged. */
  quietExceptions?: ErrorClass | readonly ErrorClass[];
}

/** What {@link multi} resolves to: the input's shape with every value awaited. */
export type MultiResult<T> = { -readonly [K in keyof T]: Awaited<T[K]> };

function collect(results: PromiseSettledResult<unknown>[], quiet: MultiOptions['quietExceptions']): unknown[] {
  const values = new Array<unknown>(results.length);
  let failed = false;
  let firstError: unknown;
  for (let i = 0; i < results.length; i++) {
    const result = results[i];
    if (result.status === 'fulfilled') values[i] = result.value;
    else if (!failed) {
      failed = true;
      firstError = result.reason;
    } else if (!isQuiet(result.reason, quiet)) {
      appLog.error('Multiple exceptions in multi()', result.reason);
    }
  }
  if (failed) throw firstError;
  return values;
}

/**
 * Waits for every input (an array or a record of promises or values) and resolves to the same shape
 * of results. Unlike `Promise.all` it always waits for all of them; it then rejects with the first
 * error by position and logs the other errors through `appLog` (unless `quietExceptions`).
 */
export function multi<const T extends readonly unknown[]>(children: T, options?: MultiOptions): Promise<MultiResult<T>>;
export function multi<T extends Readonly<Record<string, unknown>>>(children: T, options?: MultiOptions): Promise<MultiResult<T>>;
export async function multi(children: readonly unknown[] | Readonly<Record<string, unknown>>, options?: MultiOptions): Promise<unknown> {
  const quiet = options?.quietExceptions;
  if (Array.isArray(children)) return collect(await Promise.allSettled(children), quiet);
  const record = children as Readonly<Record<string, unknown>>;
  const keys = Object.keys(record);
  const values = collect(await Promise.allSettled(keys.map((key) => record[key])), quiet);
  const result: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) result[keys[i]] = values[i];
  return result;
}
