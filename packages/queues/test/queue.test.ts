import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Deque, TimeoutError } from '@tornado-ts/ioloop';
import { Queue, QueueEmpty, QueueFull, type QueueStore } from '@tornado-ts/queues';
import { promiseState, sleep } from './helpers';
import { runJoinSuite } from './join.suite';

describe('Queue', () => {
  describe('basics', () => {
    it('shows getters, putters and unfinished tasks in toString', () => {
      const q = new Queue<null>({ maxsize: 1 });
      void q.get();
      expect(q.toString()).toBe('<Queue maxsize=1 getters[1]>');
      void q.put(null); // straight to the getter
      void q.put(null);
      void q.put(null); // the queue is full: this one waits
      expect(q.toString()).toBe('<Queue maxsize=1 qsize=1 putters[1] tasks=2>');
      expect(String(new Queue())).toBe('<Queue maxsize=0>');
    });

    it('hands items out first in, first out', () => {
      const q = new Queue<number>();
      for (const i of [1, 3, 2]) q.putNowait(i);
      expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual([1, 3, 2]);
    });

    it('checks maxsize and waits for room when full', async () => {
      expect(() => new Queue({ maxsize: null as unknown as number })).toThrow(TypeError);
      expect(() => new Queue({ maxsize: -1 })).toThrow(RangeError);
      expect(() => new Queue({ maxsize: Number.NaN })).toThrow(RangeError);
      const q = new Queue<number>({ maxsize: 2 });
      expect(q.empty()).toBe(true);
      expect(q.full()).toBe(false);
      expect(q.maxsize).toBe(2);
      expect(await promiseState(q.put(0))).toBe('fulfilled');
      expect(await promiseState(q.put(1))).toBe('fulfilled');
      expect(q.empty()).toBe(false);
      expect(q.full()).toBe(true);
      const put2 = q.put(2);
      expect(await promiseState(put2)).toBe('pending');
      expect(await q.get()).toBe(0);
      expect(await promiseState(put2)).toBe('fulfilled');
      expect(q.full()).toBe(true);
      expect(q.qsize()).toBe(2);
    });

    it('rounds a fractional maxsize up, never treating it as unbounded', async () => {
      const q = new Queue<number>({ maxsize: 1.3 });
      expect(q.empty()).toBe(true);
      expect(q.full()).toBe(false);
      q.putNowait(0);
      q.putNowait(1);
      expect(q.full()).toBe(true);
      expect(() => q.putNowait(2)).toThrow(QueueFull);
      expect(q.getNowait()).toBe(0);
      expect(q.full()).toBe(false);
      await q.put(2);
      const put = q.put(3);
      expect(await promiseState(put)).toBe('pending');
      expect(await q.get()).toBe(1);
      await put;
      expect(q.full()).toBe(true);
    });

    it('never fills when unbounded', () => {
      const q = new Queue<number>();
      for (let i = 0; i < 10_000; i++) q.putNowait(i);
      expect(q.full()).toBe(false);
      expect(q.qsize()).toBe(10_000);
    });

    it('orders items with a store it is given', () => {
      const store: QueueStore<string> = new Deque<string>();
      const q = new Queue<string>({ maxsize: 2 }, store);
      q.putNowait('a');
      expect(store.length).toBe(1);
      expect(q.getNowait()).toBe('a');
    });
  });

  describe('get', () => {
    it('resolves with an item already there', async () => {
      const q = new Queue<number>();
      q.putNowait(0);
      await expect(q.get()).resolves.toBe(0);
    });

    it('getNowait returns an item or throws QueueEmpty', () => {
      const q = new Queue<number>();
      expect(() => q.getNowait()).toThrow(QueueEmpty);
      q.putNowait(0);
      expect(q.getNowait()).toBe(0);
      expect(() => q.getNowait()).toThrow(QueueEmpty);
    });

    it('lets a waiting putter in when it takes an item', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(0);
      const put = q.put(1);
      expect(await q.get()).toBe(0);
      await expect(put).resolves.toBeUndefined();
      expect(q.getNowait()).toBe(1);
    });

    it('waits for items put later', async () => {
      const q = new Queue<number>();
      void q.put(0);
      setTimeout(() => q.putNowait(1), 10);
      setTimeout(() => q.putNowait(2), 20);
      expect(await q.get({ timeout: 1000 })).toBe(0);
      expect(await q.get({ timeout: 1000 })).toBe(1);
    });

    it('times out without disturbing the getters behind', async () => {
      const q = new Queue<number>();
      const timed = q.get({ timeout: 10 });
      const get = q.get();
      await expect(timed).rejects.toBeInstanceOf(TimeoutError);
      q.putNowait(0);
      await expect(get).resolves.toBe(0);
      expect(q.qsize()).toBe(0);
    });

    it('keeps an item that arrived before the timeout', async () => {
      const q = new Queue<number>();
      const get = q.get({ timeout: 10 });
      void q.put(0);
      await sleep(30);
      await expect(get).resolves.toBe(0);
    });

    it('skips timed-out putters; their items never enter the queue', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      const putters = Array.from({ length: 10 }, (_, i) => q.put(i, { timeout: 10 }));
      const put = q.put(10);
      expect(q.toString()).toContain('putters[10]');
      const results = await Promise.allSettled(putters.slice(1));
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof TimeoutError)).toBe(true);
      expect(await promiseState(putters[0]!)).toBe('fulfilled');
      expect(q.toString()).toContain('putters[1]');
      expect(await promiseState(put)).toBe('pending');
      const put11 = q.put(11);
      expect(await q.get()).toBe(0);
      expect(await promiseState(put)).toBe('fulfilled');
      expect(q.toString()).toContain('putters[1]');
      expect(q.getNowait()).toBe(10);
      expect(q.getNowait()).toBe(11);
      await put11;
      expect(q.empty()).toBe(true);
    });

    it('skips timed-out getters', async () => {
      const q = new Queue<number>();
      const getters = Array.from({ length: 10 }, () => q.get({ timeout: 10 }));
      const get = q.get();
      expect(q.toString()).toContain('getters[11]');
      const results = await Promise.allSettled(getters);
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof TimeoutError)).toBe(true);
      expect(q.toString()).toContain('getters[1]');
      expect(await promiseState(get)).toBe('pending');
      const second = q.get();
      expect(q.toString()).toContain('getters[2]');
      q.putNowait(5);
      q.putNowait(6);
      await expect(get).resolves.toBe(5);
      await expect(second).resolves.toBe(6);
    });

    it('reaches a live getter behind 10,000 timed-out ones', async () => {
      const q = new Queue<number>();
      const timedOut = Array.from({ length: 10_000 }, () => q.get({ timeout: 5 }));
      const live = q.get();
      const results = await Promise.allSettled(timedOut);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(10_000);
      expect(q.toString()).toBe('<Queue maxsize=0 getters[1]>');
      await q.put(42);
      await expect(live).resolves.toBe(42);
      expect(q.qsize()).toBe(0);
    });

    it('iterates with for await, one get per step', async () => {
      const q = new Queue<number>();
      for (let i = 0; i < 5; i++) void q.put(i);
      const results: number[] = [];
      for await (const item of q) {
        results.push(item);
        if (item === 4) break;
      }
      expect(results).toEqual([0, 1, 2, 3, 4]);
      expect(q.qsize()).toBe(0);
      q.putNowait(5);
      expect(q.getNowait()).toBe(5); // breaking out left no get behind
    });

    it('keeps iterating while items keep coming', async () => {
      const q = new Queue<string>();
      setTimeout(() => q.putNowait('late'), 10);
      const iterator = q[Symbol.asyncIterator]();
      q.putNowait('early');
      await expect(iterator.next()).resolves.toEqual({ value: 'early', done: false });
      await expect(iterator.next()).resolves.toEqual({ value: 'late', done: false });
    });
  });

  describe('put', () => {
    it('resolves at once while there is room', async () => {
      const q = new Queue<number>();
      await q.put(0);
      expect(q.getNowait()).toBe(0);
    });

    it('putNowait throws QueueFull on a full queue', () => {
      const q = new Queue<number>({ maxsize: 1 });
      void q.put(0);
      expect(() => q.putNowait(1)).toThrow(QueueFull);
      expect(q.qsize()).toBe(1);
    });

    it('hands items to waiting getters in order', async () => {
      const q = new Queue<number>();
      const get0 = q.get();
      const get1 = q.get();
      await q.put(0);
      expect(await get0).toBe(0);
      await q.put(1);
      expect(await get1).toBe(1);
      expect(q.qsize()).toBe(0);
    });

    it('putNowait wakes getters on the next tick', async () => {
      const q = new Queue<number>();
      const get0 = q.get();
      const get1 = q.get();
      q.putNowait(0);
      expect(q.qsize()).toBe(0);
      expect(await get0).toBe(0);
      q.putNowait(1);
      expect(await get1).toBe(1);
    });

    it('waits for room made by later gets', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(0);
      setTimeout(() => void q.get(), 10);
      setTimeout(() => void q.get(), 20);
      const puts = [q.put(0), q.put(1)];
      expect(await Promise.all(puts.map(promiseState))).toEqual(['pending', 'pending']);
      await Promise.all(puts);
      expect(q.getNowait()).toBe(1);
    });

    it('leaves a timed-out item out of the queue', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(0);
      const timed = q.put(1, { timeout: 10 });
      const put = q.put(2);
      await expect(timed).rejects.toBeInstanceOf(TimeoutError);
      expect(q.getNowait()).toBe(0);
      expect(await q.get()).toBe(2);
      await put;
      expect(q.empty()).toBe(true);
    });

    it('keeps a put that got room before the timeout', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(0);
      const put = q.put(1, { timeout: 10 });
      void q.get();
      await sleep(30);
      await expect(put).resolves.toBeUndefined();
      expect(q.getNowait()).toBe(1);
    });

    it('skips timed-out putters when adding more', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      const putters = Array.from({ length: 10 }, (_, i) => q.put(i, { timeout: 10 }));
      const put = q.put(10);
      await Promise.allSettled(putters);
      expect(await promiseState(put)).toBe('pending');
      void q.put(11);
      expect(q.toString()).toContain('putters[2]');
      for (const putter of putters.slice(1)) await expect(putter).rejects.toBeInstanceOf(TimeoutError);
      expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual([0, 10, 11]);
    });

    it('skips timed-out getters when handing an item over', async () => {
      const q = new Queue<number>();
      const getters = Array.from({ length: 10 }, () => q.get({ timeout: 10 }));
      const get = q.get();
      void q.get();
      expect(q.toString()).toContain('getters[12]');
      await Promise.allSettled(getters);
      expect(q.toString()).toContain('getters[2]');
      await q.put(0);
      expect(q.toString()).toContain('getters[1]');
      await expect(get).resolves.toBe(0);
      for (const getter of getters) await expect(getter).rejects.toBeInstanceOf(TimeoutError);
    });

    it('keeps 10,000 timed-out putters out of the queue', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(-1);
      const timedOut = Array.from({ length: 10_000 }, (_, i) => q.put(i, { timeout: 5 }));
      const live = q.put(10_000);
      await Promise.allSettled(timedOut);
      expect(q.toString()).toBe('<Queue maxsize=1 qsize=1 putters[1] tasks=1>');
      expect(q.getNowait()).toBe(-1);
      await live;
      expect(q.getNowait()).toBe(10_000);
      expect(q.empty()).toBe(true);
    });
  });

  describe('with an AbortSignal', () => {
    it('get rejects with the reason, removes its listener and takes nothing', async () => {
      const q = new Queue<number>();
      const controller = new AbortController();
      const aborted = q.get({ signal: controller.signal, timeout: 1000 });
      const live = q.get();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      const reason = new Error('consumer stopped');
      controller.abort(reason);
      await expect(aborted).rejects.toBe(reason);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      q.putNowait(1);
      await expect(live).resolves.toBe(1);
    });

    it('put rejects with the reason, removes its listener and leaves its item out', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(0);
      const controller = new AbortController();
      const aborted = q.put(1, { signal: controller.signal });
      const live = q.put(2);
      controller.abort('producer stopped');
      await expect(aborted).rejects.toBe('producer stopped');
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(q.getNowait()).toBe(0);
      await live;
      expect(q.getNowait()).toBe(2);
      expect(q.empty()).toBe(true);
    });

    it('an already aborted signal rejects even when the queue could serve at once', async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      await expect(q.get({ signal: AbortSignal.abort('no') })).rejects.toBe('no');
      await expect(q.put(2, { signal: AbortSignal.abort('no') })).rejects.toBe('no');
      expect(q.qsize()).toBe(1);
      expect(q.getNowait()).toBe(1);
    });

    it('removes the listener when the wait succeeds', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      const controller = new AbortController();
      const get = q.get({ signal: controller.signal });
      q.putNowait(1);
      await get;
      q.putNowait(2);
      const put = q.put(3, { signal: controller.signal });
      q.getNowait();
      await put;
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });

  it('passes items from a producer to a consumer in order', async () => {
    const q = new Queue<number>({ maxsize: 3 });
    const history: number[] = [];
    const stop = new AbortController();
    const consumer = (async () => {
      for (;;) {
        history.push(await q.get({ signal: stop.signal }));
        q.taskDone();
      }
    })();
    for (let i = 0; i < 10; i++) await q.put(i);
    await q.join();
    expect(history).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    stop.abort();
    await expect(consumer).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('moves 100,000 items through put/get pairs in well under a second', async () => {
    const start = performance.now();
    const unbounded = new Queue<number>();
    let sum = 0;
    for (let i = 0; i < 50_000; i++) {
      await unbounded.put(i);
      sum += await unbounded.get();
    }
    const bounded = new Queue<number>({ maxsize: 8 });
    const producer = (async () => {
      for (let i = 0; i < 50_000; i++) await bounded.put(i);
    })();
    for (let i = 0; i < 50_000; i++) sum += await bounded.get();
    await producer;
    const elapsed = performance.now() - start;
    expect(sum).toBe(2 * ((50_000 * 49_999) / 2));
    expect(elapsed).toBeLessThan(1000);
  });

  runJoinSuite((options) => new Queue<number>(options));
});
