import { IOLoop, callbackName, isThenable, logCallbackError } from './ioloop';
import type { TimeoutHandle } from './timeout-heap';

/** Options of {@link PeriodicCallback}. */
export interface PeriodicCallbackOptions {
  /**
   * Spread each period at random over `period * (1 ± jitter / 2)`, so that timers started
   * together drift apart; `0.1` allows 10% variation. Default 0.
   */
  jitter?: number;
}

/**
 * The next run time of a periodic schedule: one period after `scheduled`, or, when `now` is already
 * past it, the first multiple of the period after `now`, so late runs are skipped rather than
 * bunched. A clock that went backwards still advances by one period. `random` is in [0, 1).
 */
export function nextPeriodicDeadline(scheduled: number, now: number, period: number, jitter: number, random: () => number): number {
  const step = jitter === 0 ? period : period * (1 + jitter * (random() - 0.5));
  if (scheduled <= now) return scheduled + (Math.floor((now - scheduled) / step) + 1) * step;
  return scheduled + step;
}

/**
 * Calls `fn` every `ms` milliseconds on the current IOLoop. A promise `fn` returns is awaited before
 * the next run is scheduled; runs missed while it was busy are skipped, never made up in a burst.
 * Errors are logged through `appLog` and the schedule goes on. Call `start()` to begin.
 */
export class PeriodicCallback {
  /** The period in ms. */
  readonly callbackTime: number;
  /** The jitter fraction (see {@link PeriodicCallbackOptions.jitter}). */
  readonly jitter: number;
  #fn: () => unknown;
  #loop: IOLoop | undefined = undefined;
  #running = false;
  #inFlight = false;
  #nextTimeout = 0;
  #handle: TimeoutHandle | undefined = undefined;

  /** @throws {RangeError} unless `ms` is a positive finite number and `jitter` is in [0, 1]. */
  constructor(fn: () => unknown, ms: number, options?: PeriodicCallbackOptions) {
    if (!(ms > 0 && ms < Infinity)) throw new RangeError(`PeriodicCallback needs a positive period in ms, got ${ms}`);
    const jitter = options?.jitter ?? 0;
    if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`jitter must be between 0 and 1, got ${jitter}`);
    this.#fn = fn;
    this.callbackTime = ms;
    this.jitter = jitter;
    // The loop names what it runs in blocking warnings: name the runner after the user's function.
    Object.defineProperty(this.#run, 'name', { value: `PeriodicCallback(${callbackName(fn)})` });
  }

  /** Starts the schedule on the current loop (first run one period from now); no-op if running. */
  start(): void {
    if (this.#running) return;
    this.#loop = IOLoop.current();
    this.#running = true;
    this.#nextTimeout = this.#loop.time();
    // A run still finishing from before a stop() schedules the next one itself when it ends.
    if (!this.#inFlight) this.#scheduleNext();
  }

  /** Stops the schedule; a run in progress finishes but no further run happens. */
  stop(): void {
    this.#running = false;
    if (this.#handle !== undefined) {
      this.#loop?.removeTimeout(this.#handle);
      this.#handle = undefined;
    }
  }

  /** True between `start()` and `stop()`. */
  isRunning(): boolean {
    return this.#running;
  }

  #run = async (): Promise<void> => {
    this.#handle = undefined;
    if (!this.#running) return;
    this.#inFlight = true;
    try {
      const result = this.#fn();
      if (isThenable(result)) await result;
    } catch (error) {
      logCallbackError(this.#fn, error);
    } finally {
      this.#inFlight = false;
      this.#scheduleNext();
    }
  };

  #scheduleNext(): void {
    const loop = this.#loop;
    if (!this.#running || loop === undefined) return;
    this.#nextTimeout = nextPeriodicDeadline(this.#nextTimeout, loop.time(), this.callbackTime, this.jitter, Math.random);
    this.#handle = loop.callAt(this.#nextTimeout, this.#run);
  }
}
