/**
 * Thrown by {@link BoundedSemaphore.release} when a release would lift the counter above its
 * initial value: more releases than acquires, which is almost always a bug in the caller.
 */
export class SemaphoreOverReleaseError extends Error {
  readonly code = 'TORNADO_ERR_SEMAPHORE_OVER_RELEASE';

  constructor(message = 'Semaphore released too many times', options?: ErrorOptions) {
    super(message, options);
    this.name = 'SemaphoreOverReleaseError';
  }
}

/** Thrown by {@link Lock.release} when the lock is not locked. */
export class ReleaseUnlockedError extends Error {
  readonly code = 'TORNADO_ERR_RELEASE_UNLOCKED';

  constructor(message = 'Release of an unlocked Lock', options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReleaseUnlockedError';
  }
}
