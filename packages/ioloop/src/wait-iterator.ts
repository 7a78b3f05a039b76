import { Deque } from './deque';

/** One result of a {@link WaitIterator}: which input finished, and its value. */
export interface WaitResult<T, K> {
  key: K;
  value: T;
}

interface PendingNext<T, K> {
  resolve: (result: IteratorResult<WaitResult<T, K>, undefined>) => void;
  reject: (reason: unknown) => void;
}

const DONE: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Yields the results of several promises as each one settles, with the index (array input) or key
 * (record input) it came from: `for await (const { key, value } of new WaitIterator(promises))`.
 * A rejected input throws at its turn; iteration can go on afterwards with another loop or
 * `next()`, as with Tornado's `WaitIterator`. `currentIndex`/`currentPromise` name the last one handed out.
 */
export class WaitIterator<T, K extends string | number = number> implements AsyncIterableIterator<WaitResult<T, K>, undefined> {
  #keys: K[];
  #inputs: (T | PromiseLike<T>)[];
  #outcomes: unknown[];
  #failed: boolean[];
  /** Indexes that settled and were not handed out yet, in settling order. */
  #finished = new Deque<number>();
  /** `next()` calls waiting for an input to settle. */
  #waiting = new Deque<PendingNext<T, K>>();
  /** Inputs not handed out yet (settled or not). */
  #remaining: number;
  #currentIndex: K | undefined = undefined;
  #currentPromise: T | PromiseLike<T> | undefined = undefined;

  /** Waits on an array of promises (or values); keys are their indexes. */
  constructor(inputs: readonly (T | PromiseLike<T>)[]);
  /** Waits on a record of promises (or values); keys are its property names. */
  constructor(inputs: Readonly<Record<K, T | PromiseLike<T>>>);
  constructor(inputs: readonly (T | PromiseLike<T>)[] | Readonly<Record<K, T | PromiseLike<T>>>) {
    if (Array.isArray(inputs)) {
      this.#inputs = inputs.slice();
      this.#keys = this.#inputs.map((_, index) => index as K);
    } else {
      const record = inputs as Readonly<Record<K, T | PromiseLike<T>>>;
      this.#keys = Object.keys(record) as K[];
      this.#inputs = this.#keys.map((key) => record[key]);
    }
    const count = this.#inputs.length;
    this.#outcomes = new Array<unknown>(count);
    this.#failed = new Array<boolean>(count).fill(false);
    this.#remaining = count;
    for (let i = 0; i < count; i++) {
      Promise.resolve(this.#inputs[i]).then(
        (value) => this.#settle(i, false, value),
        (error: unknown) => this.#settle(i, true, error),
      );
    }
  }

  /** The index or key of the result last handed out; `undefined` before the first and once done. */
  get currentIndex(): K | undefined {
    return this.#currentIndex;
  }

  /** The input (as given) whose result was last handed out; `undefined` before the first and once done. */
  get currentPromise(): T | PromiseLike<T> | undefined {
    return this.#currentPromise;
  }

  /** True when every input has been handed out (clears `currentIndex`/`currentPromise`, as Tornado does). */
  done(): boolean {
    if (this.#remaining > 0) return false;
    this.#currentIndex = undefined;
    this.#currentPromise = undefined;
    return true;
  }

  /**
   * The next input to settle, as `{ done: false, value: { key, value } }`, or `{ done: true }` when
   * all were handed out. Rejects with the input's error when that input failed.
   */
  next(): Promise<IteratorResult<WaitResult<T, K>, undefined>> {
    const index = this.#finished.shift();
    if (index !== undefined) {
      return new Promise((resolve, reject) => this.#deliver(index, { resolve, reject }));
    }
    if (this.#remaining - this.#waiting.length <= 0) {
      this.done();
      return Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** The iterator is its own async iterable, so a second `for await` resumes where the first stopped. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  #settle(index: number, failed: boolean, outcome: unknown): void {
    this.#outcomes[index] = outcome;
    this.#failed[index] = failed;
    const pending = this.#waiting.shift();
    if (pending === undefined) this.#finished.push(index);
    else this.#deliver(index, pending);
  }

  #deliver(index: number, to: PendingNext<T, K>): void {
    this.#remaining--;
    this.#currentIndex = this.#keys[index];
    this.#currentPromise = this.#inputs[index];
    const outcome = this.#outcomes[index];
    this.#outcomes[index] = undefined;
    if (this.#failed[index]) to.reject(outcome);
    else to.resolve({ done: false, value: { key: this.#keys[index], value: outcome as T } });
  }
}
