import { describe, expect, expectTypeOf, it } from 'vitest';
import { IOLoop, WaitIterator, sleep, withTimeout, type WaitResult } from '@tornado-ts/ioloop';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Settles the four promises over several loop turns: #2 first, then #0 fails, then #1 and #3 together. */
function finishOverTurns(ds: Deferred<number>[], turn = 0): void {
  if (turn === 3) ds[2].resolve(24);
  else if (turn === 5) ds[0].reject(new RangeError('division'));
  else if (turn === 8) {
    ds[1].resolve(42);
    ds[3].resolve(84);
  }
  if (turn < 8) IOLoop.current().addCallback(finishOverTurns, ds, turn + 1);
}

describe('WaitIterator', () => {
  it('is done at once when empty', async () => {
    const it = new WaitIterator([]);
    expect(it.done()).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(it.currentIndex).toBeUndefined();
    expect(it.currentPromise).toBeUndefined();
    const results: unknown[] = [];
    for await (const r of new WaitIterator({})) results.push(r);
    expect(results).toEqual([]);
  });

  it('hands out promises already settled in input order, tracking the current index and promise', async () => {
    const p = [Promise.resolve(24), Promise.resolve(42), Promise.resolve(84)];
    const it = new WaitIterator(p);
    const seen: [number | undefined, WaitResult<number, number>][] = [];
    while (!it.done()) {
      const r = await it.next();
      if (r.done) throw new Error('next() said done before done() did');
      expect(it.currentPromise).toBe(p[r.value.key]);
      seen.push([it.currentIndex, r.value]);
    }
    expect(seen).toEqual([
      [0, { key: 0, value: 24 }],
      [1, { key: 1, value: 42 }],
      [2, { key: 2, value: 84 }],
    ]);
    expect(it.currentIndex).toBeUndefined();
    expect(it.currentPromise).toBeUndefined();

    const byKey = new WaitIterator({ f1: p[0], f2: p[1] });
    const keyed: Record<string, number> = {};
    while (!byKey.done()) {
      const r = await byKey.next();
      if (!r.done) {
        expect(byKey.currentPromise).toBe(r.value.key === 'f1' ? p[0] : p[1]);
        keyed[r.value.key] = r.value.value;
      }
    }
    expect(keyed).toEqual({ f1: 24, f2: 42 });
  });

  it('yields in completion order and surfaces an error at its turn (next() style)', async () => {
    const ds = [deferred<number>(), deferred<number>(), deferred<number>(), deferred<number>()];
    finishOverTurns(ds);
    const it = new WaitIterator(ds.map((d) => d.promise));
    const log: string[] = [];
    while (!it.done()) {
      try {
        const r = await it.next();
        if (!r.done) log.push(`${r.value.key}=${r.value.value} current ${it.currentIndex}`);
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        expect(it.currentPromise).toBe(ds[0].promise);
        log.push(`error at ${it.currentIndex}`);
      }
    }
    expect(log).toEqual(['2=24 current 2', 'error at 0', '1=42 current 1', '3=84 current 3']);
  });

  it('works with for await, and iteration can resume after an error ends a loop', async () => {
    const ds = [deferred<number>(), deferred<number>(), deferred<number>(), deferred<number>()];
    finishOverTurns(ds);
    const it = new WaitIterator(ds.map((d) => d.promise));
    const log: string[] = [];
    try {
      for await (const { key, value } of it) log.push(`${key}=${value}`);
      throw new Error('the failed input should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      log.push(`error at ${it.currentIndex}`);
    }
    for await (const { key, value } of it) log.push(`${key}=${value}`);
    expect(log).toEqual(['2=24', 'error at 0', '1=42', '3=84']);
    expect(it.done()).toBe(true);
  });

  it('yields record keys in completion order', async () => {
    const results: string[] = [];
    for await (const { key, value } of new WaitIterator({ slow: sleep(30).then(() => 's'), fast: sleep(5).then(() => 'f'), now: 'n' })) {
      results.push(`${key}:${value}`);
    }
    expect(results).toEqual(['now:n', 'fast:f', 'slow:s']);
  });

  it('can break out of a loop and pick up later', async () => {
    const it = new WaitIterator([1, 2, 3].map((n) => Promise.resolve(n)));
    for await (const r of it) {
      expect(r).toEqual({ key: 0, value: 1 });
      break;
    }
    const rest: number[] = [];
    for await (const r of it) rest.push(r.value);
    expect(rest).toEqual([2, 3]);
  });

  it('serves several next() calls waiting at once, and done for the extra ones', async () => {
    const a = deferred<string>();
    const b = deferred<string>();
    const it = new WaitIterator([a.promise, b.promise]);
    const first = it.next();
    const second = it.next();
    const third = it.next();
    expect(await third).toEqual({ done: true, value: undefined });
    b.resolve('b');
    a.resolve('a');
    expect(await first).toEqual({ done: false, value: { key: 1, value: 'b' } });
    expect(await second).toEqual({ done: false, value: { key: 0, value: 'a' } });
    expect(it.done()).toBe(true);
  });

  it('keeps working when only its next() promise is held', async () => {
    const r = await withTimeout(new WaitIterator([sleep(0)]).next(), 100);
    expect(r).toEqual({ done: false, value: { key: 0, value: undefined } });
  });

  it('types keys by the input shape', () => {
    expectTypeOf(new WaitIterator([Promise.resolve(1)])).toEqualTypeOf<WaitIterator<number, number>>();
    expectTypeOf(new WaitIterator({ a: Promise.resolve('x'), b: 'y' as string })).toEqualTypeOf<WaitIterator<string, 'a' | 'b'>>();
  });
});
