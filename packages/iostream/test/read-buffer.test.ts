import { describe, expect, it } from 'vitest';
import { ReadBuffer } from '../src/read-buffer';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A buffer holding `text` as chunks cut at `cuts` (ascending positions inside the text). */
function chunked(text: string | Buffer, cuts: number[]): ReadBuffer {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  const buffer = new ReadBuffer();
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    buffer.push(Buffer.from(bytes.subarray(start, cut)));
    start = cut;
  }
  return buffer;
}

describe('ReadBuffer', () => {
  it('gives back exactly what was pushed, whatever the chunk and read sizes', () => {
    const rng = random(42);
    for (const maxChunk of [3, 40, 700, 5000]) {
      const buffer = new ReadBuffer();
      const expected: Buffer[] = [];
      let pending = Buffer.alloc(0);
      for (let i = 0; i < 200; i++) {
        const chunk = Buffer.alloc(1 + Math.floor(rng() * maxChunk));
        for (let j = 0; j < chunk.length; j++) chunk[j] = Math.floor(rng() * 256);
        buffer.push(chunk);
        expected.push(chunk);
        if (rng() < 0.3) {
          pending = Buffer.concat([pending, ...expected.splice(0)]);
          const n = Math.floor(rng() * (pending.length + 1));
          expect(buffer.consume(n).equals(pending.subarray(0, n))).toBe(true);
          pending = pending.subarray(n);
          expect(buffer.length).toBe(pending.length + expected.reduce((sum, c) => sum + c.length, 0));
        }
      }
      pending = Buffer.concat([pending, ...expected]);
      const target = new Uint8Array(pending.length);
      buffer.copyOut(target, 0, pending.length);
      expect(Buffer.from(target).equals(pending)).toBe(true);
      expect(buffer.length).toBe(0);
    }
  });

  it('returns a view, not a copy, when one chunk holds the bytes', () => {
    const buffer = new ReadBuffer();
    const big = Buffer.alloc(4096, 'a');
    buffer.push(big);
    const out = buffer.consume(1000);
    expect(out.buffer).toBe(big.buffer);
    expect(out.byteOffset).toBe(big.byteOffset);
    const rest = buffer.consume(3096);
    expect(rest.buffer).toBe(big.buffer);
  });

  it('copies once when the bytes span chunks', () => {
    const buffer = new ReadBuffer();
    const a = Buffer.alloc(1000, 'a');
    const b = Buffer.alloc(1000, 'b');
    buffer.push(a);
    buffer.push(b);
    const out = buffer.consume(1500);
    expect(out.buffer).not.toBe(a.buffer);
    expect(out.toString()).toBe('a'.repeat(1000) + 'b'.repeat(500));
    expect(buffer.consume(500).buffer).toBe(b.buffer);
  });

  it('coalesces tiny chunks so a byte-at-a-time peer costs little', () => {
    const buffer = new ReadBuffer();
    for (let i = 0; i < 5000; i++) buffer.push(Buffer.from([i & 0xff]));
    expect(buffer.length).toBe(5000);
    expect(buffer.contiguous).toBe(5000);
    const out = buffer.consume(5000);
    expect([...out.subarray(0, 3)]).toEqual([0, 1, 2]);
    expect(out[4999]).toBe(4999 & 0xff);
    // A large chunk ends the run; small ones after it start a new one.
    buffer.push(Buffer.from('xy'));
    buffer.push(Buffer.alloc(600, 'L'));
    buffer.push(Buffer.from('z'));
    expect(buffer.contiguous).toBe(2);
    expect(buffer.consume(603).toString()).toBe(`xy${'L'.repeat(600)}z`);
  });

  it('keeps a few small chunks by reference (no copy)', () => {
    const buffer = new ReadBuffer();
    const a = Buffer.from('abc');
    const b = Buffer.from('de');
    buffer.push(a);
    buffer.push(b);
    expect(buffer.contiguous).toBe(3);
    expect(buffer.consume(2).buffer).toBe(a.buffer);
    expect(buffer.consume(1).buffer).toBe(a.buffer);
    expect(buffer.consume(2).buffer).toBe(b.buffer);
  });

  /** How many entries the buffer holds: consuming what one entry holds at a time, until empty. */
  function drainCount(buffer: ReadBuffer): number {
    let entries = 0;
    while (buffer.length > 0) {
      buffer.consume(buffer.contiguous);
      entries++;
    }
    return entries;
  }

  it('stays bounded in entries however many tiny chunks pile up unread', () => {
    const buffer = new ReadBuffer();
    for (let i = 0; i < 100_000; i++) buffer.push(Buffer.from([i & 0xff]));
    // 32 tiny entries before coalescing starts, then one per 16 KiB slab.
    expect(drainCount(buffer)).toBeLessThanOrEqual(32 + Math.ceil(100_000 / (16 * 1024)) + 1);
    // Large chunks between tiny ones: the tiny ones still share slabs.
    for (let i = 0; i < 2000; i++) {
      buffer.push(Buffer.alloc(600, 'L'));
      for (let j = 0; j < 50; j++) buffer.push(Buffer.from('t'));
    }
    expect(buffer.length).toBe(2000 * 650);
    expect(drainCount(buffer)).toBeLessThanOrEqual(32 + 2000 * 2);
  });

  it('coalesces the tiny entries already held, starting mid-chunk, in order', () => {
    const buffer = new ReadBuffer();
    let expected = '';
    for (let i = 0; i < 20; i++) {
      const piece = `${String.fromCharCode(65 + i)}${i % 10}-`;
      buffer.push(Buffer.from(piece));
      expected += piece;
    }
    expect(buffer.consume(4).toString()).toBe(expected.slice(0, 4));
    expected = expected.slice(4);
    for (let i = 0; i < 40; i++) {
      const piece = `${String.fromCharCode(97 + (i % 26))}${i % 10}+`;
      buffer.push(Buffer.from(piece));
      expected += piece;
    }
    expect(buffer.contiguous).toBe(expected.length);
    expect(buffer.indexOf(Buffer.from('z5+'), 0)).toBe(expected.indexOf('z5+'));
    expect(buffer.consume(buffer.length).toString()).toBe(expected);
  });

  it('finds a delimiter split at every boundary, across two and three chunks', () => {
    const text = 'GET / HTTP/1.1\r\nHost: a\r\n\r\nrest';
    for (const delimiter of ['\n', '\r\n', '\r\n\r\n', 'Host', 'rest', 'GET / HTTP']) {
      const expected = text.indexOf(delimiter);
      for (let i = 1; i < text.length; i++) {
        expect(chunked(text, [i]).indexOf(Buffer.from(delimiter), 0)).toBe(expected);
        for (let j = i + 1; j < text.length; j++) {
          expect(chunked(text, [i, j]).indexOf(Buffer.from(delimiter), 0)).toBe(expected);
        }
      }
      const bytewise = chunked(text, Array.from({ length: text.length - 1 }, (_, k) => k + 1));
      expect(bytewise.indexOf(Buffer.from(delimiter), 0)).toBe(expected);
    }
  });

  it('finds a delimiter straddling many one-byte chunks after large ones', () => {
    const buffer = new ReadBuffer();
    buffer.push(Buffer.alloc(1000, 'x'));
    buffer.push(Buffer.from('--bou'));
    buffer.push(Buffer.alloc(700, 'y'));
    for (const c of '--boundary--') buffer.push(Buffer.from(c));
    expect(buffer.indexOf(Buffer.from('--boundary--'), 0)).toBe(1705);
    expect(buffer.indexOf(Buffer.from('--bou'), 0)).toBe(1000);
    expect(buffer.indexOf(Buffer.from('--bou'), 1001)).toBe(1705);
  });

  it('searches only from `from`, and reports nothing for a partial match at the end', () => {
    const buffer = chunked('ab\r\ncd\r', [3]);
    expect(buffer.indexOf(Buffer.from('\r\n'), 0)).toBe(2);
    expect(buffer.indexOf(Buffer.from('\r\n'), 3)).toBe(-1);
    buffer.push(Buffer.from('\nef'));
    expect(buffer.indexOf(Buffer.from('\r\n'), 3)).toBe(6);
    expect(buffer.indexOf(Buffer.from('zz'), 0)).toBe(-1);
    expect(buffer.indexOf(Buffer.from('\r\n'), -5)).toBe(2);
  });

  it('keeps positions right after part of the first chunk was consumed', () => {
    const buffer = chunked('0123456789abcdef', [10]);
    buffer.consume(4);
    expect(buffer.indexOf(Buffer.from('9a'), 0)).toBe(5);
    expect(buffer.indexOf(Buffer.from('45'), 0)).toBe(0);
    expect(buffer.indexOf(Buffer.from('45'), 1)).toBe(-1);
    expect(buffer.latin1(0)).toBe('456789abcdef');
    expect(buffer.latin1(7)).toBe('bcdef');
    expect(buffer.latin1(12)).toBe('');
  });

  it('decodes bytes one to one as latin1', () => {
    const bytes = Buffer.from([0x00, 0x7f, 0x80, 0xff, 0x0d, 0x0a]);
    expect(chunked(bytes, [2, 3]).latin1(0)).toBe('\u0000\u007f\u0080\u00ff\r\n');
  });

  it('stays linear: 4 MB in 1 to 16 byte chunks, searched after every chunk', () => {
    const buffer = new ReadBuffer();
    const delimiter = Buffer.from('\r\n\r\n');
    const piece = Buffer.alloc(16, 'a');
    const started = performance.now();
    let from = 0;
    let found = -1;
    for (let total = 0, step = 1; total < 4 * 1024 * 1024; total += step, step = (step % 16) + 1) {
      buffer.push(piece.subarray(0, step));
      found = buffer.indexOf(delimiter, from);
      from = buffer.length - delimiter.length + 1;
    }
    buffer.push(Buffer.from('\r\n\r\n'));
    found = buffer.indexOf(delimiter, from);
    expect(found).toBe(buffer.length - 4);
    expect(buffer.consume(buffer.length).length).toBe(found + 4);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('drops consumed chunks as it goes', () => {
    const buffer = new ReadBuffer();
    const chunk = Buffer.alloc(1024, 'q');
    for (let round = 0; round < 1000; round++) {
      buffer.push(chunk);
      buffer.push(chunk);
      expect(buffer.consume(1024).length).toBe(1024);
    }
    expect(buffer.length).toBe(1000 * 1024);
    expect(buffer.indexOf(Buffer.from('x'), 0)).toBe(-1);
    expect(buffer.consume(buffer.length).length).toBe(1000 * 1024);
  });

  describe('unshift (what unread() puts back)', () => {
    it('puts bytes in front of an empty buffer, by reference', () => {
      const buffer = new ReadBuffer();
      const chunk = Buffer.from('abc');
      buffer.unshift(chunk);
      expect(buffer.length).toBe(3);
      const out = buffer.consume(3);
      expect(out.toString()).toBe('abc');
      expect(out.buffer).toBe(chunk.buffer);
      expect(out.byteOffset).toBe(chunk.byteOffset);
    });

    it('puts bytes in front of partly consumed chunks, and searches and reads see them first', () => {
      const rng = random(7);
      for (let round = 0; round < 300; round++) {
        const text = Buffer.from(Array.from({ length: 1 + Math.floor(rng() * 3000) }, () => 'abcdefgh\n'[Math.floor(rng() * 9)]).join(''), 'latin1');
        const cuts: number[] = [];
        for (let p = 1 + Math.floor(rng() * 700); p < text.length; p += 1 + Math.floor(rng() * 700)) cuts.push(p);
        // Tiny chunks too, so slab runs are involved.
        const buffer = chunked(text, rng() < 0.5 ? cuts : Array.from({ length: Math.min(text.length - 1, 80) }, (_, k) => k + 1));
        const taken = Math.floor(rng() * (text.length + 1));
        const consumed = buffer.consume(taken);
        const back = Math.floor(rng() * (taken + 1));
        buffer.unshift(Buffer.from(consumed.subarray(taken - back)));
        const rest = text.subarray(taken - back);
        expect(buffer.length).toBe(rest.length);
        expect(buffer.indexOf(Buffer.from('\n'), 0)).toBe(rest.indexOf('\n'));
        // More bytes after the unshift land behind everything already there.
        buffer.push(Buffer.from('zz\n'));
        const all = Buffer.concat([rest, Buffer.from('zz\n')]);
        expect(buffer.latin1(0)).toBe(all.toString('latin1'));
        expect(buffer.consume(buffer.length).equals(all)).toBe(true);
      }
    });
  });
});
