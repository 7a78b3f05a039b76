import { Deque, Waiter, type WaitOptions } from '@tornado-ts/ioloop';

/** A put waiting for room: its item and the Waiter its caller awaits. */
export interface PendingPut<T> {
  readonly item: T;
  readonly waiter: Waiter<void>;
}

/**
 * The FIFO of puts waiting for room in a full queue. ioloop's WaiterQueue cannot carry an item per
 * waiter, and a get must move the oldest live putter's item in synchronously (as Tornado does), so
 * this keeps {item, Waiter} pairs and drops timed-out or aborted ones lazily, compacting when they
 * make up most of the list.
 */
export class PendingPuts<T> {
  readonly #entries = new Deque<PendingPut<T>>();
  #cancelled = 0;
  readonly #behaviour = { onCancel: (): void => this.#onCancel() };

  /** Puts still waiting. */
  get size(): number {
    return this.#entries.length - this.#cancelled;
  }

  /** Queues `item` until {@link shift} takes it; the promise settles as the Waiter does. */
  wait(item: T, options?: WaitOptions): Promise<void> {
    const waiter = new Waiter<void>(options, this.#behaviour);
    if (!waiter.settled) this.#entries.push({ item, waiter });
    return waiter.promise;
  }

  /** Removes and returns the oldest put still waiting; the caller settles its waiter. */
  shift(): PendingPut<T> | undefined {
    for (;;) {
      const entry = this.#entries.shift();
      if (entry === undefined || !entry.waiter.settled) return entry;
      this.#cancelled--;
    }
  }

  #onCancel(): void {
    this.#cancelled++;
    if (this.#cancelled > 32 && this.#cancelled * 2 > this.#entries.length) {
      this.#entries.retain((entry) => !entry.waiter.settled);
      this.#cancelled = 0;
    }
  }
}
