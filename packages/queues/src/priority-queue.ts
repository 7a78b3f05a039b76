import { BinaryHeap } from './binary-heap';
import { naturalOrder, type Compare } from './natural-order';
import { Queue, type QueueOptions } from './queue';

/** Options for {@link PriorityQueue}. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders items, lowest first (negative when `a` comes out before `b`). The default orders
   * numbers, strings, Dates and `[priority, item]` arrays as Python orders tuples.
   */
  compare?: Compare<T>;
}

/**
 * A {@link Queue} that hands out the lowest item first, and items that compare equal in the order
 * they were put. Typical items are `[priority, payload]` pairs.
 */
export class PriorityQueue<T> extends Queue<T> {
  /** @throws {RangeError} when `maxsize` is negative or NaN. */
  constructor(options: PriorityQueueOptions<T> = {}) {
    super(options, new BinaryHeap<T>(options.compare ?? naturalOrder));
  }

  override get [Symbol.toStringTag](): string {
    return 'PriorityQueue';
  }
}
