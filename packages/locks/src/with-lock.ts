import type { WaitOptions } from '@tornado-ts/ioloop';

/** Anything that runs a function while holding a permit: a {@link Lock}, a Semaphore, a BoundedSemaphore. */
export interface PermitRunner {
  run<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<R>;
}

/**
 * Runs `fn` holding `lock` (or a semaphore permit) and always releases it, whether `fn` returns or
 * throws: the functional form of `using release = await lock.acquire()`. `options` apply to the acquire.
 */
export function withLock<R>(lock: PermitRunner, fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<R> {
  return lock.run(fn, options);
}
