import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IOLoop,
  LoopClosedError,
  LoopRunningError,
  LoopStoppedError,
  TimeoutError,
  appLog,
  expectLog,
  type Executor,
  type ExecutorRunOptions,
} from '@tornado-ts/ioloop';
import { busy, captureLog, delay, refTimers } from './helpers';

let loop: IOLoop;

beforeEach(() => {
  loop = new IOLoop();
});

afterEach(() => {
  loop.close();
});

/** Resolves once the loop has run every callback added before this one. */
function drained(target: IOLoop = loop): Promise<void> {
  return new Promise((resolve) => target.addCallback(resolve));
}

/** Resolves when a timeout added now at `deadline` runs. */
function at(deadline: number): Promise<void> {
  return new Promise((resolve) => loop.callAt(deadline, resolve));
}

describe('IOLoop.current', () => {
  it('is one loop per thread, replaced once closed', async () => {
    const current = IOLoop.current();
    expect(IOLoop.current()).toBe(current);
    expect(current).not.toBe(loop);
    current.close();
    const next = IOLoop.current();
    expect(next).not.toBe(current);
    const ran = await new Promise<string>((resolve) => next.addCallback(resolve, 'runs without start()'));
    expect(ran).toBe('runs without start()');
  });
});

describe('time', () => {
  it('is a monotonic clock in milliseconds', async () => {
    const t0 = loop.time();
    const wall0 = Date.now();
    await delay(60);
    const t1 = loop.time();
    expect(t1).toBeGreaterThan(t0);
    // Both clocks saw the same interval, within timer slop: the unit is ms, not seconds.
    expect(Math.abs(t1 - t0 - (Date.now() - wall0))).toBeLessThan(15);
  });
});

describe('addCallback', () => {
  it('runs callbacks in the order added, with their arguments, on a later turn', async () => {
    const calls: string[] = [];
    loop.addCallback((a: string, b: number) => calls.push(`${a}${b}`), 'a', 1);
    loop.addCallback(() => calls.push('b'));
    loop.spawnCallback(async (c: string) => calls.push(c), 'c');
    expect(calls).toEqual([]);
    await drained();
    expect(calls).toEqual(['a1', 'b', 'c']);
  });

  it('runs the callbacks present at the start of a turn together; ones they add wait for the next turn', async () => {
    const calls: string[] = [];
    loop.addCallback(() => {
      calls.push('first');
      queueMicrotask(() => calls.push('microtask'));
      loop.addCallback(() => calls.push('added by first'));
    });
    loop.addCallback(() => calls.push('second'));
    await drained();
    await drained();
    // "second" ran in the same turn as "first" (before the microtask checkpoint); the added one after it.
    expect(calls).toEqual(['first', 'second', 'microtask', 'added by first']);
  });

  it('wakes up at once when called from a timeout', async () => {
    let scheduledAt = 0;
    const ranAt = await new Promise<number>((resolve) => {
      loop.callLater(0, () => {
        scheduledAt = loop.time();
        loop.addCallback(() => resolve(loop.time()));
      });
    });
    expect(ranAt - scheduledAt).toBeLessThan(20);
  });

  it('ignores non-promise return values such as {} and [] (Tornado #1803)', async () => {
    const records = await captureLog(appLog, async () => {
      loop.addCallback(() => ({}));
      loop.addCallback(() => []);
      loop.addCallback(() => ({ then: 'not a function' }));
      loop.addCallback(() => 42);
      await drained();
    });
    expect(records).toEqual([]);
  });

  it('logs an exception with its stack and goes on with the next callback', async () => {
    const calls: string[] = [];
    await expectLog(appLog, /Exception in callback explode[\s\S]*Error: boom[\s\S]*at explode/, async () => {
      loop.addCallback(function explode() {
        throw new Error('boom');
      });
      loop.addCallback(() => calls.push('after'));
      await drained();
    });
    expect(calls).toEqual(['after']);
  });

  it('logs a rejection of the promise an async callback returns', async () => {
    await expectLog(appLog, /Exception in callback failLater[\s\S]*Error: async boom/, async () => {
      loop.addCallback(async function failLater() {
        await null;
        throw new Error('async boom');
      });
      await drained();
      await delay(5);
    });
  });

  it('logs failures of spawned callbacks, names anonymous ones, and logs thrown non-errors', async () => {
    await expectLog(appLog, /Exception in callback anonymous a string$/, async () => {
      loop.spawnCallback(() => {
        throw 'a string';
      });
      await drained();
    });
    await expectLog(appLog, /Exception in callback spawned[\s\S]*spawn failure/, async () => {
      loop.spawnCallback(async function spawned() {
        throw new Error('spawn failure');
      });
      await drained();
      await delay(5);
    });
  });

  it('silently drops callbacks once the loop is closed', async () => {
    const other = new IOLoop();
    let ran = 0;
    other.addCallback(() => ran++);
    other.close();
    for (let i = 0; i < 1000; i++) other.addCallback(() => ran++);
    await delay(10);
    expect(ran).toBe(0);
  });
});

describe('timeouts', () => {
  it('run in deadline order, equal deadlines in the order added', async () => {
    const calls: string[] = [];
    const base = loop.time() + 20;
    loop.callAt(base + 10, () => calls.push('late'));
    loop.callAt(base, () => calls.push('tie 1'));
    loop.callAt(base + 0.5, () => calls.push('half ms later'));
    loop.callAt(base, () => calls.push('tie 2'));
    loop.callAt(base - 10, () => calls.push('early'));
    await at(base + 11);
    expect(calls).toEqual(['early', 'tie 1', 'tie 2', 'half ms later', 'late']);
  });

  it('never run before their deadline by the loop clock', async () => {
    const lateness = await Promise.all(
      [1, 5, 17, 33].map(
        (ms) =>
          new Promise<number>((resolve) => {
            const start = loop.time();
            loop.callLater(ms, () => resolve(loop.time() - start - ms));
          }),
      ),
    );
    for (const late of lateness) {
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(100);
    }
  });

  it('do not run a timeout early because a nearby one came due', async () => {
    const start = loop.time() + 10;
    const early: number[] = [];
    const all = Array.from({ length: 8 }, (_, i) => {
      const deadline = start + i * 0.3;
      return new Promise<void>((resolve) =>
        loop.callAt(deadline, () => {
          if (loop.time() < deadline) early.push(deadline - loop.time());
          resolve();
        }),
      );
    });
    await Promise.all(all);
    expect(early).toEqual([]);
  });

  it('pass their arguments through every scheduling method', async () => {
    const results: number[] = [];
    const push = (n: number) => results.push(n);
    loop.addTimeout(loop.time(), push, 1);
    loop.callAt(loop.time(), push, 2);
    loop.callLater(0, push, 3);
    await new Promise<void>((resolve) => loop.callLater(1, resolve));
    expect(results.sort()).toEqual([1, 2, 3]);
  });

  it('return handles that removeTimeout cancels', async () => {
    const ran: string[] = [];
    const handles = [
      loop.addTimeout(loop.time(), () => ran.push('addTimeout')),
      loop.callAt(loop.time(), () => ran.push('callAt')),
      loop.callLater(0, () => ran.push('callLater')),
    ];
    for (const handle of handles) {
      expect(handle).toBeTruthy();
      expect(typeof handle.deadline).toBe('number');
      loop.removeTimeout(handle);
    }
    await delay(20);
    expect(ran).toEqual([]);
  });

  it('may be removed after they ran, or twice', async () => {
    const handle = loop.callLater(0, () => undefined);
    await delay(10);
    loop.removeTimeout(handle);
    loop.removeTimeout(handle);
    // A handle from another loop is not this loop's to cancel.
    const other = new IOLoop();
    const foreign = other.callLater(1, () => undefined);
    loop.removeTimeout(foreign);
    other.close();
  });

  it('survive many adds and removes (the heap is swept of cancelled entries)', async () => {
    let ran = 0;
    const keep = loop.callLater(30, () => ran++);
    for (let i = 0; i < 2000; i++) loop.removeTimeout(loop.callLater(3_600_000, () => ran++));
    loop.callLater(10, () => ran++);
    await delay(50);
    expect(ran).toBe(2);
    loop.removeTimeout(keep);
  });

  it('skip a timeout removed by an earlier one that came due in the same batch', async () => {
    const calls = [false, false];
    const now = loop.time();
    loop.callAt(now + 10, () => {
      calls[0] = true;
      loop.removeTimeout(t2);
    });
    const t2 = loop.callAt(now + 20, () => {
      calls[1] = true;
    });
    const done = at(now + 30);
    busy(35); // all three are due when the loop gets the thread back
    await done;
    expect(calls).toEqual([true, false]);
  });

  it('added while running a batch, even if already due, run in a later batch', async () => {
    const calls: string[] = [];
    await new Promise<void>((resolve) => {
      loop.callLater(0, () => {
        calls.push('first');
        queueMicrotask(() => calls.push('microtask'));
        loop.callAt(loop.time() - 100, () => {
          calls.push('past due');
          resolve();
        });
      });
    });
    expect(calls).toEqual(['first', 'microtask', 'past due']);
  });

  it('handle delays beyond Node timer range without firing early', async () => {
    let ran = false;
    const handle = loop.callLater(2 ** 31 + 10, () => {
      ran = true;
    });
    const infinite = loop.callLater(Infinity, () => {
      ran = true;
    });
    await delay(20);
    expect(ran).toBe(false);
    loop.removeTimeout(handle);
    loop.removeTimeout(infinite);
  });

  it('log exceptions and keep going', async () => {
    const calls: string[] = [];
    await expectLog(appLog, /Exception in callback badTimeout[\s\S]*timeout failure/, async () => {
      const now = loop.time();
      loop.callAt(now, function badTimeout() {
        throw new Error('timeout failure');
      });
      loop.callAt(now, () => calls.push('next'));
      await at(now + 1);
    });
    expect(calls).toEqual(['next']);
  });

  it('hold the process only while something is scheduled', () => {
    const before = refTimers();
    const a = loop.callLater(60_000, () => undefined);
    const b = loop.callLater(30_000, () => undefined);
    expect(refTimers()).toBe(before + 1); // one Node timer for the whole heap
    loop.removeTimeout(a);
    expect(refTimers()).toBe(before + 1);
    loop.removeTimeout(b);
    expect(refTimers()).toBe(before);
  });

  it('reject a deadline that is not a number', () => {
    expect(() => loop.callLater(Number.NaN, () => undefined)).toThrow(TypeError);
    expect(() => loop.callAt(undefined as unknown as number, () => undefined)).toThrow(TypeError);
  });
});

describe('start and stop', () => {
  it('start() resolves when stop() is called, and can be repeated', async () => {
    for (let i = 0; i < 3; i++) {
      loop.addCallback(() => loop.stop());
      await loop.start();
    }
  });

  it('start() while running rejects with LoopRunningError instead of deadlocking', async () => {
    let error: unknown;
    loop.addCallback(async () => {
      try {
        await loop.start();
      } catch (e) {
        error = e;
      }
      loop.stop();
    });
    await loop.start();
    expect(error).toBeInstanceOf(LoopRunningError);
  });

  it('stop() when not running does nothing', async () => {
    loop.stop();
    loop.addCallback(() => loop.stop());
    await loop.start();
  });

  it('holds a ref on the process while started', async () => {
    const before = refTimers();
    const started = loop.start();
    expect(refTimers()).toBe(before + 1);
    loop.stop();
    await started;
    expect(refTimers()).toBe(before);
  });

  it('keeps a real process alive only while started, and timers keep it alive as setTimeout does', async () => {
    const script = fileURLToPath(new URL('./fixtures/keep-alive.ts', import.meta.url));
    const run = async (mode: string) =>
      (await promisify(execFile)(process.execPath, ['--import', 'tsx', script, mode], { timeout: 10_000 })).stdout;
    const [started, idle, timeout, removed] = await Promise.all(['start', 'idle', 'timeout', 'removed'].map(run));

    expect(started).toMatch(/^callback\nstopped (\d+)\nexit \d+\n$/);
    expect(Number(/stopped (\d+)/.exec(started)?.[1])).toBeGreaterThanOrEqual(299);
    // Without start(), the callback still runs and nothing holds the process: it exits well before 300 ms.
    expect(idle).toMatch(/^callback\nexit (\d+)\n$/);
    expect(Number(/exit (\d+)/.exec(idle)?.[1])).toBeLessThan(300);
    expect(Number(/timeout (\d+)/.exec(timeout)?.[1])).toBeGreaterThanOrEqual(199);
    expect(removed).toMatch(/^exit (\d+)\n$/);
    expect(Number(/exit (\d+)/.exec(removed)?.[1])).toBeLessThan(1000);
  });
});

describe('close', () => {
  it('cancels pending callbacks and timeouts', async () => {
    const other = new IOLoop();
    let ran = 0;
    other.addCallback(() => ran++);
    other.callLater(1, () => ran++);
    other.close();
    other.close(); // twice is fine
    const late = other.callLater(0, () => ran++);
    expect(typeof late.deadline).toBe('number');
    other.removeTimeout(late);
    await delay(20);
    expect(ran).toBe(0);
  });

  it('stops callbacks queued behind the one that closes the loop', async () => {
    const other = new IOLoop();
    const calls: string[] = [];
    other.addCallback(() => {
      calls.push('closer');
      other.close();
    });
    other.addCallback(() => calls.push('dropped'));
    await delay(10);
    expect(calls).toEqual(['closer']);
  });

  it('ends start(), and a closed loop refuses to start or run', async () => {
    const other = new IOLoop();
    const started = other.start();
    other.close();
    await started;
    await expect(other.start()).rejects.toBeInstanceOf(LoopClosedError);
    await expect(other.run(() => 1)).rejects.toBeInstanceOf(LoopClosedError);
  });
});

describe('run', () => {
  it('resolves to what main returns, sync or async', async () => {
    expect(await loop.run(() => 42)).toBe(42);
    expect(
      await loop.run(async () => {
        await delay(1);
        return 'async result';
      }),
    ).toBe('async result');
  });

  it('rejects with what main throws, sync or async', async () => {
    await expect(
      loop.run(() => {
        throw new RangeError('sync failure');
      }),
    ).rejects.toThrow(RangeError);
    await expect(
      loop.run(async () => {
        await delay(1);
        throw new RangeError('async failure');
      }),
    ).rejects.toThrow('async failure');
  });

  it('runs main on a later turn with the loop running, and stops it afterwards', async () => {
    let synchronous = true;
    const result = loop.run(async () => {
      expect(synchronous).toBe(false);
      await expect(loop.start()).rejects.toBeInstanceOf(LoopRunningError);
      await expect(loop.run(() => 1)).rejects.toBeInstanceOf(LoopRunningError);
      return 'ok';
    });
    synchronous = false;
    expect(await result).toBe('ok');
    // Stopped again: start() works.
    loop.addCallback(() => loop.stop());
    await loop.start();
  });

  it('rejects with TimeoutError on timeout and aborts the signal main was given', async () => {
    let signal: AbortSignal | undefined;
    const began = loop.time();
    const error = await loop
      .run(
        (s) => {
          signal = s;
          return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason)));
        },
        { timeout: 30 },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(/30 ms/);
    expect(loop.time() - began).toBeGreaterThanOrEqual(30);
    expect(loop.time() - began).toBeLessThan(1000);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
  });

  it('logs a failure of main that comes after the timeout', async () => {
    await expectLog(appLog, /Exception in IOLoop\.run\(\) main after the run ended[\s\S]*too late/, async () => {
      await expect(
        loop.run(
          async () => {
            await delay(40);
            throw new Error('too late');
          },
          { timeout: 5 },
        ),
      ).rejects.toBeInstanceOf(TimeoutError);
      await delay(60);
    });
  });

  it('finishes before the timeout without leaving the timer behind', async () => {
    const before = refTimers();
    expect(await loop.run(async () => 'fast', { timeout: 60_000 })).toBe('fast');
    expect(refTimers()).toBe(before);
  });

  it('rejects with LoopStoppedError when the loop is stopped or closed first', async () => {
    await expect(
      loop.run(async (signal) => {
        loop.stop();
        expect(signal.aborted).toBe(true);
        return 'unseen';
      }),
    ).rejects.toBeInstanceOf(LoopStoppedError);
    const other = new IOLoop();
    const pending = other.run(() => new Promise(() => undefined));
    other.close();
    await expect(pending).rejects.toBeInstanceOf(LoopStoppedError);
  });

  it('validates the timeout', async () => {
    await expect(loop.run(() => 1, { timeout: -1 })).rejects.toThrow(RangeError);
  });
});

describe('setBlockingLogThreshold', () => {
  it('warns with the name and duration of a callback or timeout that blocks longer', async () => {
    loop.setBlockingLogThreshold(10);
    const records = await captureLog(appLog, async () => {
      loop.addCallback(function slowCallback() {
        busy(30);
      });
      loop.addCallback(() => busy(25));
      loop.addCallback(function quick() {});
      await drained();
      await new Promise<void>((resolve) =>
        loop.callLater(0, function slowTimeout() {
          busy(20);
          resolve();
        }),
      );
    });
    const texts = records.map((r) => r.text);
    expect(records.every((r) => r.level === 'warn')).toBe(true);
    expect(texts).toHaveLength(3);
    const ms = (text: string) => Number(/blocked for ([\d.]+) ms/.exec(text)?.[1]);
    expect(texts[0]).toMatch(/by callback slowCallback/);
    expect(ms(texts[0])).toBeGreaterThanOrEqual(30);
    expect(texts[1]).toMatch(/by callback anonymous/);
    expect(texts[2]).toMatch(/by timeout slowTimeout/);
    expect(ms(texts[2])).toBeGreaterThanOrEqual(20);
  });

  it('is off by default and when set to 0 or null', async () => {
    for (const threshold of [undefined, 0, null]) {
      if (threshold !== undefined) loop.setBlockingLogThreshold(5);
      if (threshold !== undefined) loop.setBlockingLogThreshold(threshold);
      const records = await captureLog(appLog, async () => {
        loop.addCallback(() => busy(15));
        await drained();
      });
      expect(records).toEqual([]);
    }
    expect(() => loop.setBlockingLogThreshold(-1)).toThrow(RangeError);
  });
});

describe('runInExecutor', () => {
  it('hands the task to the executor given', async () => {
    const seen: unknown[] = [];
    const executor: Executor = {
      async run<R>(arg: unknown, options?: ExecutorRunOptions): Promise<R> {
        seen.push(arg, options?.name);
        return 'done' as R;
      },
    };
    expect(await loop.runInExecutor<string>(executor, 7, { name: 'task' })).toBe('done');
    expect(seen).toEqual([7, 'task']);
  });
});
