import { describe, expect, it } from 'vitest';
import { PriorityQueue, Queue, QueueFull } from '@tornado-ts/queues';
import { promiseState } from './helpers';
import { runJoinSuite } from './join.suite';

describe('PriorityQueue', () => {
  it('hands out the lowest item first, letting waiting putters in', async () => {
    const q = new PriorityQueue<[number, string]>({ maxsize: 2 });
    q.putNowait([1, 'a']);
    q.putNowait([0, 'b']);
    expect(q.full()).toBe(true);
    void q.put([3, 'c']);
    void q.put([2, 'd']);
    expect(q.getNowait()).toEqual([0, 'b']);
    expect(await q.get()).toEqual([1, 'a']);
    expect(q.getNowait()).toEqual([2, 'd']);
    expect(await q.get()).toEqual([3, 'c']);
    expect(q.empty()).toBe(true);
  });

  it('keeps items of equal priority first in, first out', () => {
    const q = new PriorityQueue<{ priority: number; seq: number }>({ compare: (a, b) => a.priority - b.priority });
    const items = Array.from({ length: 3000 }, (_, seq) => ({ priority: (seq * 7) % 3, seq }));
    for (const item of items) q.putNowait(item);
    const out = Array.from({ length: items.length }, () => q.getNowait());
    const expected = [...items].sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    expect(out).toEqual(expected);
  });

  it('stays stable when puts and gets interleave', () => {
    const q = new PriorityQueue<[number, number]>({ compare: (a, b) => a[0] - b[0] });
    const taken: [number, number][] = [];
    let seq = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 5; i++) q.putNowait([(round + i) % 4, seq++]);
      for (let i = 0; i < 3; i++) taken.push(q.getNowait());
    }
    while (!q.empty()) taken.push(q.getNowait());
    expect(taken).toHaveLength(1000);
    // Whenever two taken items share a priority, the older one came out first.
    const lastSeqByPriority = new Map<number, number>();
    for (const [priority, s] of taken) {
      expect(s).toBeGreaterThan(lastSeqByPriority.get(priority) ?? -1);
      lastSeqByPriority.set(priority, s);
    }
  });

  it('sorts random numbers like Array#sort', () => {
    const q = new PriorityQueue<number>();
    const values = Array.from({ length: 5000 }, () => Math.floor(Math.random() * 1000) - 500);
    for (const v of values) q.putNowait(v);
    const out = Array.from({ length: values.length }, () => q.getNowait());
    expect(out).toEqual([...values].sort((a, b) => a - b));
  });

  it('orders strings and tuples as Python does by default', () => {
    const q = new PriorityQueue<[number, string]>();
    for (const item of [[2, 'b'], [1, 'z'], [2, 'a'], [1, 'y']] as [number, string][]) q.putNowait(item);
    expect([q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait()]).toEqual([[1, 'y'], [1, 'z'], [2, 'a'], [2, 'b']]);
  });

  it('rejects a put it cannot order and stays usable', async () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait(1);
    await expect(q.put('one')).rejects.toThrow(TypeError);
    expect(() => q.putNowait({})).toThrow(TypeError);
    expect(q.qsize()).toBe(1);
    q.putNowait(0);
    expect([q.getNowait(), q.getNowait()]).toEqual([0, 1]);
    await q.join({ timeout: 1 }).catch(() => undefined);
    q.taskDone();
    q.taskDone();
    await expect(q.join()).resolves.toBeUndefined();
  });

  it('fails a waiting put it cannot order, not the get that lets it in', async () => {
    const q = new PriorityQueue<unknown>({ maxsize: 1 });
    q.putNowait(5);
    const bad = q.put('five');
    const good = q.put(6);
    expect(q.getNowait()).toBe(5);
    await expect(bad).rejects.toThrow(TypeError);
    await expect(good).resolves.toBeUndefined();
    expect(q.getNowait()).toBe(6);
    expect(() => q.putNowait('x')).not.toThrow(); // empty again: nothing to compare against
  });

  it('is a Queue with its own name', () => {
    const q = new PriorityQueue<number>({ maxsize: 3 });
    expect(q).toBeInstanceOf(Queue);
    q.putNowait(1);
    expect(q.toString()).toBe('<PriorityQueue maxsize=3 qsize=1 tasks=1>');
    q.putNowait(2);
    q.putNowait(3);
    expect(() => q.putNowait(0)).toThrow(QueueFull);
  });

  it('hands an item straight to a waiting getter', async () => {
    const q = new PriorityQueue<number>();
    const get = q.get();
    q.putNowait(9);
    expect(await promiseState(get)).toBe('fulfilled');
    await expect(get).resolves.toBe(9);
  });

  runJoinSuite((options) => new PriorityQueue<number>(options));
});
