import { describe, expect, it } from 'vitest';
import { parseHttpDate } from '../src/static-http-date';

// If-Modified-Since parsing. An invalid value must be ignored (null), never throw: Tornado 6.5.0's
// test_static_304_if_modified_since_invalid, where a bad date used to be a 500.

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('parseHttpDate', () => {
  it('reads the three formats of RFC 9110', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(NOV_6_1994);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(NOV_6_1994);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(NOV_6_1994);
  });

  it('round-trips what Date#toUTCString (our Last-Modified) writes', () => {
    const ms = Date.UTC(2026, 10, 21, 9, 50, 0);
    expect(parseHttpDate(new Date(ms).toUTCString())).toBe(ms);
  });

  it('reads dates before the epoch (clients send 1960 to bust caches)', () => {
    expect(parseHttpDate('Fri, 01 Jan 1960 00:00:00 GMT')).toBe(Date.UTC(1960, 0, 1));
  });

  it('reads two-digit RFC 850 years as 1970-2069', () => {
    expect(parseHttpDate('Monday, 01-Jan-69 00:00:00 GMT')).toBe(Date.UTC(2069, 0, 1));
    expect(parseHttpDate('Thursday, 01-Jan-70 00:00:00 GMT')).toBe(0);
  });

  it('ignores surrounding whitespace and the case of the month', () => {
    expect(parseHttpDate('  Sun, 06 NOV 1994 08:49:37 GMT ')).toBe(NOV_6_1994);
  });

  it('returns null for anything else', () => {
    for (const value of [
      '', 'garbage', '1', '2020', '0', 'Sun, 06 Nov 1994', 'Sun, 06 Nov 1994 08:49:37 PST',
      'Sun, 06 Nov 1994 08:49:37 +0000', 'Sun, 6 Nov 1994 08:49:37 GMT', 'Sun, 06 Foo 1994 08:49:37 GMT',
      'Sun, 31 Feb 2020 00:00:00 GMT', 'Sun, 00 Jan 2020 00:00:00 GMT', 'Sun, 06 Nov 1994 24:00:00 GMT',
      'Sun, 06 Nov 1994 08:60:00 GMT', '2020-01-01T00:00:00Z', 'Sun, 06 Nov 1994 08:49:37 GMT\r\nX: y',
      'Sun, 06 Nov 99999 08:49:37 GMT',
    ]) {
      expect(parseHttpDate(value), value).toBeNull();
    }
  });

  it('accepts a leap day only in a leap year', () => {
    expect(parseHttpDate('Thu, 29 Feb 2024 00:00:00 GMT')).toBe(Date.UTC(2024, 1, 29));
    expect(parseHttpDate('Thu, 29 Feb 2023 00:00:00 GMT')).toBeNull();
  });
});
