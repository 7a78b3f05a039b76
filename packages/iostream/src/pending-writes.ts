type Resolve = (value: void) => void;
type Reject = (reason: unknown) => void;

function noop(): void {}

/** A promise that is already rejected and marked handled, so a caller that ignores it does not crash. */
export function quietRejection<T>(error: unknown): Promise<T> {
  const promise = Promise.reject(error);
  promise.catch(noop);
  return promise;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** One pending write: its promise and the functions that settle it. Slots are reused. */
class WriteSlot {
  promise: Promise<void> = RESOLVED;
  resolve: Resolve = noop;
  reject: Reject = noop;
}

/**
 * The promises of writes handed to a socket, in order. A socket calls write callbacks in write
 * order, so one shared callback settles the oldest entry. Entries live in a ring of reused slots:
 * a write allocates its promise and nothing else.
 */
export class PendingWrites {
  #slots: WriteSlot[] = [new WriteSlot(), new WriteSlot(), new WriteSlot(), new WriteSlot()];
  /** #slots.length - 1; the length is a power of two. */
  #mask = 3;
  #head = 0;
  #count = 0;
  #last: Promise<void> = RESOLVED;
  /** The one promise executor: fills the slot after the last pending write. */
  #capture = (resolve: Resolve, reject: Reject): void => {
    const slot = this.#slots[(this.#head + this.#count) & this.#mask];
    slot.resolve = resolve;
    slot.reject = reject;
  };

  /** Number of writes not yet settled. */
  get length(): number {
    return this.#count;
  }

  /** Adds an entry for a write about to be handed to the socket and returns its promise. */
  add(): Promise<void> {
    if (this.#count > this.#mask) this.#grow();
    const promise = new Promise<void>(this.#capture);
    this.#slots[(this.#head + this.#count) & this.#mask].promise = promise;
    this.#count++;
    this.#last = promise;
    return promise;
  }

  /** Settles the oldest write: resolved without `error`, else rejected with it. No-op when empty. */
  settleNext(error?: unknown): void {
    if (this.#count === 0) return;
    const slot = this.#slots[this.#head];
    const { promise, resolve, reject } = slot;
    slot.promise = RESOLVED;
    slot.resolve = noop;
    slot.reject = noop;
    this.#head = (this.#head + 1) & this.#mask;
    this.#count--;
    if (error === undefined || error === null) {
      resolve();
    } else {
      promise.catch(noop);
      reject(error);
    }
  }

  /** Rejects every pending write with `error` (each marked handled: fire-and-forget writes are fine). */
  rejectAll(error: unknown): void {
    while (this.#count > 0) this.settleNext(error);
  }

  /** A promise that settles once every write queued so far has (resolves at once when none is). */
  afterPending(): Promise<void> {
    if (this.#count === 0) return RESOLVED;
    const after = this.#last.then(noop);
    after.catch(noop);
    return after;
  }

  /** Doubles the ring, moving the pending slots to its start in order. */
  #grow(): void {
    const old = this.#slots;
    const slots: WriteSlot[] = [];
    for (let i = 0; i < old.length; i++) slots.push(old[(this.#head + i) & this.#mask]);
    for (let i = old.length; i < old.length * 2; i++) slots.push(new WriteSlot());
    this.#slots = slots;
    this.#mask = slots.length - 1;
    this.#head = 0;
  }
}
