import { describe, expect, it } from 'vitest';
import { Lock, Semaphore } from '@tornado-ts/locks';

describe('ReleaseHandle', () => {
  it('releases once however often it is called', async () => {
    const sem = new Semaphore(2);
    const release = await sem.acquire();
    expect(sem.value).toBe(1);
    release();
    release();
    release[Symbol.dispose]();
    expect(sem.value).toBe(2);
  });

  it('is its own dispose method', async () => {
    const release = await new Semaphore().acquire();
    expect(typeof release).toBe('function');
    expect(release[Symbol.dispose]).toBe(release);
  });

  it('releases at the end of a using block', async () => {
    const sem = new Semaphore(1);
    {
      using release = await sem.acquire();
      expect(sem.value).toBe(0);
      void release;
    }
    expect(sem.value).toBe(1);
  });

  it('releases when a using block throws', async () => {
    const lock = new Lock();
    const body = async () => {
      using release = await lock.acquire();
      void release;
      throw new Error('failed inside');
    };
    await expect(body()).rejects.toThrow('failed inside');
    expect(lock.locked).toBe(false);
  });

  it('does not double-release when called inside a using block', async () => {
    const sem = new Semaphore(1);
    const other = sem.acquire();
    {
      using release = await other;
      release();
      expect(sem.value).toBe(1);
    }
    expect(sem.value).toBe(1);
  });

  it('gives each holder its own handle', async () => {
    const sem = new Semaphore(2);
    const first = await sem.acquire();
    const second = await sem.acquire();
    expect(first).not.toBe(second);
    first();
    first();
    expect(sem.value).toBe(1);
    second();
    expect(sem.value).toBe(2);
  });
});
