export { Condition } from './condition';
export { Event } from './event';
export { Semaphore } from './semaphore';
export { BoundedSemaphore } from './bounded-semaphore';
export { Lock } from './lock';
export type { ReleaseHandle } from './release-handle';
export { SemaphoreOverReleaseError, ReleaseUnlockedError } from './errors';
export { withLock, type PermitRunner } from './with-lock';
