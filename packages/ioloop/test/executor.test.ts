import { afterEach, describe, expect, it } from 'vitest';
import { IOLoop } from '@tornado-ts/ioloop';
import { ExecutorClosedError, ThreadPoolExecutor, type ThreadPoolExecutorOptions } from '@tornado-ts/ioloop/executor';

const WORKER = new URL('./fixtures/worker.mjs', import.meta.url);

const executors: ThreadPoolExecutor[] = [];

function pool(options: Partial<ThreadPoolExecutorOptions> = {}): ThreadPoolExecutor {
  const executor = new ThreadPoolExecutor({ filename: WORKER, maxThreads: 2, minThreads: 0, ...options });
  executors.push(executor);
  return executor;
}

afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close({ force: true })));
});

describe('ThreadPoolExecutor', () => {
  it('starts no thread before the first task, then runs the default or a named export', async () => {
    const executor = pool();
    expect(executor.threads).toBe(0);
    expect(await executor.run(21)).toBe(42);
    expect(await executor.run(20, { name: 'fib' })).toBe(6765);
    expect(await executor.run('value', { name: 'later' })).toBe('value');
    expect(executor.threads).toBeGreaterThan(0);
    expect(executor.completed).toBe(3);
  });

  it('is what IOLoop.runInExecutor takes', async () => {
    expect(await IOLoop.current().runInExecutor<number>(pool(), 10, { name: 'fib' })).toBe(55);
  });

  it('runs tasks in parallel: two that each wait for the other both finish', async () => {
    const executor = pool({ minThreads: 2 });
    const flags = new SharedArrayBuffer(8);
    const [a, b] = await Promise.all([
      executor.run<{ outcome: string; threadId: number }>({ flags, mine: 0, theirs: 1 }, { name: 'rendezvous' }),
      executor.run<{ outcome: string; threadId: number }>({ flags, mine: 1, theirs: 0 }, { name: 'rendezvous' }),
    ]);
    expect([a.outcome, b.outcome].every((o) => o === 'ok' || o === 'not-equal')).toBe(true);
    expect(a.threadId).not.toBe(b.threadId);
  });

  it('keeps the IOLoop responsive while a worker blocks', async () => {
    const executor = pool();
    await executor.run(1); // warm up a thread
    const loop = IOLoop.current();
    const start = loop.time();
    const blocked = executor.run(300, { name: 'block' });
    const tick = await new Promise<number>((resolve) => loop.callLater(20, () => resolve(loop.time() - start)));
    expect(tick).toBeLessThan(200);
    await blocked;
    expect(loop.time() - start).toBeGreaterThanOrEqual(290);
  });

  it('rejects with what the worker threw', async () => {
    const error = await pool()
      .run('bad input', { name: 'fail' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('bad input');
  });

  it('moves buffers in the transfer list instead of copying them', async () => {
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    expect(await pool().run(buffer, { name: 'sum', transferList: [buffer] })).toBe(10);
    expect(buffer.byteLength).toBe(0);
  });

  it('rejects with the signal reason when a queued or running task is aborted', async () => {
    const executor = pool({ maxThreads: 1 });
    await executor.run(1);
    const running = new AbortController();
    const queued = new AbortController();
    const first = executor.run(5000, { name: 'block', signal: running.signal }).catch((e: unknown) => e);
    const second = executor.run(5000, { name: 'block', signal: queued.signal }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(executor.queueSize).toBe(1);
    const queuedReason = new Error('not needed any more');
    queued.abort(queuedReason);
    expect(await second).toBe(queuedReason);
    const runningReason = new Error('taking too long');
    const start = performance.now();
    running.abort(runningReason);
    expect(await first).toBe(runningReason);
    expect(performance.now() - start).toBeLessThan(2000);
    // The pool replaces the stopped thread and goes on.
    expect(await executor.run(4)).toBe(8);
  });

  it('rejects at once with an already-aborted signal, before starting a thread', async () => {
    const executor = pool();
    const reason = new Error('never mind');
    await expect(executor.run(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(executor.threads).toBe(0);
  });

  it('close() lets running tasks finish, then refuses new ones', async () => {
    const executor = pool();
    const running = executor.run(50, { name: 'block' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await executor.close();
    expect(typeof (await running)).toBe('number');
    expect(executor.threads).toBe(0);
    await expect(executor.run(1)).rejects.toBeInstanceOf(ExecutorClosedError);
    await executor.close(); // twice is fine
  });

  it('close({ force: true }) rejects queued tasks and lets running ones finish', async () => {
    const executor = pool({ maxThreads: 1 });
    await executor.run(1);
    const running = executor.run(100, { name: 'block' });
    const queued = executor.run(2).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await executor.close({ force: true });
    expect(await queued).toBeInstanceOf(Error);
    expect(typeof (await running)).toBe('number');
  });

  it('close({ force: true }) during a graceful close stops waiting for the queue', async () => {
    const executor = pool({ maxThreads: 1 });
    await executor.run(1);
    const running = executor.run(150, { name: 'block' });
    const queued = executor.run(300, { name: 'block' }).catch((e: unknown) => e);
    const graceful = executor.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const start = performance.now();
    await Promise.all([executor.close({ force: true }), graceful]);
    // Only the running task was waited for, not the queued one after it.
    expect(performance.now() - start).toBeLessThan(280);
    expect(await queued).toBeInstanceOf(Error);
    expect(typeof (await running)).toBe('number');
  });

  it('closes cleanly before any task and while the pool is still starting', async () => {
    await pool().close();
    const executor = pool();
    const first = executor.run(1);
    const closing = executor.close();
    await expect(first).rejects.toBeInstanceOf(ExecutorClosedError);
    await closing;
  });

  it('needs an absolute worker path or file: URL', () => {
    expect(() => new ThreadPoolExecutor({ filename: 'relative/worker.mjs' })).toThrow(TypeError);
    expect(() => new ThreadPoolExecutor({ filename: WORKER.href })).not.toThrow();
  });
});
