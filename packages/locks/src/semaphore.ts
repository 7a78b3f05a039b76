import { WaiterQueue, type WaitOptions } from '@tornado-ts/ioloop';
import { createReleaseHandle, type ReleaseHandle } from './release-handle';

/**
 * A counter of permits: {@link acquire} takes one, waiting in FIFO order while none is left, and
 * {@link release} gives one back. Limits how many tasks use a resource at once.
 */
export class Semaphore {
  #value = 0;
  readonly #waiters = new WaiterQueue<ReleaseHandle>();

  /** @throws {RangeError} when `value` is not a whole number >= 0. */
  constructor(value = 1) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`Semaphore value must be a whole number >= 0, got ${value}`);
    }
    this.#value = value;
  }

  /** Permits free right now (0 while tasks wait). */
  get value(): number {
    return this.#value;
  }

  /**
   * Takes a permit, waiting for a release if none is free. Resolves to a handle that gives the
   * permit back. A wait that times out (rejecting with `TimeoutError`) or aborts (rejecting with
   * `signal.reason`) takes nothing; an already aborted signal rejects even when a permit is free.
   */
  acquire(options?: WaitOptions): Promise<ReleaseHandle> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#value > 0) {
      this.#value--;
      return Promise.resolve(this.#newHandle());
    }
    return this.#waiters.wait(options);
  }

  /** Gives a permit back: to the oldest live waiter if there is one, else to the counter. */
  release(): void {
    if (this.#waiters.size > 0) this.#waiters.resolveNext(this.#newHandle());
    else this.#value++;
  }

  /**
   * Runs `fn` holding a permit and releases it when `fn` settles, whether it returns or throws.
   * `options` apply to the acquire.
   */
  async run<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<R> {
    const release = await this.acquire(options);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** The class name shown by {@link toString}. */
  get [Symbol.toStringTag](): string {
    return 'Semaphore';
  }

  /** `<Semaphore [unlocked,value:2]>`, `<Semaphore [locked,waiters:3]>` and the like. */
  toString(): string {
    let state = this.#value === 0 ? 'locked' : `unlocked,value:${this.#value}`;
    const waiting = this.#waiters.size;
    if (waiting > 0) state += `,waiters:${waiting}`;
    return `<${this[Symbol.toStringTag]} [${state}]>`;
  }

  #newHandle(): ReleaseHandle {
    return createReleaseHandle(() => this.release());
  }
}
