import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@tornado-ts/ioloop';
import { Lock, ReleaseUnlockedError } from '@tornado-ts/locks';
import { promiseState, sleep } from './helpers';

describe('Lock', () => {
  it('shows its state in toString', () => {
    const lock = new Lock();
    expect(lock.toString()).toBe('<Lock [unlocked,value:1]>');
    void lock.acquire();
    void lock.acquire();
    expect(lock.toString()).toBe('<Lock [locked,waiters:1]>');
  });

  it('locks at once when free and makes the next acquire wait', async () => {
    const lock = new Lock();
    expect(lock.locked).toBe(false);
    expect(await promiseState(lock.acquire())).toBe('fulfilled');
    expect(lock.locked).toBe(true);
    const next = lock.acquire();
    expect(await promiseState(next)).toBe('pending');
    lock.release();
    expect(await promiseState(next)).toBe('fulfilled');
    expect(lock.locked).toBe(true);
  });

  it.each([
    ['using', async (lock: Lock, record: () => void) => {
      using release = await lock.acquire();
      record();
      void release;
    }],
    ['run', (lock: Lock, record: () => void) => lock.run(record)],
  ])('hands the lock over in FIFO order (%s)', async (_, task) => {
    const lock = new Lock();
    await lock.acquire();
    const history: number[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) => task(lock, () => history.push(i)));
    await sleep(0);
    expect(history).toEqual([]);
    lock.release();
    await Promise.all(tasks);
    expect(history).toEqual([0, 1, 2, 3, 4]);
    expect(lock.locked).toBe(false);
  });

  it('stays locked after an acquire times out', async () => {
    const lock = new Lock();
    void lock.acquire();
    await expect(lock.acquire({ timeout: 10 })).rejects.toBeInstanceOf(TimeoutError);
    expect(lock.locked).toBe(true);
    expect(await promiseState(lock.acquire())).toBe('pending');
  });

  it('throws when releasing an unlocked lock', async () => {
    const lock = new Lock();
    expect(() => lock.release()).toThrow(ReleaseUnlockedError);
    await lock.acquire();
    lock.release();
    expect(() => lock.release()).toThrow(ReleaseUnlockedError);
  });

  it('makes a handle used after a manual release throw instead of unlocking twice', async () => {
    const lock = new Lock();
    const release = await lock.acquire();
    lock.release();
    expect(() => release()).toThrow(ReleaseUnlockedError);
    expect(() => release()).not.toThrow(); // the handle has already been spent
  });

  it('unlocks after run even when fn throws', async () => {
    const lock = new Lock();
    await expect(lock.run(async () => { throw new Error('inside'); })).rejects.toThrow('inside');
    expect(lock.locked).toBe(false);
  });

  it('gives up on an aborted acquire and leaves the lock to the next waiter', async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    const controller = new AbortController();
    const aborted = lock.acquire({ signal: controller.signal });
    const live = lock.acquire();
    controller.abort(new Error('changed my mind'));
    await expect(aborted).rejects.toThrow('changed my mind');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    held();
    const next = await live;
    expect(lock.locked).toBe(true);
    next();
    expect(lock.locked).toBe(false);
  });
});
