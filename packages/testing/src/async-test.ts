import { TimeoutError } from '@tornado-ts/ioloop';

/** The default limit of {@link asyncTest} when neither the option nor the environment sets one. */
export const DEFAULT_ASYNC_TEST_TIMEOUT = 5000;

/**
 * The time limit of async tests in ms: `ASYNC_TEST_TIMEOUT` from the environment, read in
 * **seconds** as Tornado reads it (so the same CI setting works for both), else 5000.
 */
export function getAsyncTestTimeout(): number {
  const fromEnv = process.env.ASYNC_TEST_TIMEOUT;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const seconds = Number(fromEnv);
    if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  }
  return DEFAULT_ASYNC_TEST_TIMEOUT;
}

/** Options of {@link asyncTest}. */
export interface AsyncTestOptions {
  /** Ms the test may run (default {@link getAsyncTestTimeout}, read when the test starts). */
  timeout?: number;
}

/**
 * Wraps an async test function as Tornado's `gen_test`: the test fails with ioloop's `TimeoutError`
 * once `timeout` ms pass, and a test that returns a value (an unawaited promise of the wrong kind,
 * a forgotten generator) fails instead of having it silently ignored. Arguments are passed on, so
 * `it('name', asyncTest(async (context) => {...}))` works.
 * @throws {TimeoutError} when the test runs past its limit. @throws {TypeError} when it returns a value.
 */
export function asyncTest<A extends unknown[]>(
  test: (...args: A) => unknown,
  options: AsyncTestOptions = {},
): (...args: A) => Promise<void> {
  if (typeof test !== 'function') throw new TypeError('asyncTest() needs a test function');
  if (options.timeout !== undefined && !(options.timeout > 0)) {
    throw new RangeError(`asyncTest timeout must be a positive number of ms, got ${String(options.timeout)}`);
  }
  const name = test.name === '' ? 'test' : `test ${test.name}`;
  return async (...args: A): Promise<void> => {
    const limit = options.timeout ?? getAsyncTestTimeout();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${name} timed out after ${limit} ms`)), limit);
    });
    let result: unknown;
    try {
      result = await Promise.race([Promise.resolve().then(() => test(...args)), expired]);
    } finally {
      clearTimeout(timer);
    }
    if (result !== undefined) {
      throw new TypeError(`Return value from ${name} ignored: ${typeof result === 'object' ? Object.prototype.toString.call(result) : String(result)}`);
    }
  };
}
