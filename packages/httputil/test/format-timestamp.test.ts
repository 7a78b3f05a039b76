import { formatTimestamp } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

// Tornado FormatTimestampTest: 1359312200.503611 seconds; our numbers are milliseconds.
const TIMESTAMP_MS = 1359312200503.611;
const EXPECTED = 'Sun, 27 Jan 2013 18:43:20 GMT';

describe('formatTimestamp (Tornado FormatTimestampTest)', () => {
  it('formats fractional and whole epoch milliseconds', () => {
    expect(formatTimestamp(TIMESTAMP_MS)).toBe(EXPECTED);
    expect(formatTimestamp(Math.floor(TIMESTAMP_MS))).toBe(EXPECTED);
    expect(formatTimestamp(1359312200000)).toBe(EXPECTED);
  });

  it('formats a Date (struct_time / datetime have no separate JS form)', () => {
    expect(formatTimestamp(new Date(TIMESTAMP_MS))).toBe(EXPECTED);
    expect(formatTimestamp(new Date(Date.UTC(2013, 0, 27, 18, 43, 20)))).toBe(EXPECTED);
  });

  it('writes two-digit days and the epoch correctly', () => {
    expect(formatTimestamp(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
    expect(formatTimestamp(Date.UTC(2024, 1, 29, 1, 2, 3))).toBe('Thu, 29 Feb 2024 01:02:03 GMT');
    expect(formatTimestamp(-1)).toBe('Wed, 31 Dec 1969 23:59:59 GMT');
  });

  it('serves repeated calls within one second from the cache and changes on the next second', () => {
    const base = Date.UTC(2020, 5, 1, 12, 0, 0);
    expect(formatTimestamp(base)).toBe('Mon, 01 Jun 2020 12:00:00 GMT');
    expect(formatTimestamp(base + 999)).toBe('Mon, 01 Jun 2020 12:00:00 GMT');
    expect(formatTimestamp(base + 1000)).toBe('Mon, 01 Jun 2020 12:00:01 GMT');
    expect(formatTimestamp(base - 1)).toBe('Mon, 01 Jun 2020 11:59:59 GMT');
  });

  it('rejects invalid dates and non-finite numbers', () => {
    expect(() => formatTimestamp(new Date('nope'))).toThrow(TypeError);
    expect(() => formatTimestamp(Number.NaN)).toThrow(TypeError);
    expect(() => formatTimestamp(Infinity)).toThrow(TypeError);
    expect(() => formatTimestamp('2013' as never)).toThrow(TypeError);
  });
});
