import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ArgumentTypeError, toUnicode, UnicodeDecodeError, UnicodeEncodeError, utf8 } from '@tornado-ts/escape';

describe('utf8', () => {
  it('encodes a string as UTF-8, astral characters included', () => {
    expect(utf8('\u00e9')).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(utf8('\u{1F600}')).toEqual(Buffer.from([0xf0, 0x9f, 0x98, 0x80]));
    expect(utf8('')).toEqual(Buffer.alloc(0));
  });

  it('passes a Buffer, null and undefined through unchanged', () => {
    const bytes = Buffer.from([0xff, 0x00]);
    expect(utf8(bytes)).toBe(bytes);
    expect(utf8(null)).toBeNull();
    expect(utf8(undefined)).toBeUndefined();
  });

  it('views a plain Uint8Array as a Buffer over the same memory', () => {
    const array = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    const result = utf8(array);
    expect(Buffer.isBuffer(result)).toBe(true);
    expect([...result]).toEqual([2, 3]);
    array[0] = 9;
    expect(result[0]).toBe(9);
  });

  it('throws UnicodeEncodeError for a lone surrogate instead of writing U+FFFD', () => {
    expect(() => utf8('a\ud800b')).toThrow(UnicodeEncodeError);
    expect(() => utf8('\udc00')).toThrow(UnicodeEncodeError);
  });

  it('throws ArgumentTypeError for other values, as Tornado throws TypeError', () => {
    expect(() => utf8(42 as unknown as string)).toThrow(ArgumentTypeError);
    expect(() => utf8({} as unknown as string)).toThrow(
      /utf8: expected a string, Buffer, null or undefined, got Object/,
    );
  });
});

describe('toUnicode', () => {
  it('decodes UTF-8 bytes', () => {
    expect(toUnicode(Buffer.from([0xc3, 0xa9]))).toBe('\u00e9');
    expect(toUnicode(new Uint8Array([0xf0, 0x9f, 0x98, 0x80]))).toBe('\u{1F600}');
    expect(toUnicode(Buffer.alloc(0))).toBe('');
  });

  it('passes a string, null and undefined through unchanged', () => {
    expect(toUnicode('\u00e9')).toBe('\u00e9');
    expect(toUnicode(null)).toBeNull();
    expect(toUnicode(undefined)).toBeUndefined();
  });

  it('keeps a byte order mark, as Python does', () => {
    expect(toUnicode(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa');
  });

  it('throws UnicodeDecodeError for invalid, truncated, overlong or surrogate sequences', () => {
    for (const bytes of [[0xff], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      expect(() => toUnicode(Buffer.from(bytes))).toThrow(UnicodeDecodeError);
    }
  });

  it('throws ArgumentTypeError for other values', () => {
    expect(() => toUnicode(1.5 as unknown as string)).toThrow(ArgumentTypeError);
    expect(() => toUnicode([104] as unknown as string)).toThrow(/got Array/);
  });

  it('round-trips with utf8', () => {
    const text = 'h\u00e9llo \u4a39 \u{1F600}';
    expect(toUnicode(utf8(text))).toBe(text);
  });
});
