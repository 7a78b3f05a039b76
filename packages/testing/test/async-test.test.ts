// asyncTest and getAsyncTestTimeout: Tornado's gen_test and get_async_test_timeout. From
// testing_test.py: GenTest (test_sync, test_async, test_timeout, test_no_timeout,
// test_timeout_environment_variable, test_no_timeout_environment_variable, test_with_method_args,
// test_native_coroutine, test_native_coroutine_timeout), AsyncTestCaseWrapperTest.test_other_return.
// Not applicable: AsyncTestCase.stop/wait (test_wait_timeout, test_subsequent_wait_calls; a
// deprecated callback style with no place in async/await tests), LeakTest (asyncio task-destroyed
// warnings have no Node equivalent), test_undecorated_generator/_coroutine/_with_skip (vitest awaits
// a returned promise itself, so an "undecorated" async test cannot be lost), test_unwrap
// (Python's inspect.unwrap), SetUpTearDownTest (unittest's cooperative setUp/tearDown chain: vitest
// hooks), GetNewIOLoopTest (one Node event loop; IOLoop.current() is always it), test_with_method_kwargs
// (no keyword arguments: an options object is just an argument, covered by the args test), and the
// stack-trace half of test_timeout (a pending async function cannot have an error thrown into it).
import { TimeoutError } from '@tornado-ts/ioloop';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { asyncTest, DEFAULT_ASYNC_TEST_TIMEOUT, getAsyncTestTimeout } from '../src/index';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const savedEnv = process.env.ASYNC_TEST_TIMEOUT;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.ASYNC_TEST_TIMEOUT;
  else process.env.ASYNC_TEST_TIMEOUT = savedEnv;
});

describe('getAsyncTestTimeout', () => {
  it('is 5000 ms by default', () => {
    delete process.env.ASYNC_TEST_TIMEOUT;
    expect(getAsyncTestTimeout()).toBe(5000);
    expect(DEFAULT_ASYNC_TEST_TIMEOUT).toBe(5000);
  });

  it('reads ASYNC_TEST_TIMEOUT in seconds, as Tornado does', () => {
    process.env.ASYNC_TEST_TIMEOUT = '0.25';
    expect(getAsyncTestTimeout()).toBe(250);
    process.env.ASYNC_TEST_TIMEOUT = '12';
    expect(getAsyncTestTimeout()).toBe(12_000);
  });

  it('ignores a value that is not a positive number', () => {
    for (const value of ['', 'abc', '-1', '0', 'Infinity', ' ']) {
      process.env.ASYNC_TEST_TIMEOUT = value;
      expect(getAsyncTestTimeout(), value).toBe(5000);
    }
  });
});

describe('asyncTest', () => {
  it('runs a synchronous test (test_sync)', async () => {
    let ran = false;
    await asyncTest(() => {
      ran = true;
    })();
    expect(ran).toBe(true);
  });

  it('awaits an async test (test_async, test_native_coroutine)', async () => {
    let finished = false;
    await asyncTest(async () => {
      await sleep(1);
      finished = true;
    })();
    expect(finished).toBe(true);
  });

  it('fails with TimeoutError naming the test when the limit passes (test_timeout)', async () => {
    const started = Date.now();
    const slow = asyncTest(async function waitsTooLong() {
      await sleep(1000);
    }, { timeout: 50 });
    const error = await slow().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('test waitsTooLong timed out after 50 ms');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('passes when the test finishes within its limit (test_no_timeout)', async () => {
    await expect(asyncTest(() => sleep(20), { timeout: 1000 })()).resolves.toBeUndefined();
  });

  it('uses its own timeout over the environment (test_timeout_environment_variable)', async () => {
    process.env.ASYNC_TEST_TIMEOUT = '0.02';
    await expect(asyncTest(() => sleep(60), { timeout: 500 })()).resolves.toBeUndefined();
  });

  it('uses the environment when no timeout is given (test_no_timeout_environment_variable)', async () => {
    const test = asyncTest(() => sleep(1000));
    process.env.ASYNC_TEST_TIMEOUT = '0.05'; // read when the test runs, not when it is wrapped
    await expect(test()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('passes the arguments on (test_with_method_args)', async () => {
    const seen: unknown[] = [];
    await asyncTest(async (a: string, b: { key: number }) => {
      seen.push(a, b);
    })('test', { key: 1 });
    expect(seen).toEqual(['test', { key: 1 }]);
  });

  it('passes the test function errors through unchanged', async () => {
    const boom = new Error('boom');
    await expect(asyncTest(async () => {
      throw boom;
    })()).rejects.toBe(boom);
    await expect(asyncTest(() => {
      throw boom;
    })()).rejects.toBe(boom);
  });

  it('fails a test that returns a value instead of having it ignored (test_other_return)', async () => {
    await expect(asyncTest(() => 42)()).rejects.toThrow(/Return value from test ignored: 42/);
    await expect(asyncTest(async () => ({ a: 1 }))()).rejects.toThrow(TypeError);
  });

  it('leaves no timer behind once the test has settled', async () => {
    const before = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    await asyncTest(() => undefined, { timeout: 60_000 })();
    expect(process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length).toBe(before);
  });

  it('refuses a limit that is not a positive number, and a test that is not a function', () => {
    expect(() => asyncTest(() => undefined, { timeout: 0 })).toThrow(RangeError);
    expect(() => asyncTest(() => undefined, { timeout: Number.NaN })).toThrow(RangeError);
    expect(() => asyncTest(null as never)).toThrow(TypeError);
  });

  it('works as a vitest test function', asyncTest(async (context: TestContext) => {
    expect(context.task.name).toBe('works as a vitest test function');
  }));
});
