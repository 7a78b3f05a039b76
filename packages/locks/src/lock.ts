import type { WaitOptions } from '@tornado-ts/ioloop';
import { ReleaseUnlockedError } from './errors';
import type { ReleaseHandle } from './release-handle';
import { Semaphore } from './semaphore';

/** The one-permit semaphore behind a Lock; releasing it while free is a Lock error. */
class LockPermit extends Semaphore {
  override release(): void {
    if (this.value > 0) throw new ReleaseUnlockedError();
    super.release();
  }

  override get [Symbol.toStringTag](): string {
    return 'Lock';
  }
}

/**
 * A mutual-exclusion lock for tasks: {@link acquire} locks it, waiting in FIFO order while another
 * task holds it. Prefer {@link run} or `using release = await lock.acquire()`, which always unlock.
 */
export class Lock {
  readonly #permit = new LockPermit(1);

  /** True while some task holds the lock. */
  get locked(): boolean {
    return this.#permit.value === 0;
  }

  /**
   * Locks, waiting while another task holds the lock; resolves to a handle that unlocks. A wait
   * that times out (`TimeoutError`) or aborts (`signal.reason`) leaves the lock alone.
   */
  acquire(options?: WaitOptions): Promise<ReleaseHandle> {
    return this.#permit.acquire(options);
  }

  /**
   * Unlocks; the oldest waiting task gets the lock next.
   * @throws {ReleaseUnlockedError} when the lock is not locked.
   */
  release(): void {
    this.#permit.release();
  }

  /** Runs `fn` holding the lock and unlocks when `fn` settles, whether it returns or throws. */
  run<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<R> {
    return this.#permit.run(fn, options);
  }

  /** `<Lock [unlocked,value:1]>`, `<Lock [locked,waiters:2]>` and the like. */
  toString(): string {
    return this.#permit.toString();
  }
}
