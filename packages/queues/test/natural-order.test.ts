import { describe, expect, it } from 'vitest';
import { naturalOrder } from '@tornado-ts/queues';

const sign = (n: number) => Math.sign(n);

describe('naturalOrder', () => {
  it('orders numbers, bigints, strings and Dates', () => {
    expect(sign(naturalOrder(1, 2))).toBe(-1);
    expect(sign(naturalOrder(2, 1))).toBe(1);
    expect(naturalOrder(2, 2)).toBe(0);
    expect(sign(naturalOrder(1n, 2))).toBe(-1);
    expect(sign(naturalOrder('b', 'a'))).toBe(1);
    expect(sign(naturalOrder(new Date(1000), new Date(2000)))).toBe(-1);
    expect(naturalOrder(new Date(5), new Date(5))).toBe(0);
  });

  it('orders arrays element by element, shorter first on a tie', () => {
    expect(sign(naturalOrder([1, 'b'], [1, 'c']))).toBe(-1);
    expect(sign(naturalOrder([2], [1, 'z']))).toBe(1);
    expect(sign(naturalOrder([1], [1, 0]))).toBe(-1);
    expect(naturalOrder([1, [2, 3]], [1, [2, 3]])).toBe(0);
  });

  it('treats the very same object as equal, as Python does inside tuples', () => {
    const payload = { job: 'x' };
    expect(naturalOrder([1, payload], [1, payload])).toBe(0);
    expect(sign(naturalOrder([0, payload], [1, { job: 'y' }]))).toBe(-1);
  });

  it('throws TypeError for values it cannot order', () => {
    expect(() => naturalOrder(1, 'a')).toThrow(TypeError);
    expect(() => naturalOrder({}, {})).toThrow(/compare function/);
    expect(() => naturalOrder([1, {}], [1, {}])).toThrow(TypeError);
    expect(() => naturalOrder(null, 1)).toThrow(TypeError);
  });
});
