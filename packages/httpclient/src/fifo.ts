/** A place in a {@link Fifo}, kept by the caller to remove the value early (a timeout, an abort). */
export interface FifoNode<T> {
  readonly value: T;
  prev: FifoNode<T> | null;
  next: FifoNode<T> | null;
  queued: boolean;
}

/** A first-in first-out queue with O(1) removal from the middle (waiters that give up). */
export class Fifo<T> {
  #head: FifoNode<T> | null = null;
  #tail: FifoNode<T> | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends `value`; the node removes it again through `remove`. */
  push(value: T): FifoNode<T> {
    const node: FifoNode<T> = { value, prev: this.#tail, next: null, queued: true };
    if (this.#tail === null) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#size++;
    return node;
  }

  /** Takes the oldest value, or undefined when empty. */
  shift(): T | undefined {
    const node = this.#head;
    if (node === null) return undefined;
    this.remove(node);
    return node.value;
  }

  /** Removes `node` if it is still queued. */
  remove(node: FifoNode<T>): void {
    if (!node.queued) return;
    node.queued = false;
    if (node.prev === null) this.#head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.#tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    this.#size--;
  }

  /** Empties the queue, returning the values oldest first. */
  drain(): T[] {
    const values: T[] = [];
    for (let value = this.shift(); value !== undefined; value = this.shift()) values.push(value);
    return values;
  }
}
