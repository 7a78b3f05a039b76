import { WaiterQueue, type WaitOptions } from '@tornado-ts/ioloop';

/**
 * A flag tasks can wait on: {@link wait} blocks while it is clear and returns at once while it is
 * set. Setting it wakes every waiter.
 */
export class Event {
  #value = false;
  readonly #waiters = new WaiterQueue<void>();

  /** True while the flag is set. */
  isSet(): boolean {
    return this.#value;
  }

  /** Sets the flag and wakes every waiter; later waits return at once until {@link clear}. */
  set(): void {
    if (this.#value) return;
    this.#value = true;
    this.#waiters.resolveAll(undefined);
  }

  /** Clears the flag, so that later waits block until the next {@link set}. */
  clear(): void {
    this.#value = false;
  }

  /**
   * Resolves once the flag is set (at once if it is set now).
   * @throws {TimeoutError} (as a rejection) when `timeout` ms pass first; an aborted `signal`
   * rejects with its reason.
   */
  wait(options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#value) return Promise.resolve();
    return this.#waiters.wait(options);
  }

  /** `<Event set>` or `<Event clear>`. */
  toString(): string {
    return `<Event ${this.#value ? 'set' : 'clear'}>`;
  }
}
