import { describe, expect, it } from 'vitest';
import {
  formatContentRange,
  formatUnsatisfiedContentRange,
  parseRangeHeader,
  planByteRange,
  type RequestedByteRange,
} from '../src/http-range';

// Tornado's _parse_request_range / _get_content_range doctests and the range part of
// StaticFileHandler.get, in our words. Stricter than Tornado where Python's int() is lenient: a
// sign, `_` or hex in a position makes the header unusable (ignored), never a different number.

describe('parseRangeHeader', () => {
  it('turns inclusive byte positions into slice bounds', () => {
    expect(parseRangeHeader('bytes=1-2')).toEqual({ start: 1, end: 3 });
    expect(parseRangeHeader('bytes=0-0')).toEqual({ start: 0, end: 1 });
  });

  it('reads an open-ended range and a suffix range', () => {
    expect(parseRangeHeader('bytes=6-')).toEqual({ start: 6, end: null });
    expect(parseRangeHeader('bytes=-6')).toEqual({ start: -6, end: null });
    expect(parseRangeHeader('bytes=-0')).toEqual({ start: null, end: 0 });
  });

  it('reads an empty spec as no bounds and a bare number as a start', () => {
    expect(parseRangeHeader('bytes=')).toEqual({ start: null, end: null });
    expect(parseRangeHeader('bytes=26')).toEqual({ start: 26, end: null });
  });

  it('tolerates spaces around the unit and the positions, and any case of "bytes"', () => {
    expect(parseRangeHeader(' bytes = 1 - 2 ')).toEqual({ start: 1, end: 3 });
    expect(parseRangeHeader('Bytes=1-2')).toEqual({ start: 1, end: 3 });
  });

  it('refuses other units, missing "=", several ranges and non-digits', () => {
    for (const header of [
      'foo=42', 'asdf', 'bytes 1-2', 'bytes=1-2,6-10', 'bytes=0-0,-1', 'bytes=a-b', 'bytes=1-b',
      'bytes=+1-2', 'bytes=1-+2', 'bytes=1_0-20', 'bytes=0x1-2', 'bytes=1.5-2', 'bytes=--1', 'bytes=1-2-3',
      'bytes=\u0661-2', 'items=0-1',
    ]) {
      expect(parseRangeHeader(header), header).toBeNull();
    }
  });

  it('keeps very long numbers as (imprecise but huge) numbers rather than failing', () => {
    expect(parseRangeHeader(`bytes=0-${'9'.repeat(30)}`)?.end).toBeGreaterThan(1e29);
  });
});

describe('planByteRange', () => {
  const plan = (range: RequestedByteRange | null, size: number) => planByteRange(range, size);

  it('sends everything without a usable Range header', () => {
    expect(plan(null, 26)).toEqual({ kind: 'full', start: 0, end: 26 });
    expect(plan(null, 0)).toEqual({ kind: 'full', start: 0, end: 0 });
  });

  it('sends a part as 206', () => {
    expect(plan(parseRangeHeader('bytes=0-9'), 26)).toEqual({ kind: 'partial', start: 0, end: 10 });
    expect(plan(parseRangeHeader('bytes=22-'), 26)).toEqual({ kind: 'partial', start: 22, end: 26 });
    expect(plan(parseRangeHeader('bytes=-4'), 26)).toEqual({ kind: 'partial', start: 22, end: 26 });
    expect(plan(parseRangeHeader('bytes=0-0'), 26)).toEqual({ kind: 'partial', start: 0, end: 1 });
    expect(plan(parseRangeHeader('bytes=-1'), 26)).toEqual({ kind: 'partial', start: 25, end: 26 });
    expect(plan(parseRangeHeader('bytes=25-25'), 26)).toEqual({ kind: 'partial', start: 25, end: 26 });
  });

  it('answers 200 (not 206) when the range covers the whole resource', () => {
    expect(plan(parseRangeHeader('bytes=0-'), 26).kind).toBe('full');
    expect(plan(parseRangeHeader('bytes=0-25'), 26).kind).toBe('full');
    expect(plan(parseRangeHeader('bytes=0-10000000'), 26).kind).toBe('full');
    expect(plan(parseRangeHeader('bytes=-26'), 26).kind).toBe('full');
    expect(plan(parseRangeHeader('bytes=-1000000'), 26).kind).toBe('full');
    expect(plan(parseRangeHeader('bytes='), 26).kind).toBe('full');
  });

  it('caps an end past the resource at its size', () => {
    expect(plan(parseRangeHeader('bytes=1-10000000'), 26)).toEqual({ kind: 'partial', start: 1, end: 26 });
  });

  it('is unsatisfiable for a start at or past the end, an end before the start, or a zero suffix', () => {
    for (const header of ['bytes=26', 'bytes=26-', 'bytes=100-200', 'bytes=10-3', 'bytes=5-4', 'bytes=-0']) {
      expect(plan(parseRangeHeader(header), 26), header).toEqual({ kind: 'unsatisfiable' });
    }
  });

  it('is unsatisfiable for any range of an empty resource', () => {
    for (const header of ['bytes=0-', 'bytes=0-0', 'bytes=-1', 'bytes=-0']) {
      expect(plan(parseRangeHeader(header), 0), header).toEqual({ kind: 'unsatisfiable' });
    }
  });
});

describe('Content-Range values', () => {
  it('writes the inclusive last byte and the total', () => {
    expect(formatContentRange(0, 10, 26)).toBe('bytes 0-9/26');
    expect(formatContentRange(22, 26, 26)).toBe('bytes 22-25/26');
    expect(formatContentRange(0, 1, 4)).toBe('bytes 0-0/4');
    expect(formatContentRange(1, 3, 4)).toBe('bytes 1-2/4');
  });

  it('writes bytes */size for a 416', () => {
    expect(formatUnsatisfiedContentRange(26)).toBe('bytes */26');
    expect(formatUnsatisfiedContentRange(0)).toBe('bytes */0');
  });
});
