import { Deque, WaiterQueue, type WaitOptions } from '@tornado-ts/ioloop';
import { QueueEmpty, QueueFull, TaskDoneError } from './errors';

/** Options for {@link Queue} and its subclasses. */
export interface QueueOptions {
  /** Most items the queue holds before `put` waits; 0 (the default) means no limit. */
  maxsize?: number;
}

/**
 * Where a queue keeps its items and in what order it hands them out: `push` adds one, `shift`
 * removes the next. {@link Deque} is FIFO; PriorityQueue and LifoQueue bring their own.
 */
export interface QueueStore<T> {
  readonly length: number;
  push(item: T): void;
  shift(): T | undefined;
}

const iteratorResult = <T>(value: T): IteratorResult<T> => ({ value, done: false });

/**
 * An async FIFO queue for producers and consumers: `get` waits for an item, `put` waits for room
 * when `maxsize` is reached, and `join` waits until every item put has been marked done with
 * `taskDone`. Waiting getters and putters are served oldest first.
 */
export class Queue<T> implements AsyncIterable<T> {
  readonly #maxsize: number = 0;
  readonly #items: QueueStore<T>;
  readonly #getters = new WaiterQueue<T>();
  readonly #putters = new WaiterQueue<void, T>();
  readonly #joiners = new WaiterQueue<void>();
  #unfinished = 0;

  /**
   * `store` decides the order items come out in (FIFO by default).
   * @throws {TypeError} when `maxsize` is not a number (`null` included).
   * @throws {RangeError} when `maxsize` is negative or NaN.
   */
  constructor(options: QueueOptions = {}, store: QueueStore<T> = new Deque<T>()) {
    const maxsize = options.maxsize === undefined ? 0 : options.maxsize;
    if (typeof maxsize !== 'number') throw new TypeError(`maxsize must be a number, got ${String(maxsize)}`);
    if (!(maxsize >= 0)) throw new RangeError(`maxsize must be >= 0, got ${maxsize}`);
    this.#maxsize = maxsize;
    this.#items = store;
  }

  /** Most items the queue holds (0: no limit). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** Number of items in the queue. */
  qsize(): number {
    return this.#items.length;
  }

  /** True when the queue holds no item. */
  empty(): boolean {
    return this.#items.length === 0;
  }

  /** True when the queue holds `maxsize` items, so that `put` would wait. */
  full(): boolean {
    return this.#maxsize > 0 && this.#items.length >= this.#maxsize;
  }

  /**
   * Adds `item`, waiting for room while the queue is full. A put that times out (`TimeoutError`)
   * or aborts (`signal.reason`) leaves its item out of the queue.
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    try {
      if (this.#offer(item)) return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#putters.wait(options, item);
  }

  /**
   * Adds `item` without waiting.
   * @throws {QueueFull} when the queue is full.
   */
  putNowait(item: T): void {
    if (!this.#offer(item)) throw new QueueFull();
  }

  /**
   * Removes and returns the next item, waiting while the queue is empty. A get that times out
   * (`TimeoutError`) or aborts (`signal.reason`) takes nothing.
   */
  get(options?: WaitOptions): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#items.length > 0) return Promise.resolve(this.#take());
    return this.#getters.wait(options);
  }

  /**
   * Removes and returns the next item without waiting.
   * @throws {QueueEmpty} when the queue is empty.
   */
  getNowait(): T {
    if (this.#items.length === 0) throw new QueueEmpty();
    return this.#take();
  }

  /**
   * Marks one item taken with `get` as processed; `join` resolves once every item put is done.
   * @throws {TaskDoneError} when called more times than items were put.
   */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new TaskDoneError();
    if (--this.#unfinished === 0) this.#joiners.resolveAll(undefined);
  }

  /**
   * Resolves once every item put so far has been marked with `taskDone`; rejects with
   * `TimeoutError` after `timeout` ms, or with `signal.reason` when the signal aborts.
   */
  join(options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#unfinished === 0) return Promise.resolve();
    return this.#joiners.wait(options);
  }

  /** Gets items forever, one `get()` per step: `for await (const item of queue)`. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.get().then(iteratorResult) };
  }

  /** The class name shown by {@link toString}. */
  get [Symbol.toStringTag](): string {
    return 'Queue';
  }

  /** `<Queue maxsize=2 qsize=2 putters[1] tasks=2>` and the like. */
  toString(): string {
    let text = `<${this[Symbol.toStringTag]} maxsize=${this.#maxsize}`;
    if (this.#items.length > 0) text += ` qsize=${this.#items.length}`;
    if (this.#getters.size > 0) text += ` getters[${this.#getters.size}]`;
    if (this.#putters.size > 0) text += ` putters[${this.#putters.size}]`;
    if (this.#unfinished > 0) text += ` tasks=${this.#unfinished}`;
    return `${text}>`;
  }

  /** Hands `item` to the oldest waiting getter or stores it; false when the queue is full. */
  #offer(item: T): boolean {
    if (this.#getters.size > 0) {
      // Getters wait only on an empty queue, so the item goes straight to the oldest one.
      this.#unfinished++;
      this.#getters.resolveNext(item);
      return true;
    }
    if (this.full()) return false;
    this.#items.push(item);
    this.#unfinished++;
    return true;
  }

  /** Removes the next item; first moves the oldest waiting put's item in, as the queue was full. */
  #take(): T {
    for (let put = this.#putters.shift(); put !== undefined; put = this.#putters.shift()) {
      try {
        this.#items.push(put.payload);
      } catch (error) {
        // The store refused this item (say a PriorityQueue compare threw): that put fails, not this get.
        put.reject(error);
        continue;
      }
      this.#unfinished++;
      put.resolve(undefined);
      break;
    }
    return this.#items.shift() as T;
  }
}
