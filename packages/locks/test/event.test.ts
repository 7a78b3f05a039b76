import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@tornado-ts/ioloop';
import { Event } from '@tornado-ts/locks';
import { promiseState, sleep } from './helpers';

describe('Event', () => {
  it('says set or clear in toString', () => {
    const event = new Event();
    expect(event.toString()).toBe('<Event clear>');
    event.set();
    expect(event.toString()).toBe('<Event set>');
  });

  it('blocks waiters while clear and releases them when set', async () => {
    const event = new Event();
    const wait0 = event.wait();
    event.set();
    const wait1 = event.wait();
    event.clear();
    const wait2 = event.wait();
    expect(await promiseState(wait0)).toBe('fulfilled');
    expect(await promiseState(wait1)).toBe('fulfilled');
    expect(await promiseState(wait2)).toBe('pending');
    event.set();
    expect(await promiseState(wait2)).toBe('fulfilled');
  });

  it('rejects with TimeoutError, then keeps working', async () => {
    const event = new Event();
    await expect(event.wait({ timeout: 10 })).rejects.toBeInstanceOf(TimeoutError);
    setTimeout(() => event.set(), 10);
    await expect(event.wait({ timeout: 1000 })).resolves.toBeUndefined();
  });

  it('stays set when set twice', () => {
    const event = new Event();
    event.set();
    event.set();
    expect(event.isSet()).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });

  it('wakes waiters from before and after a clear', async () => {
    const event = new Event();
    const wait0 = event.wait();
    event.clear();
    const wait1 = event.wait();
    event.set();
    expect(await promiseState(wait0)).toBe('fulfilled');
    expect(await promiseState(wait1)).toBe('fulfilled');
  });

  it('wakes thousands of waiters, skipping the timed-out ones', async () => {
    const event = new Event();
    const timedOut = Array.from({ length: 1000 }, () => event.wait({ timeout: 5 }));
    const live = Array.from({ length: 1000 }, () => event.wait());
    const results = await Promise.allSettled(timedOut);
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof TimeoutError)).toBe(true);
    event.set();
    await expect(Promise.all(live)).resolves.toHaveLength(1000);
  });

  describe('with an AbortSignal', () => {
    it('rejects with the reason and removes its listener', async () => {
      const event = new Event();
      const controller = new AbortController();
      const aborted = event.wait({ signal: controller.signal });
      const other = event.wait();
      const reason = new Error('no longer needed');
      controller.abort(reason);
      await expect(aborted).rejects.toBe(reason);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(await promiseState(other)).toBe('pending');
      event.set();
      expect(await promiseState(other)).toBe('fulfilled');
    });

    it('rejects at once when already aborted, even while set', async () => {
      const event = new Event();
      event.set();
      await expect(event.wait({ signal: AbortSignal.abort('late') })).rejects.toBe('late');
    });

    it('removes the listener when the event is set', async () => {
      const event = new Event();
      const controller = new AbortController();
      const wait = event.wait({ signal: controller.signal, timeout: 1000 });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      event.set();
      await wait;
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });
});
