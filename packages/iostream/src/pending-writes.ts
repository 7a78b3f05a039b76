import { Deque } from '@tornado-ts/ioloop';

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

/**
 * The promises of writes handed to a socket, in order. A socket calls write callbacks in write
 * order, so one shared callback settles the oldest entry; no closure is made per write.
 */
export class PendingWrites {
  /** (promise, resolve, reject) triples, oldest first. */
  #entries = new Deque<Promise<void> | Resolve | Reject>(64);
  #count = 0;
  #last: Promise<void> = RESOLVED;
  #resolve: Resolve = noop;
  #reject: Reject = noop;
  #capture = (resolve: Resolve, reject: Reject): void => {
    this.#resolve = resolve;
    this.#reject = reject;
  };

  /** Number of writes not yet settled. */
  get length(): number {
    return this.#count;
  }

  /** Adds an entry for a write about to be handed to the socket and returns its promise. */
  add(): Promise<void> {
    const promise = new Promise<void>(this.#capture);
    this.#entries.push(promise);
    this.#entries.push(this.#resolve);
    this.#entries.push(this.#reject);
    this.#count++;
    this.#last = promise;
    return promise;
  }

  /** Settles the oldest write: resolved without `error`, else rejected with it. No-op when empty. */
  settleNext(error?: unknown): void {
    if (this.#count === 0) return;
    const promise = this.#entries.shift() as Promise<void>;
    const resolve = this.#entries.shift() as Resolve;
    const reject = this.#entries.shift() as Reject;
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
}
