import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  ArgumentTypeError,
  UnicodeDecodeError,
  UnicodeEncodeError,
  urlEscape,
  urlUnescape,
  utf8,
} from '@tornado-ts/escape';

const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

describe('urlEscape and urlUnescape: Tornado cases', () => {
  it('escapes bytes as they are and strings as UTF-8', () => {
    expect(urlEscape(utf8('\u00e9'))).toBe('%C3%A9');
    expect(urlEscape(Buffer.from([0xe9]))).toBe('%E9');
    expect(urlEscape('\u00e9')).toBe('%C3%A9');
  });

  const unescapeCases: Array<[string, string | Buffer, BufferEncoding | null]> = [
    ['%C3%A9', '\u00e9', 'utf8'],
    ['%C3%A9', '\u00c3\u00a9', 'latin1'],
    ['%C3%A9', utf8('\u00e9'), null],
  ];

  it.each(unescapeCases)('unescapes %s with encoding %s from a string or from bytes', (escaped, expected, encoding) => {
    expect(urlUnescape(escaped, { encoding })).toEqual(expected);
    expect(urlUnescape(Buffer.from(escaped), { encoding })).toEqual(expected);
  });

  it('uses + for a space by default and %20 with plus: false, both ways', () => {
    const raw = '+ #%';
    expect(urlEscape(raw)).toBe('%2B+%23%25');
    expect(urlEscape(raw, { plus: false })).toBe('%2B%20%23%25');
    expect(urlUnescape('%2B+%23%25')).toBe(raw);
    expect(urlUnescape('%2B%20%23%25', { plus: false })).toBe(raw);
    expect(urlUnescape('%2B+%23%25', { encoding: null })).toEqual(utf8(raw));
    expect(urlUnescape('%2B%20%23%25', { encoding: null, plus: false })).toEqual(utf8(raw));
  });
});

describe('urlEscape', () => {
  it("keeps exactly Python quote_plus's safe characters", () => {
    expect(urlEscape(PRINTABLE_ASCII)).toBe(
      '+%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40' +
        'ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~',
    );
  });

  it("keeps exactly Python quote's safe characters with plus: false (so also '/')", () => {
    expect(urlEscape(PRINTABLE_ASCII, { plus: false })).toBe(
      '%20%21%22%23%24%25%26%27%28%29%2A%2B%2C-./0123456789%3A%3B%3C%3D%3E%3F%40' +
        'ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~',
    );
  });

  it('escapes every byte value the same way whether it comes as a string or as bytes', () => {
    const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');
    for (const plus of [true, false]) {
      expect(urlEscape(Buffer.from(ascii, 'latin1'), { plus })).toBe(urlEscape(ascii, { plus }));
    }
    const high = Buffer.from(Array.from({ length: 128 }, (_, i) => 128 + i));
    const expected = Array.from({ length: 128 }, (_, i) => `%${(128 + i).toString(16).toUpperCase()}`).join('');
    expect(urlEscape(high)).toBe(expected);
    expect(urlEscape(high, { plus: false })).toBe(expected);
  });

  it('returns the same string when nothing needs escaping, and handles empty input', () => {
    const safe = 'abc-DEF_0.9~';
    expect(urlEscape(safe)).toBe(safe);
    expect(urlEscape('a/b', { plus: false })).toBe('a/b');
    expect(urlEscape('')).toBe('');
    expect(urlEscape(Buffer.alloc(0))).toBe('');
  });

  it('encodes astral characters as their four UTF-8 bytes', () => {
    expect(urlEscape('\u{1F600} \u00e9')).toBe('%F0%9F%98%80+%C3%A9');
    expect(urlEscape('\u{1F600} \u00e9', { plus: false })).toBe('%F0%9F%98%80%20%C3%A9');
  });

  it('does not mistake an escaped percent sign for an escaped space or slash', () => {
    expect(urlEscape('%20%2F %')).toBe('%2520%252F+%25');
    expect(urlEscape('%20%2F /', { plus: false })).toBe('%2520%252F%20/');
  });

  it('throws for a lone surrogate and for values that are not text', () => {
    expect(() => urlEscape('a\ud800')).toThrow(UnicodeEncodeError);
    expect(() => urlEscape(null as unknown as string)).toThrow(ArgumentTypeError);
    expect(() => urlEscape(7 as unknown as string)).toThrow(/urlEscape: expected a string or Buffer, got number/);
  });
});

describe('urlUnescape', () => {
  it('keeps invalid and truncated escapes as written', () => {
    expect(urlUnescape('%zz%4%41%')).toBe('%zz%4A%');
    expect(urlUnescape('100%', { encoding: null })).toEqual(Buffer.from('100%'));
    expect(urlUnescape('%g1%1g%%41', { encoding: null })).toEqual(Buffer.from('%g1%1g%A'));
  });

  it('decodes lowercase hex digits', () => {
    expect(urlUnescape('%c3%a9%2f')).toBe('\u00e9/');
  });

  it('replaces invalid UTF-8 with U+FFFD, one per maximal invalid sequence, as Python does', () => {
    expect(urlUnescape('%C3+%E2%82')).toBe('\ufffd \ufffd');
    expect(urlUnescape('%ED%A0%80')).toBe('\ufffd\ufffd\ufffd');
    expect(urlUnescape('%C3\u00e9%A9')).toBe('\ufffd\u00e9\ufffd');
    expect(urlUnescape('%FF%41')).toBe('\ufffdA');
  });

  it('decodes escaped astral characters and keeps literal ones', () => {
    expect(urlUnescape('%F0%9F%98%80\u{1F600}')).toBe('\u{1F600}\u{1F600}');
    expect(urlUnescape('%f0%9f%98%80+%F0', { encoding: 'latin1' })).toBe('\u00f0\u009f\u0098\u0080 \u00f0');
  });

  it('keeps a lone surrogate in string input when decoding to a string, as Python does', () => {
    expect(urlUnescape('\ud800%41')).toBe('\ud800A');
  });

  it('reads + as a space only with plus, never an escaped %2B', () => {
    expect(urlUnescape('a+b%2B')).toBe('a b+');
    expect(urlUnescape('a+b%2B', { plus: false })).toBe('a+b+');
    expect(urlUnescape('a+b%2B', { encoding: null })).toEqual(Buffer.from('a b+'));
    expect(urlUnescape(Buffer.from('a+b%2B%ff'), { encoding: null, plus: false })).toEqual(
      Buffer.from([0x61, 0x2b, 0x62, 0x2b, 0xff]),
    );
  });

  it('handles empty input and input without escapes', () => {
    expect(urlUnescape('')).toBe('');
    expect(urlUnescape('', { encoding: null })).toEqual(Buffer.alloc(0));
    expect(urlUnescape('plain')).toBe('plain');
  });

  it('returns a new Buffer, never the caller one', () => {
    const input = Buffer.from('abc');
    const output = urlUnescape(input, { encoding: null });
    expect(output).toEqual(input);
    output[0] = 0x7a;
    expect(input.toString()).toBe('abc');
  });

  it('takes raw bytes for a Buffer result, even when they are not UTF-8', () => {
    expect(urlUnescape(Buffer.from([0xff, 0x2b, 0x25, 0x34, 0x31]), { encoding: null })).toEqual(
      Buffer.from([0xff, 0x20, 0x41]),
    );
  });

  it('throws for bytes that are not UTF-8 when a string is wanted, and for non-text values', () => {
    expect(() => urlUnescape(Buffer.from([0xff]))).toThrow(UnicodeDecodeError);
    expect(() => urlUnescape(undefined as unknown as string)).toThrow(ArgumentTypeError);
    expect(() => urlUnescape(3 as unknown as string, { encoding: null })).toThrow(ArgumentTypeError);
  });

  it('throws for a lone surrogate when bytes are wanted, as Python does', () => {
    expect(() => urlUnescape('\ud800', { encoding: null })).toThrow(UnicodeEncodeError);
  });

  it('round-trips any text through urlEscape in both modes', () => {
    const text = `${PRINTABLE_ASCII} \u00e9\u4a39\u{1F600}\t\n`;
    expect(urlUnescape(urlEscape(text))).toBe(text);
    expect(urlUnescape(urlEscape(text, { plus: false }), { plus: false })).toBe(text);
  });
});
