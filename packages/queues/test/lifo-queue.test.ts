import { describe, expect, it } from 'vitest';
import { LifoQueue, Queue } from '@tornado-ts/queues';
import { runJoinSuite } from './join.suite';

describe('LifoQueue', () => {
  it('hands out the newest item first, letting waiting putters in', async () => {
    const q = new LifoQueue<number>({ maxsize: 2 });
    q.putNowait(1);
    q.putNowait(0);
    expect(q.full()).toBe(true);
    void q.put(3);
    void q.put(2);
    expect(q.getNowait()).toBe(3);
    expect(await q.get()).toBe(2);
    expect(q.getNowait()).toBe(0);
    expect(await q.get()).toBe(1);
    expect(q.empty()).toBe(true);
  });

  it('is a Queue with its own name', () => {
    const q = new LifoQueue<string>();
    expect(q).toBeInstanceOf(Queue);
    expect(q.toString()).toBe('<LifoQueue maxsize=0>');
    for (const s of ['a', 'b', 'c']) q.putNowait(s);
    expect([...Array(3)].map(() => q.getNowait())).toEqual(['c', 'b', 'a']);
  });

  runJoinSuite((options) => new LifoQueue<number>(options));
});
