import type { Compare } from './natural-order';
import type { QueueStore } from './queue';

interface HeapNode<T> {
  readonly item: T;
  /** Insertion number: breaks ties so equal items come out first in, first out. */
  readonly seq: number;
}

/**
 * A binary min-heap ordered by `compare`, stable among equal items: O(log n) push and shift.
 * The store behind {@link PriorityQueue}.
 */
export class BinaryHeap<T> implements QueueStore<T> {
  readonly #nodes: HeapNode<T>[] = [];
  readonly #compare: Compare<T>;
  #seq = 0;

  constructor(compare: Compare<T>) {
    this.#compare = compare;
  }

  /** Number of items held. */
  get length(): number {
    return this.#nodes.length;
  }

  /** Adds `item`. If `compare` throws, the heap is left as it was. */
  push(item: T): void {
    const nodes = this.#nodes;
    const node: HeapNode<T> = { item, seq: this.#seq++ };
    // Find the new node's place before moving anything, so a throwing compare changes nothing.
    let target = nodes.length;
    while (target > 0) {
      const parent = (target - 1) >> 1;
      if (!this.#before(node, nodes[parent])) break;
      target = parent;
    }
    let index = nodes.length;
    nodes.push(node);
    while (index > target) {
      const parent = (index - 1) >> 1;
      nodes[index] = nodes[parent];
      index = parent;
    }
    nodes[target] = node;
  }

  /** Removes and returns the smallest item (the oldest among equals), or `undefined` when empty. */
  shift(): T | undefined {
    const nodes = this.#nodes;
    const top = nodes[0];
    if (top === undefined) return undefined;
    const last = nodes.pop() as HeapNode<T>;
    if (nodes.length > 0) {
      nodes[0] = last;
      this.#siftDown();
    }
    return top.item;
  }

  /** Moves the root down to its place by swaps, so the array always holds every item once. */
  #siftDown(): void {
    const nodes = this.#nodes;
    const size = nodes.length;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) return;
      if (child + 1 < size && this.#before(nodes[child + 1], nodes[child])) child++;
      if (!this.#before(nodes[child], nodes[index])) return;
      const node = nodes[index];
      nodes[index] = nodes[child];
      nodes[child] = node;
      index = child;
    }
  }

  #before(a: HeapNode<T>, b: HeapNode<T>): boolean {
    const order = this.#compare(a.item, b.item);
    return order < 0 || (order === 0 && a.seq < b.seq);
  }
}
