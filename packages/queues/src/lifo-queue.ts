import { Queue, type QueueOptions, type QueueStore } from './queue';

/** Hands out the most recently added item first. */
class Stack<T> implements QueueStore<T> {
  readonly #items: T[] = [];

  get length(): number {
    return this.#items.length;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    return this.#items.pop();
  }
}

/** A {@link Queue} that hands out the most recently put item first. */
export class LifoQueue<T> extends Queue<T> {
  /** @throws {RangeError} when `maxsize` is negative or NaN. */
  constructor(options: QueueOptions = {}) {
    super(options, new Stack<T>());
  }

  override get [Symbol.toStringTag](): string {
    return 'LifoQueue';
  }
}
