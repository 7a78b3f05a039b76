import { describe, expect, it } from 'vitest';
import { ArgumentTypeError, squeeze } from '@tornado-ts/escape';

describe('squeeze', () => {
  it('collapses runs of whitespace to one space (Tornado case)', () => {
    expect(squeeze('sequences     of    whitespace   chars')).toBe('sequences of whitespace chars');
  });

  it('treats every ASCII control character as whitespace and trims the ends', () => {
    expect(squeeze('\x00\t a\x01\x1fb \r\n\x0bc\x20\x00')).toBe('a b c');
  });

  it("trims Python's whitespace at the ends but keeps it inside", () => {
    expect(squeeze('\u00a0\u3000a\u00a0\u00a0b\u2028\x85')).toBe('a\u00a0\u00a0b');
    expect(squeeze('\x85a\u2000')).toBe('a');
  });

  it('keeps U+FEFF and DEL, which Python does not count as whitespace', () => {
    expect(squeeze('\ufeff a \x7f')).toBe('\ufeff a \x7f');
  });

  it('handles empty and all-whitespace input', () => {
    expect(squeeze('')).toBe('');
    expect(squeeze(' \t\n\u00a0 ')).toBe('');
  });

  it('keeps astral characters whole', () => {
    expect(squeeze('  \u{1F600}   \u{1F601}  ')).toBe('\u{1F600} \u{1F601}');
  });

  it('runs in linear time on long runs of whitespace between words', () => {
    const text = 'a' + '\x85'.repeat(200_000) + 'b' + ' '.repeat(200_000);
    const started = performance.now();
    expect(squeeze(text)).toBe('a' + '\x85'.repeat(200_000) + 'b');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('throws ArgumentTypeError for a value that is not a string', () => {
    expect(() => squeeze(Buffer.from('a') as unknown as string)).toThrow(ArgumentTypeError);
  });
});
