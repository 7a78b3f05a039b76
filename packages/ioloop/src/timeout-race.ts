import { TimeoutError } from './errors';
import { appLog } from './log';
import type { IOLoop } from './ioloop';
import type { TimeoutHandle } from './timeout-heap';

/** A class of errors, for `quietExceptions` lists. */
export type ErrorClass = abstract new (...args: never[]) => unknown;

/** True when `error` is an instance of `quiet` (one class or a list of them). */
export function isQuiet(error: unknown, quiet: ErrorClass | readonly ErrorClass[] | undefined): boolean {
  if (quiet === undefined) return false;
  if (typeof quiet === 'function') return error instanceof quiet;
  for (const cls of quiet) if (error instanceof cls) return true;
  return false;
}

/** How a {@link TimeoutRace} reports. */
export interface TimeoutRaceOptions {
  /** Message of the `TimeoutError` when the deadline passes first. */
  message: string;
  /** Logged (with the error) when the source rejects after the race was given up. */
  lateMessage: string;
  /** Errors of these classes are not logged when they arrive late. */
  quietExceptions?: ErrorClass | readonly ErrorClass[] | undefined;
  /** Told the reason when the race is given up (timeout or `giveUp`), e.g. to abort the source. */
  onGiveUp?: ((reason: Error) => void) | undefined;
}

/**
 * Settles like `source` unless a loop deadline passes (or `giveUp` is called) first; then it rejects
 * and any later failure of `source` is logged through appLog instead of being lost.
 */
export class TimeoutRace<T> {
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;
  #loop: IOLoop;
  #handle: TimeoutHandle | undefined;
  #options: TimeoutRaceOptions;
  #settled = false;
  #givenUpWith: Error | undefined = undefined;

  constructor(loop: IOLoop, source: PromiseLike<T>, deadline: number | undefined, options: TimeoutRaceOptions) {
    this.#loop = loop;
    this.#options = options;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#handle = deadline === undefined ? undefined : loop.callAt(deadline, this.#onDeadline);
    source.then(this.#onValue, this.#onError);
  }

  /** Rejects now with `reason` (unless already settled); a later failure of the source is logged. */
  giveUp(reason: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#givenUpWith = reason;
    this.#clearDeadline();
    this.#reject(reason);
    this.#options.onGiveUp?.(reason);
  }

  #onDeadline = (): void => {
    this.#handle = undefined;
    this.giveUp(new TimeoutError(this.#options.message));
  };

  #onValue = (value: T): void => {
    if (this.#settled) return;
    this.#settled = true;
    this.#clearDeadline();
    this.#resolve(value);
  };

  #onError = (error: unknown): void => {
    if (!this.#settled) {
      this.#settled = true;
      this.#clearDeadline();
      this.#reject(error);
      return;
    }
    // Rejecting with the reason we gave up with means the source honoured its abort: nothing to report.
    if (error === this.#givenUpWith || isQuiet(error, this.#options.quietExceptions)) return;
    appLog.error(this.#options.lateMessage, error);
  };

  #clearDeadline(): void {
    if (this.#handle !== undefined) {
      this.#loop.removeTimeout(this.#handle);
      this.#handle = undefined;
    }
  }
}
