import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deque, TimeoutError, Waiter, WaiterQueue } from '@tornado-ts/ioloop';
import { delay, refTimers } from './helpers';

function listeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Waiter', () => {
  it('settles once, by resolve or reject', async () => {
    const a = new Waiter<number>();
    expect(a.settled).toBe(false);
    expect(a.resolve(1)).toBe(true);
    expect(a.resolve(2)).toBe(false);
    expect(a.reject(new Error('late'))).toBe(false);
    expect(a.settled).toBe(true);
    await expect(a.promise).resolves.toBe(1);

    const b = new Waiter<number>();
    const reason = new Error('no');
    expect(b.reject(reason)).toBe(true);
    expect(b.resolve(3)).toBe(false);
    await expect(b.promise).rejects.toBe(reason);
  });

  it('rejects with TimeoutError after its timeout, and tells onCancel', async () => {
    const before = refTimers();
    const onCancel = vi.fn();
    const start = performance.now();
    const w = new Waiter<string>({ timeout: 20 }, { onCancel });
    expect(refTimers()).toBe(before + 1);
    const error = await w.promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('TORNADO_ERR_TIMEOUT');
    expect(performance.now() - start).toBeGreaterThanOrEqual(18);
    expect(onCancel).toHaveBeenCalledOnce();
    expect(refTimers()).toBe(before);
  });

  it("resolves with onTimeout's value instead, as Condition.wait does", async () => {
    const w = new Waiter<boolean>({ timeout: 5 }, { onTimeout: () => false });
    await expect(w.promise).resolves.toBe(false);
  });

  it('rejects with the abort reason and removes its listener and timer', async () => {
    const before = refTimers();
    const controller = new AbortController();
    const onCancel = vi.fn();
    const w = new Waiter<void>({ signal: controller.signal, timeout: 60_000 }, { onCancel });
    expect(listeners(controller.signal)).toBe(1);
    const reason = new Error('stop waiting');
    controller.abort(reason);
    await expect(w.promise).rejects.toBe(reason);
    expect(onCancel).toHaveBeenCalledOnce();
    expect(listeners(controller.signal)).toBe(0);
    expect(refTimers()).toBe(before);
  });

  it('removes its listener and timer when resolved or timed out, and onCancel is not told on resolve', async () => {
    const before = refTimers();
    const controller = new AbortController();
    const onCancel = vi.fn();
    const resolved = new Waiter<number>({ signal: controller.signal, timeout: 60_000 }, { onCancel });
    resolved.resolve(5);
    expect(listeners(controller.signal)).toBe(0);
    expect(refTimers()).toBe(before);
    expect(onCancel).not.toHaveBeenCalled();

    const timedOut = new Waiter<number>({ signal: controller.signal, timeout: 1 });
    await expect(timedOut.promise).rejects.toBeInstanceOf(TimeoutError);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('with an already-aborted signal rejects at once and registers nothing', async () => {
    const before = refTimers();
    const onCancel = vi.fn();
    const reason = new Error('already');
    const signal = AbortSignal.abort(reason);
    const w = new Waiter<void>({ signal, timeout: 10 }, { onCancel });
    expect(w.settled).toBe(true);
    await expect(w.promise).rejects.toBe(reason);
    expect(onCancel).not.toHaveBeenCalled();
    expect(listeners(signal)).toBe(0);
    expect(refTimers()).toBe(before);
  });

  it('rejects a bad timeout (a rejected promise, not a throw) before registering anything', async () => {
    const controller = new AbortController();
    const onCancel = vi.fn();
    for (const timeout of [-1, Number.NaN]) {
      const waiter = new Waiter({ timeout, signal: controller.signal }, { onCancel });
      expect(waiter.settled).toBe(true);
      await expect(waiter.promise).rejects.toThrow(RangeError);
    }
    expect(onCancel).not.toHaveBeenCalled();
    expect(listeners(controller.signal)).toBe(0);
  });

  it('takes an infinite timeout as none, and a very long one without firing early', async () => {
    const before = refTimers();
    const forever = new Waiter<number>({ timeout: Infinity });
    expect(refTimers()).toBe(before);
    const long = new Waiter<number>({ timeout: 2 ** 31 + 1000 });
    await delay(20);
    expect(long.settled).toBe(false);
    long.resolve(1);
    forever.resolve(2);
    expect(refTimers()).toBe(before);
  });
});

describe('WaiterQueue', () => {
  it('wakes waiters first in, first out', async () => {
    const q = new WaiterQueue<string>();
    const a = q.wait();
    const b = q.wait();
    const c = q.wait();
    expect(q.size).toBe(3);
    expect(q.resolveNext('one')).toBe(true);
    const reason = new Error('two');
    expect(q.rejectNext(reason)).toBe(true);
    expect(q.resolveAll('rest')).toBe(1);
    expect(q.resolveNext('nobody')).toBe(false);
    expect(q.rejectNext(reason)).toBe(false);
    await expect(a).resolves.toBe('one');
    await expect(b).rejects.toBe(reason);
    await expect(c).resolves.toBe('rest');
    expect(q.size).toBe(0);
  });

  it('skips waiters that timed out or were aborted', async () => {
    const q = new WaiterQueue<number>();
    const controller = new AbortController();
    // Catch at once: these reject before the test gets to await them.
    const timedOut = q.wait({ timeout: 1 }).catch((e: unknown) => e);
    const aborted = q.wait({ signal: controller.signal }).catch((e: unknown) => e);
    const live = q.wait();
    const alreadyAborted = q.wait({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    controller.abort();
    expect(await timedOut).toBeInstanceOf(TimeoutError);
    expect(await aborted).toHaveProperty('name', 'AbortError');
    expect(await alreadyAborted).toHaveProperty('name', 'AbortError');
    expect(q.size).toBe(1);
    expect(q.resolveNext(9)).toBe(true);
    await expect(live).resolves.toBe(9);
    expect(q.size).toBe(0);
    expect(q.resolveNext(10)).toBe(false);
  });

  it('applies onTimeout to every waiter', async () => {
    const q = new WaiterQueue<boolean>({ onTimeout: () => false });
    await expect(q.wait({ timeout: 1 })).resolves.toBe(false);
    expect(q.size).toBe(0);
  });

  it('compacts once cancelled waiters pile up, keeping only live ones in FIFO order', async () => {
    const retain = vi.spyOn(Deque.prototype, 'retain');
    const q = new WaiterQueue<number>();
    const controllers: AbortController[] = [];
    const live: { index: number; promise: Promise<number> }[] = [];
    const cancelled: Promise<number>[] = [];
    for (let i = 0; i < 100; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const promise = q.wait({ signal: controller.signal });
      if (i % 5 === 0) live.push({ index: i, promise });
      else cancelled.push(promise.catch(() => -1));
    }
    for (let i = 0; i < 100; i++) if (i % 5 !== 0) controllers[i].abort();
    await Promise.all(cancelled);
    expect(retain).toHaveBeenCalled();
    expect(q.size).toBe(20);
    const late = q.wait();
    for (let n = 0; n < 21; n++) expect(q.resolveNext(n)).toBe(true);
    expect(await Promise.all(live.map((w) => w.promise))).toEqual(Array.from({ length: 20 }, (_, n) => n));
    await expect(late).resolves.toBe(20);
    expect(q.size).toBe(0);
    for (const controller of controllers) expect(listeners(controller.signal)).toBe(0);
  });

  it('does not compact for a few cancellations', () => {
    const retain = vi.spyOn(Deque.prototype, 'retain');
    const q = new WaiterQueue<number>();
    const controller = new AbortController();
    for (let i = 0; i < 10; i++) void q.wait({ signal: controller.signal }).catch(() => undefined);
    controller.abort();
    expect(retain).not.toHaveBeenCalled();
    expect(q.size).toBe(0);
  });
});

describe('WaiterQueue payloads', () => {
  it('hands each live waiter its payload in FIFO order, skipping cancelled ones', async () => {
    const queue = new WaiterQueue<string, number>();
    const first = queue.wait(undefined, 1);
    const cancelled = queue.wait({ timeout: 0 }, 2);
    const third = queue.wait(undefined, 3);
    await expect(cancelled).rejects.toBeInstanceOf(TimeoutError);
    expect(queue.size).toBe(2);
    const a = queue.shift();
    expect(a?.payload).toBe(1);
    a?.resolve('one');
    const b = queue.shift();
    expect(b?.payload).toBe(3);
    b?.resolve('three');
    expect(queue.shift()).toBeUndefined();
    expect(queue.size).toBe(0);
    await expect(first).resolves.toBe('one');
    await expect(third).resolves.toBe('three');
  });
});
