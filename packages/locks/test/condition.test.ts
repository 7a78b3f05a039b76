import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Condition } from '@tornado-ts/locks';
import { promiseState, sleep } from './helpers';

/** Records, in resolution order, the key of each wait that was notified or 'timeout'. */
function recorder() {
  const history: (string | number)[] = [];
  const record = (wait: Promise<boolean>, key: string | number) => {
    void wait.then((notified) => history.push(notified ? key : 'timeout'));
  };
  return { history, record };
}

describe('Condition', () => {
  it('shows its waiters in toString', () => {
    const c = new Condition();
    expect(c.toString()).toBe('<Condition>');
    void c.wait();
    void c.wait();
    expect(c.toString()).toBe('<Condition waiters[2]>');
    c.notifyAll();
    expect(c.toString()).toBe('<Condition>');
  });

  it('wakes a waiter notified later', async () => {
    const c = new Condition();
    setTimeout(() => c.notify(), 10);
    await expect(c.wait()).resolves.toBe(true);
  });

  it('notify(1) wakes one waiter at a time, oldest first', async () => {
    const c = new Condition();
    const { history, record } = recorder();
    record(c.wait(), 'wait1');
    record(c.wait(), 'wait2');
    c.notify(1);
    await sleep(0);
    history.push('notify1');
    c.notify(1);
    await sleep(0);
    history.push('notify2');
    expect(history).toEqual(['wait1', 'notify1', 'wait2', 'notify2']);
  });

  it('notify(n) wakes n waiters in the order they came', async () => {
    const c = new Condition();
    const { history, record } = recorder();
    for (let i = 0; i < 6; i++) record(c.wait(), i);
    c.notify(3);
    await sleep(0);
    expect(history).toEqual([0, 1, 2]);
    c.notify(1);
    await sleep(0);
    expect(history).toEqual([0, 1, 2, 3]);
    c.notify(2);
    await sleep(0);
    expect(history).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('notify(0) and notify without waiters do nothing', async () => {
    const c = new Condition();
    c.notify();
    c.notifyAll();
    const wait = c.wait();
    c.notify(0);
    expect(await promiseState(wait)).toBe('pending');
    c.notify(5);
    await expect(wait).resolves.toBe(true);
  });

  it('notifyAll wakes every waiter in order', async () => {
    const c = new Condition();
    const { history, record } = recorder();
    for (let i = 0; i < 4; i++) record(c.wait(), i);
    c.notifyAll();
    await sleep(0);
    history.push('notifyAll');
    expect(history).toEqual([0, 1, 2, 3, 'notifyAll']);
  });

  it('resolves false when the timeout passes first', async () => {
    const c = new Condition();
    const wait = c.wait({ timeout: 10 });
    setTimeout(() => c.notify(), 40); // too late
    await sleep(60);
    await expect(wait).resolves.toBe(false);
  });

  it('resolves true when notified before the timeout', async () => {
    const c = new Condition();
    setTimeout(() => c.notify(), 10);
    const wait = c.wait({ timeout: 200 });
    await sleep(30);
    await expect(wait).resolves.toBe(true);
  });

  it('does not count timed-out waiters against notify(n)', async () => {
    const c = new Condition();
    const { history, record } = recorder();
    record(c.wait(), 0);
    record(c.wait({ timeout: 10 }), 1);
    record(c.wait(), 2);
    record(c.wait(), 3);
    await sleep(30);
    expect(history).toEqual(['timeout']);
    c.notify(2);
    await sleep(0);
    expect(history).toEqual(['timeout', 0, 2]);
    c.notify();
    await sleep(0);
    expect(history).toEqual(['timeout', 0, 2, 3]);
  });

  it('notifyAll skips timed-out waiters', async () => {
    const c = new Condition();
    const { history, record } = recorder();
    record(c.wait(), 0);
    record(c.wait({ timeout: 10 }), 1);
    record(c.wait(), 2);
    await sleep(30);
    expect(history).toEqual(['timeout']);
    c.notifyAll();
    await sleep(0);
    expect(history).toEqual(['timeout', 0, 2]);
  });

  it('loses no notification when a woken waiter notifies again', async () => {
    const c = new Condition();
    const waits = [c.wait(), c.wait(), c.wait()];
    void waits[1]!.then(() => c.notify());
    c.notify(2);
    await sleep(0);
    expect(await Promise.all(waits.map(promiseState))).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('drops timed-out waiters so the live one is still reached', async () => {
    const c = new Condition();
    const timedOut = Array.from({ length: 101 }, () => c.wait({ timeout: 10 }));
    const live = c.wait();
    expect(c.toString()).toBe('<Condition waiters[102]>');
    await sleep(30);
    expect(c.toString()).toBe('<Condition waiters[1]>');
    expect(await Promise.all(timedOut)).toEqual(Array(101).fill(false));
    expect(await promiseState(live)).toBe('pending');
    c.notify();
    await expect(live).resolves.toBe(true);
  });

  it('reaches a live waiter behind 10,000 timed-out ones', async () => {
    const c = new Condition();
    const timedOut = Array.from({ length: 10_000 }, () => c.wait({ timeout: 5 }));
    const live = c.wait();
    await Promise.all(timedOut);
    expect(c.toString()).toBe('<Condition waiters[1]>');
    c.notify();
    await expect(live).resolves.toBe(true);
  });

  describe('with an AbortSignal', () => {
    it('rejects with the reason and removes its listener', async () => {
      const c = new Condition();
      const controller = new AbortController();
      const wait = c.wait({ signal: controller.signal, timeout: 1000 });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      const reason = new Error('stop waiting');
      controller.abort(reason);
      await expect(wait).rejects.toBe(reason);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(c.toString()).toBe('<Condition>');
    });

    it('rejects at once when the signal is already aborted', async () => {
      const c = new Condition();
      await expect(c.wait({ signal: AbortSignal.abort('gone') })).rejects.toBe('gone');
      expect(c.toString()).toBe('<Condition>');
    });

    it('passes the notification to the next live waiter', async () => {
      const c = new Condition();
      const controller = new AbortController();
      const aborted = c.wait({ signal: controller.signal });
      const live = c.wait();
      controller.abort();
      c.notify();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      await expect(live).resolves.toBe(true);
    });

    it('removes the listener when notified or timed out', async () => {
      const c = new Condition();
      const controller = new AbortController();
      const notified = c.wait({ signal: controller.signal });
      const timedOut = c.wait({ signal: controller.signal, timeout: 5 });
      c.notify();
      await expect(notified).resolves.toBe(true);
      await expect(timedOut).resolves.toBe(false);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });
});
