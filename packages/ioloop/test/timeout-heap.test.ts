import { describe, expect, it } from 'vitest';
import { TimeoutHeap, type TimeoutEntry } from '../src/timeout-heap';

const noop = () => undefined;

/** Takes every live entry in heap order. */
function drain(heap: TimeoutHeap): TimeoutEntry[] {
  const out: TimeoutEntry[] = [];
  for (let entry = heap.peek(); entry !== undefined; entry = heap.peek()) {
    heap.take(entry);
    out.push(entry);
  }
  return out;
}

/** A small deterministic generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('TimeoutHeap', () => {
  it('hands entries out by deadline, equal deadlines first-come first-served', () => {
    const heap = new TimeoutHeap();
    const random = lcg(7);
    const pushed = Array.from({ length: 500 }, () => heap.push(Math.floor(random() * 50), noop, []));
    const expected = [...pushed].sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
    expect(drain(heap)).toEqual(expected);
    expect(heap.size).toBe(0);
  });

  it('keeps callback and arguments until the entry is taken, then lets them go', () => {
    const heap = new TimeoutHeap();
    const fn = () => 'x';
    const entry = heap.push(5, fn, [1, 2]);
    expect(heap.peek()).toBe(entry);
    expect([entry.fn, entry.args]).toEqual([fn, [1, 2]]);
    heap.take(entry);
    expect([entry.fn, entry.args]).toEqual([undefined, undefined]);
    expect(heap.cancel(entry)).toBe(false);
  });

  it('cancels once, and only its own pending entries', () => {
    const heap = new TimeoutHeap();
    const other = new TimeoutHeap();
    const a = heap.push(1, noop, []);
    const b = heap.push(2, noop, []);
    const foreign = other.push(0, noop, []);
    expect(heap.cancel(a)).toBe(true);
    expect(heap.cancel(a)).toBe(false);
    expect(heap.cancel(foreign)).toBe(false);
    expect(heap.cancel(TimeoutHeap.dead(3))).toBe(false);
    expect(heap.size).toBe(1);
    expect(heap.peek()).toBe(b);
    expect(other.size).toBe(1);
  });

  it('sweeps out cancelled entries in bulk and keeps the order of the rest', () => {
    const heap = new TimeoutHeap();
    const random = lcg(42);
    const entries = Array.from({ length: 2000 }, () => heap.push(random() * 1000, noop, []));
    const kept = entries.filter((_, i) => i % 4 === 0);
    for (let i = 0; i < entries.length; i++) if (i % 4 !== 0) heap.cancel(entries[i]);
    expect(heap.size).toBe(500);
    const more = heap.push(500, noop, []);
    const expected = [...kept, more].sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
    expect(drain(heap)).toEqual(expected);
  });

  it('clear() drops everything, and nextSeq keeps counting', () => {
    const heap = new TimeoutHeap();
    const a = heap.push(1, noop, []);
    heap.push(2, noop, []);
    expect(heap.nextSeq).toBe(2);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(heap.cancel(a)).toBe(false);
    expect(heap.push(0, noop, []).seq).toBe(2);
  });
});
