// XSRF token encoding and decoding: Tornado's xsrf_token / _decode_xsrf_token formats (web.py), the
// BREACH masking of CVE-2014-9720, and garbage input. Handler-level XSRFTest cases are in xsrf.test.ts.
// A token masked by Python Tornado 6.2 (tornado.util._websocket_mask) is decoded here too.

import { describe, expect, it } from 'vitest';
import { decodeXsrfToken, encodeXsrfToken, newXsrfTokenBytes, xsrfTokensEqual } from '../src/xsrf-token';

const TOKEN = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

describe('newXsrfTokenBytes', () => {
  it('returns 16 fresh random bytes', () => {
    const a = newXsrfTokenBytes();
    const b = newXsrfTokenBytes();
    expect(a.length).toBe(16);
    expect(a.equals(b)).toBe(false);
  });
});

describe('encodeXsrfToken', () => {
  it('v1 is the plain hex token', () => {
    expect(encodeXsrfToken(TOKEN, 1_300_000_000, 1)).toBe('00112233445566778899aabbccddeeff');
  });

  it('v2 is 2|mask|masked token|timestamp, masked afresh on every call (CVE-2014-9720)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const encoded = encodeXsrfToken(TOKEN, 1_300_000_000.7);
      expect(encoded).toMatch(/^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|1300000000$/);
      const [, maskHex, maskedHex] = encoded.split('|') as [string, string, string];
      const mask = Buffer.from(maskHex, 'hex');
      const masked = Buffer.from(maskedHex, 'hex');
      // XOR with the 4-byte mask repeated gives the token back.
      expect(masked.map((byte, i) => byte ^ mask[i % 4]!)).toEqual(TOKEN);
      seen.add(encoded);
      expect(decodeXsrfToken(encoded)).toEqual({ version: 2, token: TOKEN, timestamp: 1_300_000_000 });
    }
    expect(seen.size).toBe(50);
  });

  it('v2 is the default and handles tokens of any length', () => {
    for (const length of [0, 1, 3, 4, 5, 17, 64]) {
      const token = Buffer.alloc(length, 0xa5);
      const encoded = encodeXsrfToken(token, 5);
      expect(encoded.startsWith('2|')).toBe(true);
      if (length > 0) expect(decodeXsrfToken(encoded)?.token).toEqual(token);
    }
  });

  it('rejects an unknown version and a bad timestamp', () => {
    expect(() => encodeXsrfToken(TOKEN, 1, 3 as 2)).toThrow(RangeError);
    expect(() => encodeXsrfToken(TOKEN, Number.NaN)).toThrow(RangeError);
    expect(() => encodeXsrfToken(TOKEN, -1)).toThrow(RangeError);
    expect(() => encodeXsrfToken(TOKEN, 1e300)).toThrow(RangeError);
  });
});

describe('decodeXsrfToken', () => {
  it('decodes a v2 token masked by Python Tornado 6.2', () => {
    // token 00112233445566778899aabbccddeeff, mask 0a0b0c0d, timestamp 1300000000
    expect(decodeXsrfToken('2|0a0b0c0d|0a1a2e3e4e5e6a7a8292a6b6c6d6e2f2|1300000000')).toEqual({
      version: 2,
      token: TOKEN,
      timestamp: 1_300_000_000,
    });
  });

  it('decodes v1 hex tokens (either letter case), dated "now"', () => {
    expect(decodeXsrfToken('00112233445566778899AABBCCDDEEFF', 1234.9)).toEqual({
      version: 1,
      token: TOKEN,
      timestamp: 1234,
    });
    expect(decodeXsrfToken('deadbeef', 1)?.token).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    const now = decodeXsrfToken('deadbeef')!.timestamp;
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(5);
  });

  it('takes a non-hex v1 token as its own bytes (test_xsrf_success_non_hex_token)', () => {
    expect(decodeXsrfToken('xoxo')?.token).toEqual(Buffer.from('xoxo'));
    expect(decodeXsrfToken('abc')?.token).toEqual(Buffer.from('abc')); // odd length is not hex
    expect(decodeXsrfToken('0|x')?.token).toEqual(Buffer.from('0|x')); // no version: leading zero
    expect(decodeXsrfToken('é')?.token).toEqual(Buffer.from('é', 'utf8'));
  });

  it.each([
    '',
    '3|',
    '3|0a0b0c0d|0a1a|1',
    '22|0a0b0c0d|0a1a|1',
    '999999999999999999999|x',
    '2|',
    '2||',
    '2|||',
    '2|0a0b0c0d|0a1a2e3e|',
    '2|0a0b0c0d||1300000000',
    '2|0a0b0c|0a1a2e3e|1300000000',
    '2|0a0b0c0d0e|0a1a2e3e|1300000000',
    '2|0a0b0c0g|0a1a2e3e|1300000000',
    '2|0a0b0c0d|0a1a2e3|1300000000',
    '2|0a0b0c0d|0a1a2e3z|1300000000',
    '2|0a0b0c0d|0a1a2e3e|13000x0000',
    '2|0a0b0c0d|0a1a2e3e|-1',
    '2|0a0b0c0d|0a1a2e3e|+1',
    '2|0a0b0c0d|0a1a2e3e|1e9',
    '2|0a0b0c0d|0a1a2e3e|99999999999999999999',
    '2|0a0b0c0d|0a1a2e3e|1|extra',
    '2|0a0b0c0d|0a1a2e3e',
    `2|${'|'.repeat(10_000)}`,
  ])('returns null for %j without throwing', (value) => {
    expect(decodeXsrfToken(value)).toBeNull();
  });

  it('returns null for non-strings', () => {
    expect(decodeXsrfToken(undefined as unknown as string)).toBeNull();
    expect(decodeXsrfToken(42 as unknown as string)).toBeNull();
  });

  it('maps v1 and v2 encodings of one token to the same bytes (cross-version)', () => {
    const v1 = decodeXsrfToken(encodeXsrfToken(TOKEN, 10, 1))!;
    const v2 = decodeXsrfToken(encodeXsrfToken(TOKEN, 10, 2))!;
    expect(v1.version).toBe(1);
    expect(v2.version).toBe(2);
    expect(xsrfTokensEqual(v1.token, v2.token)).toBe(true);
  });
});

describe('xsrfTokensEqual', () => {
  it('compares bytes, and different lengths are unequal', () => {
    expect(xsrfTokensEqual(Buffer.from('abcd'), Buffer.from('abcd'))).toBe(true);
    expect(xsrfTokensEqual(Buffer.from('abcd'), Buffer.from('abce'))).toBe(false);
    expect(xsrfTokensEqual(Buffer.from('abcd'), Buffer.from('abc'))).toBe(false);
    expect(xsrfTokensEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });
});
