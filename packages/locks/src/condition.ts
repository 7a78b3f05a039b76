import { WaiterQueue, type WaitOptions } from '@tornado-ts/ioloop';

/**
 * Lets tasks wait until another task notifies them. Unlike a threading condition it needs no
 * lock around it: the event loop already runs one task at a time.
 */
export class Condition {
  readonly #waiters = new WaiterQueue<boolean>({ onTimeout: () => false });

  /**
   * Waits for {@link notify} or {@link notifyAll}. Resolves `true` when notified and `false` when
   * `timeout` ms pass first; rejects with `signal.reason` if the signal aborts.
   */
  wait(options?: WaitOptions): Promise<boolean> {
    return this.#waiters.wait(options);
  }

  /** Wakes up to `n` waiters, oldest first. Waiters that already timed out do not count. */
  notify(n = 1): void {
    for (let woken = 0; woken < n; woken++) {
      if (!this.#waiters.resolveNext(true)) return;
    }
  }

  /** Wakes every task waiting now. */
  notifyAll(): void {
    this.#waiters.resolveAll(true);
  }

  /** `<Condition>`, or `<Condition waiters[n]>` while tasks wait. */
  toString(): string {
    const waiting = this.#waiters.size;
    return waiting > 0 ? `<Condition waiters[${waiting}]>` : '<Condition>';
  }
}
