import { Deque } from './deque';
import { TimeoutError } from './errors';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options every wait that can time out accepts: a duration in ms and/or an AbortSignal. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeout?: number;
  /** Give up when this signal aborts; the wait rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** What a {@link Waiter} does when its timeout fires; the default rejects with `TimeoutError`. */
export interface WaiterBehaviour<T> {
  /** Resolve with this value instead of rejecting on timeout (Tornado's `Condition.wait`). */
  onTimeout?: () => T;
  /** Told once when the waiter settles by timeout or abort, so an owner can forget it. */
  onCancel?: () => void;
}

/**
 * One pending wait: a promise that settles exactly once, by `resolve`/`reject`, by its timeout or by
 * its AbortSignal, and that removes its timer and abort listener when it does.
 */
export class Waiter<T, P = undefined> {
  readonly promise: Promise<T>;
  /** What the waiter carries for its owner (a queued item, say); `undefined` unless given. */
  readonly payload: P;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;
  #settled = false;
  #timer: NodeJS.Timeout | undefined = undefined;
  #overflow = 0;
  #signal: AbortSignal | undefined = undefined;
  #behaviour: WaiterBehaviour<T> | undefined;

  constructor(options?: WaitOptions, behaviour?: WaiterBehaviour<T>, payload?: P) {
    this.#behaviour = behaviour;
    this.payload = payload as P;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const timeout = options?.timeout;
    const signal = options?.signal;
    // Checked before anything is registered, so a bad value leaves no listener behind. Settled at
    // once and never queued, so the owner has nothing to forget: no onCancel.
    if (timeout !== undefined && !(timeout >= 0)) {
      this.#finish();
      this.#reject(new RangeError(`timeout must be a non-negative number of ms, got ${timeout}`));
      return;
    }
    if (signal?.aborted) {
      this.#finish();
      this.#reject(signal.reason);
      return;
    }
    if (signal) {
      this.#signal = signal;
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    if (timeout !== undefined && timeout !== Infinity) this.#arm(timeout);
  }

  /** True once the waiter has resolved, rejected, timed out or been aborted. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Settles with `value`; returns false (and does nothing) if already settled. */
  resolve(value: T): boolean {
    if (this.#settled) return false;
    this.#finish();
    this.#resolve(value);
    return true;
  }

  /** Settles with `reason`; returns false (and does nothing) if already settled. */
  reject(reason: unknown): boolean {
    if (this.#settled) return false;
    this.#finish();
    this.#reject(reason);
    return true;
  }

  /** Node fires any delay above 2^31-1 ms after 1 ms; longer waits are taken in steps. */
  #arm(ms: number): void {
    this.#overflow = ms > MAX_TIMER_MS ? ms - MAX_TIMER_MS : 0;
    this.#timer = setTimeout(this.#onTimeout, Math.min(ms, MAX_TIMER_MS));
  }

  #onTimeout = (): void => {
    this.#timer = undefined;
    if (this.#overflow > 0) {
      this.#arm(this.#overflow);
      return;
    }
    this.#cancel(true, undefined);
  };

  #onAbort = (): void => {
    this.#cancel(false, this.#signal?.reason);
  };

  #cancel(byTimeout: boolean, reason: unknown): void {
    if (this.#settled) return;
    this.#finish();
    const onTimeout = this.#behaviour?.onTimeout;
    if (byTimeout && onTimeout) this.#resolve(onTimeout());
    else this.#reject(byTimeout ? new TimeoutError() : reason);
    this.#behaviour?.onCancel?.();
  }

  #finish(): void {
    this.#settled = true;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#signal) {
      this.#signal.removeEventListener('abort', this.#onAbort);
      this.#signal = undefined;
    }
  }
}

/**
 * A FIFO of {@link Waiter}s, each optionally carrying a payload (a queued item, say). Waiters that
 * time out or abort are dropped lazily and the list is compacted once they make up most of it, so
 * cancellation is O(1) amortised and nothing piles up.
 */
export class WaiterQueue<T, P = undefined> {
  #waiters = new Deque<Waiter<T, P>>();
  #cancelled = 0;
  #behaviour: WaiterBehaviour<T>;

  constructor(behaviour?: Omit<WaiterBehaviour<T>, 'onCancel'>) {
    this.#behaviour = { ...behaviour, onCancel: this.#onCancel };
  }

  /** Number of waiters still pending. */
  get size(): number {
    return this.#waiters.length - this.#cancelled;
  }

  /** Adds a pending waiter (carrying `payload`) at the back and returns its promise. */
  wait(options?: WaitOptions, payload?: P): Promise<T> {
    const waiter = new Waiter<T, P>(options, this.#behaviour, payload);
    if (!waiter.settled) this.#waiters.push(waiter);
    return waiter.promise;
  }

  /** Resolves the oldest pending waiter with `value`; false when none was waiting. */
  resolveNext(value: T): boolean {
    const waiter = this.shift();
    return waiter !== undefined && waiter.resolve(value);
  }

  /** Rejects the oldest pending waiter with `reason`; false when none was waiting. */
  rejectNext(reason: unknown): boolean {
    const waiter = this.shift();
    return waiter !== undefined && waiter.reject(reason);
  }

  /**
   * Removes and returns the oldest waiter still pending, or `undefined`. The caller must settle it
   * at once (it is no longer counted here, so its own timeout must not fire first).
   */
  shift(): Waiter<T, P> | undefined {
    for (;;) {
      const waiter = this.#waiters.shift();
      if (waiter === undefined || !waiter.settled) return waiter;
      this.#cancelled--;
    }
  }

  /** Resolves every pending waiter with `value`, oldest first; returns how many were woken. */
  resolveAll(value: T): number {
    let woken = 0;
    while (this.resolveNext(value)) woken++;
    return woken;
  }

  #onCancel = (): void => {
    this.#cancelled++;
    if (this.#cancelled > 32 && this.#cancelled * 2 > this.#waiters.length) {
      this.#waiters.retain((waiter) => !waiter.settled);
      this.#cancelled = 0;
    }
  };
}
