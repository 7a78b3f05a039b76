import { getEventListeners } from 'node:events';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { IOLoop, TimeoutError, appLog, expectLog, multi, sleep, withTimeout } from '@tornado-ts/ioloop';
import { captureLog, delay, refTimers } from './helpers';

/** A promise that settles after `ms` with `value`, or rejects with `error` when one is given. */
function after<T>(ms: number, value: T, error?: Error): Promise<T> {
  return new Promise((resolve, reject) => setTimeout(() => (error ? reject(error) : resolve(value)), ms));
}

class QuietError extends Error {}

describe('sleep', () => {
  it('resolves after the given ms, never early by the loop clock', async () => {
    const loop = IOLoop.current();
    for (const ms of [0, 10, 25]) {
      const start = loop.time();
      await expect(sleep(ms)).resolves.toBeUndefined();
      const took = loop.time() - start;
      expect(took).toBeGreaterThanOrEqual(ms);
      expect(took).toBeLessThan(ms + 200);
    }
  });

  it('rejects with the reason when its signal aborts, and removes its timer', async () => {
    const before = refTimers();
    const controller = new AbortController();
    const slept = sleep(60_000, { signal: controller.signal });
    expect(refTimers()).toBe(before + 1);
    const reason = new Error('wake up');
    setTimeout(() => controller.abort(reason), 5);
    await expect(slept).rejects.toBe(reason);
    expect(refTimers()).toBe(before);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes its abort listener when it wakes normally', async () => {
    const controller = new AbortController();
    await sleep(1, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort(); // harmless now
  });

  it('rejects at once with an already-aborted signal', async () => {
    const before = refTimers();
    const reason = new Error('too late');
    await expect(sleep(10, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(refTimers()).toBe(before);
  });

  it('rejects a duration that is not a number', () => {
    expect(() => sleep(Number.NaN)).toThrow(TypeError);
  });
});

describe('withTimeout', () => {
  it('rejects with TimeoutError when the promise is not done in time', async () => {
    const loop = IOLoop.current();
    const start = loop.time();
    const error = await withTimeout(new Promise(() => undefined), 30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('TORNADO_ERR_TIMEOUT');
    expect(loop.time() - start).toBeGreaterThanOrEqual(30);
    expect(loop.time() - start).toBeLessThan(500);
  });

  it('resolves with the value of a promise that completes first, and drops its timer', async () => {
    const before = refTimers();
    expect(await withTimeout(after(10, 'asdf'), 3_600_000)).toBe('asdf');
    expect(refTimers()).toBe(before);
  });

  it('rejects with the error of a promise that fails first', async () => {
    await expect(withTimeout(after(10, 0, new RangeError('division')), 3_600_000)).rejects.toThrow(RangeError);
  });

  it('passes through a promise already resolved, a plain value and an async function result', async () => {
    expect(await withTimeout(Promise.resolve('done'), 0)).toBe('done');
    expect(await withTimeout('plain', 10)).toBe('plain');
    const f1 = async () => 42;
    expect(await withTimeout(f1(), 3_600_000)).toBe(42);
  });

  it('takes a relative { timeout } or an absolute { deadline } on the loop clock', async () => {
    const loop = IOLoop.current();
    await expect(withTimeout(new Promise(() => undefined), { timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    const start = loop.time();
    await expect(withTimeout(new Promise(() => undefined), { deadline: start + 20 })).rejects.toBeInstanceOf(TimeoutError);
    expect(loop.time() - start).toBeGreaterThanOrEqual(20);
    expect(() => withTimeout(Promise.resolve(1), Number.NaN)).toThrow(TypeError);
  });

  it('does not cancel the promise: it can still be awaited after the timeout', async () => {
    const slow = after(30, 'eventually');
    await expect(withTimeout(slow, 5)).rejects.toBeInstanceOf(TimeoutError);
    expect(await slow).toBe('eventually');
  });

  it('logs a failure that comes after the timeout', async () => {
    await expectLog(appLog, /Exception in promise after timeout[\s\S]*Error: late failure/, async () => {
      await expect(withTimeout(after(20, 0, new Error('late failure')), 5)).rejects.toBeInstanceOf(TimeoutError);
      await delay(40);
    });
  });

  it('does not log late failures of quiet classes, nor late successes', async () => {
    const records = await captureLog(appLog, async () => {
      await expect(withTimeout(after(20, 0, new QuietError('quiet')), 5, { quietExceptions: QuietError })).rejects.toBeInstanceOf(
        TimeoutError,
      );
      await expect(
        withTimeout(after(20, 0, new QuietError('quiet')), 5, { quietExceptions: [RangeError, QuietError] }),
      ).rejects.toBeInstanceOf(TimeoutError);
      await expect(withTimeout(after(20, 'fine'), 5)).rejects.toBeInstanceOf(TimeoutError);
      await delay(40);
    });
    expect(records).toEqual([]);
    // A quiet list that does not name the class still logs.
    await expectLog(appLog, /after timeout[\s\S]*loud/, async () => {
      await expect(withTimeout(after(20, 0, new Error('loud')), 5, { quietExceptions: [RangeError] })).rejects.toBeInstanceOf(
        TimeoutError,
      );
      await delay(40);
    });
  });
});

describe('multi', () => {
  it('resolves an array to the results in input order', async () => {
    expect(await multi([after(1, 2), after(1, 3)])).toEqual([2, 3]);
    // Completion order does not matter.
    expect(await multi([after(30, 'v1'), after(10, 'v2')])).toEqual(['v1', 'v2']);
  });

  it('resolves a record to the same keys', async () => {
    expect(await multi({ foo: after(1, 2), bar: after(1, 3) })).toEqual({ foo: 2, bar: 3 });
    expect(await multi({ foo: after(30, 'v1'), bar: after(10, 'v2') })).toEqual({ foo: 'v1', bar: 'v2' });
  });

  it('keeps the input shape when empty', async () => {
    expect(await multi([])).toEqual([]);
    expect(await multi({})).toEqual({});
  });

  it('accepts plain values and the same promise twice', async () => {
    const f = after(5, 2);
    expect(await multi([1, f, Promise.resolve(3), f])).toEqual([1, 2, 3, 2]);
  });

  it('types results by the input shape', async () => {
    const tuple = await multi([Promise.resolve(1), Promise.resolve('a')]);
    expectTypeOf(tuple).toEqualTypeOf<[number, string]>();
    const list: Promise<boolean>[] = [Promise.resolve(true)];
    expectTypeOf(await multi(list)).toEqualTypeOf<boolean[]>();
    const record = await multi({ n: Promise.resolve(1), s: 'x' as string });
    expectTypeOf(record).toEqualTypeOf<{ n: number; s: string }>();
  });

  it('handles a long list quickly', async () => {
    const start = performance.now();
    const results = await multi(Array.from({ length: 2000 }, (_, i) => Promise.resolve(i)));
    expect(results[1999]).toBe(1999);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('waits for every input before rejecting, unlike Promise.all', async () => {
    let slowDone = false;
    const slow = after(40, 'slow').then((v) => {
      slowDone = true;
      return v;
    });
    await expect(multi([Promise.reject(new Error('fast failure')), slow])).rejects.toThrow('fast failure');
    expect(slowDone).toBe(true);
  });

  it('rejects with the first error by position and logs the others', async () => {
    let error: unknown;
    await expectLog(appLog, /Multiple exceptions in multi\(\)[\s\S]*error 2/, async () => {
      // "error 2" happens first in time, but "error 1" comes first in the list.
      error = await multi([after(20, 0, new Error('error 1')), after(5, 0, new Error('error 2'))]).catch((e: unknown) => e);
    });
    expect((error as Error).message).toBe('error 1');
    await expectLog(appLog, /Multiple exceptions in multi\(\)[\s\S]*record error b/, async () => {
      error = await multi({ a: after(5, 0, new Error('record error a')), b: after(1, 0, new Error('record error b')) }).catch(
        (e: unknown) => e,
      );
    });
    expect((error as Error).message).toBe('record error a');
  });

  it('logs nothing with a single error, or when the others are quiet', async () => {
    const records = await captureLog(appLog, async () => {
      await expect(multi([after(1, 0, new RangeError('only')), after(1, 2)])).rejects.toThrow('only');
      await expect(
        multi([after(1, 0, new QuietError('first')), after(1, 0, new QuietError('second'))], { quietExceptions: QuietError }),
      ).rejects.toThrow('first');
      await expect(
        multi({ a: after(1, 0, new Error('first')), b: after(1, 0, new QuietError('second')) }, { quietExceptions: [QuietError] }),
      ).rejects.toThrow('first');
    });
    expect(records).toEqual([]);
  });
});
