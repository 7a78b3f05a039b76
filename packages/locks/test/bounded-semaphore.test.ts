import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, Semaphore, SemaphoreOverReleaseError } from '@tornado-ts/locks';
import { promiseState } from './helpers';

describe('BoundedSemaphore', () => {
  it('refuses to release above its initial value', async () => {
    const sem = new BoundedSemaphore();
    expect(() => sem.release()).toThrow(SemaphoreOverReleaseError);
    void sem.acquire();
    const acquire = sem.acquire();
    expect(await promiseState(acquire)).toBe('pending');
    sem.release();
    expect(await promiseState(acquire)).toBe('fulfilled');
    sem.release();
    expect(sem.value).toBe(1);
    expect(() => sem.release()).toThrow(SemaphoreOverReleaseError);
    expect(sem.value).toBe(1);
  });

  it('is a Semaphore with its own name', () => {
    const sem = new BoundedSemaphore(2);
    expect(sem).toBeInstanceOf(Semaphore);
    expect(sem.toString()).toBe('<BoundedSemaphore [unlocked,value:2]>');
    expect(() => new BoundedSemaphore(-1)).toThrow(RangeError);
  });

  it('never over-releases through a handle called twice', async () => {
    const sem = new BoundedSemaphore(2);
    const release = await sem.acquire();
    release();
    expect(() => release()).not.toThrow();
    expect(sem.value).toBe(2);
  });

  it('releases after run, even when fn throws', async () => {
    const sem = new BoundedSemaphore(1);
    await expect(sem.run(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(sem.value).toBe(1);
  });
});
