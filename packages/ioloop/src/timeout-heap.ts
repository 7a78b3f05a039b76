/** A function the loop calls later; what it returns is only looked at for a promise to watch. */
export type LoopCallback = (...args: never[]) => unknown;

/** The opaque handle `callAt`/`callLater`/`addTimeout` return, for `removeTimeout`. */
export interface TimeoutHandle {
  /** When the timeout is (or was) due, on the `IOLoop.time()` clock. */
  readonly deadline: number;
}

const PENDING = 0;
const CANCELLED = 1;
const DONE = 2;

/** One scheduled call; the object is also the handle given to the caller. */
export class TimeoutEntry implements TimeoutHandle {
  readonly deadline: number;
  /** Insertion order, so equal deadlines run first-come first-served. */
  readonly seq: number;
  fn: LoopCallback | undefined;
  args: unknown[] | undefined;
  state: number;
  heap: TimeoutHeap | undefined;

  constructor(deadline: number, seq: number, fn: LoopCallback | undefined, args: unknown[] | undefined, heap: TimeoutHeap | undefined) {
    this.deadline = deadline;
    this.seq = seq;
    this.fn = fn;
    this.args = args;
    this.state = heap === undefined ? DONE : PENDING;
    this.heap = heap;
  }
}

function before(a: TimeoutEntry, b: TimeoutEntry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

/** Cancelled entries are dropped in one pass once there are this many and they are most of the heap. */
const COMPACT_AT = 512;

/**
 * A binary min-heap of timeouts ordered by deadline, then insertion. Cancellation only marks the
 * entry (O(1)); marked entries are skipped when they surface and swept out in bulk when they pile up.
 */
export class TimeoutHeap {
  #items: TimeoutEntry[] = [];
  #cancelled = 0;
  #seq = 0;

  /** Timeouts still due to run. */
  get size(): number {
    return this.#items.length - this.#cancelled;
  }

  /** The sequence number the next pushed entry will get. */
  get nextSeq(): number {
    return this.#seq;
  }

  /** Schedules `fn(...args)` at `deadline` and returns its entry. */
  push(deadline: number, fn: LoopCallback, args: unknown[]): TimeoutEntry {
    const entry = new TimeoutEntry(deadline, this.#seq++, fn, args, this);
    const items = this.#items;
    items.push(entry);
    this.#siftUp(items.length - 1);
    return entry;
  }

  /** An entry that will never run, for calls made after the owner closed. */
  static dead(deadline: number): TimeoutEntry {
    return new TimeoutEntry(deadline, -1, undefined, undefined, undefined);
  }

  /** The earliest live entry, dropping cancelled ones found on top. */
  peek(): TimeoutEntry | undefined {
    const items = this.#items;
    while (items.length > 0 && items[0].state === CANCELLED) {
      this.#cancelled--;
      this.#removeTop();
    }
    return items[0];
  }

  /** Removes `entry`, which `peek` just returned, and marks it run (read its `fn`/`args` first). */
  take(entry: TimeoutEntry): void {
    this.#removeTop();
    entry.state = DONE;
    entry.heap = undefined;
    entry.fn = undefined;
    entry.args = undefined;
  }

  /** Marks `entry` cancelled; false when it already ran, was cancelled, or belongs elsewhere. */
  cancel(entry: TimeoutEntry): boolean {
    if (entry.heap !== this || entry.state !== PENDING) return false;
    entry.state = CANCELLED;
    entry.fn = undefined;
    entry.args = undefined;
    this.#cancelled++;
    if (this.#cancelled > COMPACT_AT && this.#cancelled * 2 > this.#items.length) this.#compact();
    return true;
  }

  /** Drops every entry; none of them will run. */
  clear(): void {
    for (const entry of this.#items) {
      entry.state = CANCELLED;
      entry.heap = undefined;
      entry.fn = undefined;
      entry.args = undefined;
    }
    this.#items = [];
    this.#cancelled = 0;
  }

  #removeTop(): void {
    const items = this.#items;
    const last = items.pop() as TimeoutEntry;
    if (items.length > 0) {
      items[0] = last;
      this.#siftDown(0);
    }
  }

  #compact(): void {
    const live = this.#items.filter((entry) => entry.state === PENDING);
    this.#items = live;
    this.#cancelled = 0;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  #siftUp(index: number): void {
    const items = this.#items;
    const entry = items[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, items[parent])) break;
      items[index] = items[parent];
      index = parent;
    }
    items[index] = entry;
  }

  #siftDown(index: number): void {
    const items = this.#items;
    const length = items.length;
    const entry = items[index];
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && before(items[child + 1], items[child])) child++;
      if (!before(items[child], entry)) break;
      items[index] = items[child];
      index = child;
    }
    items[index] = entry;
  }
}
