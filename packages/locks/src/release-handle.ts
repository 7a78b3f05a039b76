/**
 * What a successful `acquire()` resolves to: call it, or let `using` dispose it, to give the
 * permit back. Only the first call releases, so a handle can never return a permit twice.
 */
export interface ReleaseHandle extends Disposable {
  (): void;
}

/** Wraps `release` in an idempotent {@link ReleaseHandle}. */
export function createReleaseHandle(release: () => void): ReleaseHandle {
  let released = false;
  const handle = (): void => {
    if (released) return;
    released = true;
    release();
  };
  return Object.assign(handle, { [Symbol.dispose]: handle });
}
