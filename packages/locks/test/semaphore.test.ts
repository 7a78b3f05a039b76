import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@tornado-ts/ioloop';
import { Semaphore } from '@tornado-ts/locks';
import { promiseState, sleep } from './helpers';

describe('Semaphore', () => {
  it('rejects a negative or fractional initial value', () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
    expect(new Semaphore().value).toBe(1);
    expect(new Semaphore(0).value).toBe(0);
  });

  it('shows its state in toString', () => {
    const sem = new Semaphore();
    expect(sem.toString()).toBe('<Semaphore [unlocked,value:1]>');
    void sem.acquire();
    expect(sem.toString()).toBe('<Semaphore [locked]>');
    void sem.acquire();
    expect(sem.toString()).toBe('<Semaphore [locked,waiters:1]>');
    expect(Object.prototype.toString.call(sem)).toBe('[object Semaphore]');
  });

  it('hands each release to the oldest waiter', async () => {
    const sem = new Semaphore();
    expect(await promiseState(sem.acquire())).toBe('fulfilled');
    const acquire1 = sem.acquire();
    const acquire2 = sem.acquire();
    expect(await promiseState(acquire1)).toBe('pending');
    sem.release();
    expect(await promiseState(acquire1)).toBe('fulfilled');
    expect(await promiseState(acquire2)).toBe('pending');
    sem.release();
    expect(await promiseState(acquire2)).toBe('fulfilled');
    sem.release();
    expect(await promiseState(sem.acquire())).toBe('fulfilled');
    expect(sem.toString()).toBe('<Semaphore [locked]>');
  });

  it('keeps FIFO order among many waiters', async () => {
    const sem = new Semaphore(0);
    const order: number[] = [];
    const tasks = Array.from({ length: 20 }, (_, i) => sem.acquire().then((release) => {
      order.push(i);
      release();
    }));
    sem.release();
    await Promise.all(tasks);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(sem.value).toBe(1);
  });

  it('times out an acquire; a later release goes to the counter', async () => {
    const sem = new Semaphore(2);
    await sem.acquire();
    await sem.acquire();
    const acquire = sem.acquire({ timeout: 10 });
    setTimeout(() => sem.release(), 40); // too late for the waiter
    await expect(acquire).rejects.toBeInstanceOf(TimeoutError);
    await sleep(60);
    expect(sem.value).toBe(1);
    void sem.acquire();
    const next = sem.acquire();
    expect(await promiseState(next)).toBe('pending');
    sem.release();
    expect(await promiseState(next)).toBe('fulfilled');
  });

  it('lets a release that comes before the timeout win', async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    setTimeout(() => sem.release(), 10);
    const acquire = sem.acquire({ timeout: 200 });
    await sleep(30);
    expect(await promiseState(acquire)).toBe('fulfilled');
    expect(sem.value).toBe(0);
  });

  it('gives a release to the next live waiter, never to a timed-out one', async () => {
    const sem = new Semaphore(0);
    const timedOut = sem.acquire({ timeout: 5 });
    const live = sem.acquire();
    await expect(timedOut).rejects.toBeInstanceOf(TimeoutError);
    sem.release();
    expect(await promiseState(live)).toBe('fulfilled');
    expect(sem.value).toBe(0);
  });

  it('counts releases made without an acquire', async () => {
    const sem = new Semaphore();
    sem.release();
    sem.release();
    expect(sem.value).toBe(3);
    for (let i = 0; i < 3; i++) expect(await promiseState(sem.acquire())).toBe('fulfilled');
    expect(await promiseState(sem.acquire())).toBe('pending');
  });

  it('drops timed-out waiters so the live one is still reached', async () => {
    const sem = new Semaphore(0);
    const timedOut = Array.from({ length: 101 }, () => sem.acquire({ timeout: 10 }));
    const live = sem.acquire();
    expect(sem.toString()).toBe('<Semaphore [locked,waiters:102]>');
    const results = await Promise.allSettled(timedOut);
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof TimeoutError)).toBe(true);
    expect(sem.toString()).toBe('<Semaphore [locked,waiters:1]>');
    expect(await promiseState(live)).toBe('pending');
    sem.release();
    expect(await promiseState(live)).toBe('fulfilled');
  });

  it('reaches a live waiter behind 10,000 timed-out ones without using a permit', async () => {
    const sem = new Semaphore(0);
    const timedOut = Array.from({ length: 10_000 }, () => sem.acquire({ timeout: 5 }));
    const live = sem.acquire();
    await Promise.allSettled(timedOut);
    sem.release();
    expect(await promiseState(live)).toBe('fulfilled');
    expect(sem.value).toBe(0);
    sem.release();
    expect(sem.value).toBe(1);
  });

  describe('run', () => {
    it('holds a permit while fn runs and returns its result', async () => {
      const sem = new Semaphore(1);
      const result = await sem.run(() => {
        expect(sem.value).toBe(0);
        return 42;
      });
      expect(result).toBe(42);
      expect(sem.value).toBe(1);
    });

    it('releases when fn throws or rejects', async () => {
      const sem = new Semaphore(1);
      await expect(sem.run(() => { throw new RangeError('sync'); })).rejects.toThrow('sync');
      expect(sem.value).toBe(1);
      await expect(sem.run(async () => { await sleep(1); throw new Error('async'); })).rejects.toThrow('async');
      expect(sem.value).toBe(1);
    });

    it('serialises contending tasks', async () => {
      const sem = new Semaphore();
      const history: string[] = [];
      const task = (i: number) => sem.run(async () => {
        history.push(`acquired ${i}`);
        await sleep(10);
        history.push(`release ${i}`);
      });
      await Promise.all([task(0), task(1)]);
      expect(history).toEqual(['acquired 0', 'release 0', 'acquired 1', 'release 1']);
    });

    it('does not run fn when the acquire times out, and the counter stays put', async () => {
      const sem = new Semaphore(0);
      let ran = false;
      await expect(sem.run(() => { ran = true; }, { timeout: 10 })).rejects.toBeInstanceOf(TimeoutError);
      expect(ran).toBe(false);
      expect(await promiseState(sem.acquire())).toBe('pending');
    });

    it('does not run fn when the acquire is aborted', async () => {
      const sem = new Semaphore(0);
      const controller = new AbortController();
      let ran = false;
      const run = sem.run(() => { ran = true; }, { signal: controller.signal });
      controller.abort(new Error('shutting down'));
      await expect(run).rejects.toThrow('shutting down');
      expect(ran).toBe(false);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      sem.release();
      expect(sem.value).toBe(1);
    });

    it('runs at once when the permit is free, timeout or not', async () => {
      const sem = new Semaphore();
      await expect(sem.run(() => 'done', { timeout: 10 })).resolves.toBe('done');
      expect(await promiseState(sem.acquire())).toBe('fulfilled');
    });
  });

  describe('with an AbortSignal', () => {
    it('rejects with the reason, removes its listener and takes no permit', async () => {
      const sem = new Semaphore(0);
      const controller = new AbortController();
      const aborted = sem.acquire({ signal: controller.signal, timeout: 1000 });
      const live = sem.acquire();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      const reason = new Error('cancelled');
      controller.abort(reason);
      await expect(aborted).rejects.toBe(reason);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      sem.release();
      expect(await promiseState(live)).toBe('fulfilled');
      sem.release();
      expect(sem.value).toBe(1);
    });

    it('rejects at once when already aborted, even with a free permit', async () => {
      const sem = new Semaphore(1);
      await expect(sem.acquire({ signal: AbortSignal.abort('nope') })).rejects.toBe('nope');
      expect(sem.value).toBe(1);
    });

    it('removes the listener once the permit is granted', async () => {
      const sem = new Semaphore(0);
      const controller = new AbortController();
      const acquire = sem.acquire({ signal: controller.signal });
      sem.release();
      await acquire;
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      controller.abort();
      expect(sem.value).toBe(0);
    });
  });
});
