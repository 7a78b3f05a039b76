import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@tornado-ts/ioloop';
import { TaskDoneError, type Queue, type QueueOptions } from '@tornado-ts/queues';
import { promiseState, sleep } from './helpers';

/** taskDone/join behaviour every queue class shares (Tornado's QueueJoinTest, run per class). */
export function runJoinSuite(makeQueue: (options?: QueueOptions) => Queue<number>): void {
  describe('taskDone and join', () => {
    it('throws when taskDone is called more often than put', async () => {
      const q = makeQueue();
      expect(() => q.taskDone()).toThrow(TaskDoneError);
      await q.put(1);
      await q.get();
      q.taskDone();
      expect(() => q.taskDone()).toThrow(TaskDoneError);
    });

    it('resolves join once workers have finished every item', async () => {
      const q = makeQueue();
      for (let i = 0; i < 100; i++) q.putNowait(i);
      let total = 0;
      const stop = new AbortController();
      const worker = async () => {
        for (;;) {
          const item = await q.get({ signal: stop.signal });
          total += item;
          q.taskDone();
          await sleep(Math.random() * 2);
        }
      };
      const workers = [worker(), worker()];
      await q.join();
      expect(total).toBe(4950);
      stop.abort();
      await expect(Promise.all(workers)).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('is taskDone, not get, that resolves join', async () => {
      const q = makeQueue();
      q.putNowait(0);
      const join = q.join();
      expect(await promiseState(join)).toBe('pending');
      await q.get();
      expect(await promiseState(join)).toBe('pending');
      await sleep(0);
      expect(await promiseState(join)).toBe('pending');
      q.taskDone();
      expect(await promiseState(join)).toBe('fulfilled');
    });

    it('counts items handed straight to a waiting getter', async () => {
      const q = makeQueue();
      const get = q.get();
      q.putNowait(7);
      const join = q.join();
      await expect(get).resolves.toBe(7);
      expect(await promiseState(join)).toBe('pending');
      q.taskDone();
      expect(await promiseState(join)).toBe('fulfilled');
    });

    it('resolves join at once on a queue with nothing unfinished', async () => {
      const q = makeQueue();
      await expect(q.join()).resolves.toBeUndefined();
      await expect(q.join()).resolves.toBeUndefined();
    });

    it('rejects join with TimeoutError after the timeout', async () => {
      const q = makeQueue();
      await q.put(0);
      await expect(q.join({ timeout: 10 })).rejects.toBeInstanceOf(TimeoutError);
    });

    it('rejects join with the abort reason and removes its listener', async () => {
      const q = makeQueue();
      await q.put(0);
      const controller = new AbortController();
      const join = q.join({ signal: controller.signal });
      const other = q.join();
      controller.abort('enough');
      await expect(join).rejects.toBe('enough');
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      await q.get();
      q.taskDone();
      expect(await promiseState(other)).toBe('fulfilled');
      await expect(q.join({ signal: AbortSignal.abort('already') })).rejects.toBe('already');
    });
  });
}
