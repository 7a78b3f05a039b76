import { SemaphoreOverReleaseError } from './errors';
import { Semaphore } from './semaphore';

/**
 * A {@link Semaphore} that refuses to be released above its initial value, so that a release
 * without a matching acquire shows up as an error instead of an extra permit.
 */
export class BoundedSemaphore extends Semaphore {
  readonly #initial: number = 0;

  /** @throws {RangeError} when `value` is not a whole number >= 0. */
  constructor(value = 1) {
    super(value);
    this.#initial = value;
  }

  /**
   * Gives a permit back, as {@link Semaphore.release} does.
   * @throws {SemaphoreOverReleaseError} when every permit is already free.
   */
  override release(): void {
    if (this.value >= this.#initial) throw new SemaphoreOverReleaseError();
    super.release();
  }

  override get [Symbol.toStringTag](): string {
    return 'BoundedSemaphore';
  }
}
