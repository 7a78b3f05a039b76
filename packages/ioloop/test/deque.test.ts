import { describe, expect, it } from 'vitest';
import { Deque } from '@tornado-ts/ioloop';

describe('Deque', () => {
  it('keeps FIFO order across growth and wrap-around', () => {
    const d = new Deque<number>(4);
    for (let i = 0; i < 3; i++) d.push(i);
    expect(d.shift()).toBe(0);
    for (let i = 3; i < 100; i++) d.push(i);
    const out: number[] = [];
    for (let x = d.shift(); x !== undefined; x = d.shift()) out.push(x);
    expect(out).toEqual(Array.from({ length: 99 }, (_, i) => i + 1));
    expect(d.length).toBe(0);
  });

  it('works as a stack and from both ends', () => {
    const d = new Deque<string>();
    d.push('b');
    d.unshift('a');
    d.push('c');
    expect([...d]).toEqual(['a', 'b', 'c']);
    expect(d.peekFront()).toBe('a');
    expect(d.peekBack()).toBe('c');
    expect(d.at(1)).toBe('b');
    expect(d.at(3)).toBeUndefined();
    expect(d.pop()).toBe('c');
    expect(d.shift()).toBe('a');
    expect(d.pop()).toBe('b');
    expect(d.pop()).toBeUndefined();
    expect(d.shift()).toBeUndefined();
  });

  it('retain keeps order and drops the rest', () => {
    const d = new Deque<number>(4);
    for (let i = 0; i < 6; i++) d.push(i);
    d.shift();
    d.push(6);
    d.retain((x) => x % 2 === 0);
    expect([...d]).toEqual([2, 4, 6]);
    d.push(8);
    expect([...d]).toEqual([2, 4, 6, 8]);
  });
});
