import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@tornado-ts/ioloop';
import { Lock, Semaphore, withLock } from '@tornado-ts/locks';

describe('withLock', () => {
  it('serialises critical sections on a Lock and releases after each, even when one throws', async () => {
    const lock = new Lock();
    const order: string[] = [];
    const first = withLock(lock, async () => {
      order.push('a:start');
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('a:end');
      throw new Error('boom');
    });
    const second = withLock(lock, () => {
      order.push('b');
      return 42;
    });
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(42);
    expect(order).toEqual(['a:start', 'a:end', 'b']);
    expect(lock.locked).toBe(false);
  });

  it('takes a semaphore permit and passes acquire options through', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    await expect(withLock(sem, () => 'never', { timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    release();
    await expect(withLock(sem, () => sem.value)).resolves.toBe(0);
    expect(sem.value).toBe(1);
  });
});
