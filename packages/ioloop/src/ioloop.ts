import type { TransferListItem } from 'node:worker_threads';
import { Deque } from './deque';
import { LoopClosedError, LoopRunningError, LoopStoppedError } from './errors';
import { appLog } from './log';
import { TimeoutHeap, type LoopCallback, type TimeoutEntry, type TimeoutHandle } from './timeout-heap';
import { TimeoutRace } from './timeout-race';

/** Options of {@link IOLoop.run}. */
export interface RunOptions {
  /** Reject with `TimeoutError` (and abort `main`'s signal) when `main` takes longer than this many ms. */
  timeout?: number;
}

/** Options of one executor task (see `@tornado-ts/ioloop/executor`). */
export interface ExecutorRunOptions {
  /** Which export of the worker file to call (default: its default export). */
  name?: string;
  /** Abort the task: it is dropped from the queue, or its worker is stopped, and the run rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Objects to move to the worker instead of copying (ArrayBuffers, MessagePorts). */
  transferList?: readonly TransferListItem[];
}

/** Anything that runs a task off the main thread, such as `ThreadPoolExecutor`. */
export interface Executor {
  /** Runs one task with `arg` and resolves to its result. */
  run<R = unknown>(arg: unknown, options?: ExecutorRunOptions): Promise<R>;
}

/** Name used in log lines for a callback: its function name, or "anonymous". */
export function callbackName(fn: LoopCallback): string {
  return fn.name === '' ? 'anonymous' : fn.name;
}

/** Logs an exception thrown (or a rejection returned) by a callback the loop or a timer ran. */
export function logCallbackError(fn: LoopCallback, error: unknown): void {
  appLog.error('Exception in callback %s', callbackName(fn), error);
}

/** True when `value` looks like a promise, so its rejection can be watched. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Setting an interval this long holds the process open without ever firing. */
const KEEP_ALIVE_MS = 2 ** 31 - 1;
/** Node's largest timer delay; longer waits are re-armed when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function keepAlive(): void {}

function callMain<T>(
  main: (signal: AbortSignal) => T | PromiseLike<T>,
  signal: AbortSignal,
  resolve: (value: T | PromiseLike<T>) => void,
  reject: (reason: unknown) => void,
): void {
  try {
    resolve(main(signal));
  } catch (error) {
    reject(error);
  }
}

/**
 * Tornado's IOLoop on top of Node's event loop: callbacks and timeouts with error logging, ordered
 * timeouts on a monotonic ms clock, `run(main)` for scripts and a blocking-callback detector.
 *
 * Node owns the file descriptors (sockets and files are streams), so Tornado's `add_handler`,
 * `update_handler` and `remove_handler` have no equivalent here.
 */
export class IOLoop {
  static #current: IOLoop | undefined = undefined;

  /** Callbacks waiting for the next turn, stored as pairs `fn, args` so adding one allocates no entry. */
  #callbacks = new Deque<unknown>(64);
  #immediate: NodeJS.Immediate | undefined = undefined;
  #timeouts = new TimeoutHeap();
  #timer: NodeJS.Timeout | undefined = undefined;
  #timerDeadline = Infinity;
  #blockingThreshold = 0;
  #running = false;
  #closed = false;
  #keepAlive: NodeJS.Timeout | undefined = undefined;
  #resolveStop: (() => void) | undefined = undefined;
  #activeRun: TimeoutRace<unknown> | undefined = undefined;

  /**
   * The loop of this thread, created on first use. Node has one event loop per thread, so every
   * library shares it; a closed current loop is replaced on the next call.
   */
  static current(): IOLoop {
    let loop = IOLoop.#current;
    if (loop === undefined) {
      loop = new IOLoop();
      IOLoop.#current = loop;
    }
    return loop;
  }

  /** The loop's clock: monotonic milliseconds (`performance.now()`), the scale of every deadline. */
  time(): number {
    return performance.now();
  }

  /**
   * Calls `fn(...args)` on a later turn, after the callbacks added before it. A throw or a rejected
   * returned promise is logged through `appLog`; the loop goes on. Dropped once the loop is closed.
   */
  addCallback<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    this.#enqueue(fn as LoopCallback, args);
  }

  /** Starts `fn(...args)` (typically an async function) on a later turn; its failure is logged, never lost. */
  spawnCallback<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    this.#enqueue(fn as LoopCallback, args);
  }

  /** Runs `fn(...args)` once `deadline` (an {@link IOLoop.time} value) has passed. */
  callAt<A extends unknown[]>(deadline: number, fn: (...args: A) => unknown, ...args: A): TimeoutHandle {
    return this.#schedule(deadline, fn as LoopCallback, args);
  }

  /** Runs `fn(...args)` after `ms` milliseconds. */
  callLater<A extends unknown[]>(ms: number, fn: (...args: A) => unknown, ...args: A): TimeoutHandle {
    if (typeof ms !== 'number' || Number.isNaN(ms)) throw new TypeError(`delay must be a number of ms, got ${String(ms)}`);
    return this.#schedule(this.time() + ms, fn as LoopCallback, args);
  }

  /** Tornado's name for {@link IOLoop.callAt}: runs `fn(...args)` at `deadline`. */
  addTimeout<A extends unknown[]>(deadline: number, fn: (...args: A) => unknown, ...args: A): TimeoutHandle {
    return this.#schedule(deadline, fn as LoopCallback, args);
  }

  /** Cancels a timeout; safe to call after it ran or was already removed. */
  removeTimeout(handle: TimeoutHandle): void {
    const timeouts = this.#timeouts;
    if (!timeouts.cancel(handle as TimeoutEntry)) return;
    if (timeouts.size === 0) {
      // Nothing left to wait for: let the process exit as it would with no timers.
      timeouts.clear();
      this.#disarm();
    }
  }

  /**
   * Holds the process open until {@link IOLoop.stop} and resolves then. Callbacks and timeouts run
   * whether or not the loop was started; starting only keeps Node from exiting while idle.
   * Rejects with `LoopRunningError` if already running, `LoopClosedError` once closed.
   */
  start(): Promise<void> {
    try {
      this.#enter();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve) => {
      this.#resolveStop = resolve;
    });
  }

  /** Ends {@link IOLoop.start} (resolving its promise) or a pending {@link IOLoop.run}; no-op when idle. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    const run = this.#activeRun;
    if (run !== undefined) {
      this.#activeRun = undefined;
      run.giveUp(new LoopStoppedError());
    }
    const resolve = this.#resolveStop;
    this.#resolveStop = undefined;
    resolve?.();
  }

  /**
   * Tornado's `run_sync`: runs `main` on a later turn with the loop started and settles like it,
   * then stops. `main` receives a signal that aborts when the run times out or is stopped.
   * @throws {TimeoutError} when `options.timeout` ms pass first.
   * @throws {LoopStoppedError} when `stop()`/`close()` ends the loop first.
   */
  async run<T>(main: (signal: AbortSignal) => T | PromiseLike<T>, options?: RunOptions): Promise<T> {
    const timeout = options?.timeout;
    if (timeout !== undefined && !(timeout >= 0)) throw new RangeError(`timeout must be a non-negative number of ms, got ${timeout}`);
    this.#enter();
    const controller = new AbortController();
    const task = new Promise<T>((resolve, reject) => {
      this.addCallback(callMain<T>, main, controller.signal, resolve, reject);
    });
    const race = new TimeoutRace<T>(this, task, timeout === undefined ? undefined : this.time() + timeout, {
      message: `IOLoop.run() timed out after ${timeout} ms`,
      lateMessage: 'Exception in IOLoop.run() main after the run ended',
      onGiveUp: (reason) => controller.abort(reason),
    });
    this.#activeRun = race as TimeoutRace<unknown>;
    try {
      return await race.promise;
    } finally {
      if (this.#activeRun === race) this.#activeRun = undefined;
      this.stop();
    }
  }

  /**
   * Drops every pending callback and timeout, ends `start()`/`run()`, and refuses further work:
   * later callbacks and timeouts are silently dropped, as in Tornado.
   */
  close(): void {
    if (this.#closed) return;
    this.stop();
    this.#closed = true;
    this.#callbacks.clear();
    if (this.#immediate !== undefined) {
      clearImmediate(this.#immediate);
      this.#immediate = undefined;
    }
    this.#timeouts.clear();
    this.#disarm();
    if (IOLoop.#current === this) IOLoop.#current = undefined;
  }

  /**
   * Warns through `appLog` whenever one callback or timeout keeps the thread busy longer than `ms`,
   * naming it and the time it took. `0` or `null` turns the check off (it costs nothing then).
   */
  setBlockingLogThreshold(ms: number | null): void {
    const value = ms ?? 0;
    if (!(value >= 0)) throw new RangeError(`threshold must be a non-negative number of ms, got ${ms}`);
    this.#blockingThreshold = value;
  }

  /** Tornado's `run_in_executor`: runs `arg` through `executor` (say a `ThreadPoolExecutor`). */
  runInExecutor<R = unknown>(executor: Executor, arg: unknown, options?: ExecutorRunOptions): Promise<R> {
    return executor.run<R>(arg, options);
  }

  #enqueue(fn: LoopCallback, args: unknown[]): void {
    if (this.#closed) return;
    const callbacks = this.#callbacks;
    callbacks.push(fn);
    callbacks.push(args);
    if (this.#immediate === undefined) this.#immediate = setImmediate(this.#drain);
  }

  #schedule(deadline: number, fn: LoopCallback, args: unknown[]): TimeoutHandle {
    if (typeof deadline !== 'number' || Number.isNaN(deadline)) {
      throw new TypeError(`deadline must be a number on the IOLoop.time() clock, got ${String(deadline)}`);
    }
    if (this.#closed) return TimeoutHeap.dead(deadline);
    const entry = this.#timeouts.push(deadline, fn, args);
    if (deadline < this.#timerDeadline) this.#arm(entry);
    return entry;
  }

  #enter(): void {
    if (this.#closed) throw new LoopClosedError();
    if (this.#running) throw new LoopRunningError();
    this.#running = true;
    this.#keepAlive = setInterval(keepAlive, KEEP_ALIVE_MS);
  }

  /** Runs the callbacks present when the turn starts; ones they add wait for the next turn. */
  #drain = (): void => {
    this.#immediate = undefined;
    const callbacks = this.#callbacks;
    try {
      for (let n = callbacks.length >> 1; n > 0 && !this.#closed; n--) {
        const fn = callbacks.shift() as LoopCallback;
        const args = callbacks.shift() as unknown[];
        this.#invoke(fn, args, 'callback');
      }
    } finally {
      // Only reached with work left when a log sink threw: keep the rest of the batch alive.
      if (callbacks.length > 0 && this.#immediate === undefined && !this.#closed) this.#immediate = setImmediate(this.#drain);
    }
  };

  /** Runs the timeouts due now, in deadline order; ones added meanwhile wait for the next timer. */
  #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerDeadline = Infinity;
    const timeouts = this.#timeouts;
    const now = this.time();
    const firstNew = timeouts.nextSeq;
    try {
      for (;;) {
        if (this.#closed) return;
        const entry = timeouts.peek();
        if (entry === undefined || entry.deadline > now || entry.seq >= firstNew) break;
        const fn = entry.fn as LoopCallback;
        const args = entry.args as unknown[];
        timeouts.take(entry);
        this.#invoke(fn, args, 'timeout');
      }
    } finally {
      // Timeouts added by the ones that ran may have armed the timer already; re-arm only if earlier.
      const next = this.#closed ? undefined : timeouts.peek();
      if (next !== undefined && next.deadline < this.#timerDeadline) this.#arm(next);
    }
  };

  #arm(entry: TimeoutEntry): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const delay = Math.min(Math.max(Math.ceil(entry.deadline - this.time()), 1), MAX_TIMER_MS);
    this.#timer = setTimeout(this.#onTimer, delay);
    this.#timerDeadline = entry.deadline;
  }

  #disarm(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#timerDeadline = Infinity;
  }

  #invoke(fn: LoopCallback, args: unknown[], kind: string): void {
    const threshold = this.#blockingThreshold;
    if (threshold === 0) {
      this.#call(fn, args);
      return;
    }
    const started = performance.now();
    this.#call(fn, args);
    const took = performance.now() - started;
    if (took > threshold) {
      appLog.warn('IOLoop blocked for %s ms by %s %s (threshold %s ms)', took.toFixed(1), kind, callbackName(fn), threshold);
    }
  }

  #call(fn: LoopCallback, args: unknown[]): void {
    let result: unknown;
    try {
      result = args.length === 0 ? (fn as () => unknown)() : (fn as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      logCallbackError(fn, error);
      return;
    }
    // Only async callbacks pay for this closure: the promise they return already allocates more.
    if (isThenable(result)) result.then(undefined, (error: unknown) => logCallbackError(fn, error));
  }
}
