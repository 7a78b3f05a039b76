// Tornado's XSRF token encodings, wire-compatible with Python Tornado:
//   v1: the raw token in hex (older cookies may hold any text, used as is);
//   v2: `2|<hex 4-byte mask>|<hex token XOR mask>|<timestamp seconds>`, masked afresh on every call
//       so a page never repeats the token bytes (the BREACH defence of CVE-2014-9720).

import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A token read from a cookie or request: its raw bytes, the encoding it came in, and when it was made. */
export interface DecodedXsrfToken {
  /** 1 or 2 for a decoded value; null is left for a token generated in the current request. */
  version: 1 | 2 | null;
  token: Buffer;
  /** Seconds since the epoch (a v1 token has none, so it is "now"). */
  timestamp: number;
}

const TOKEN_BYTES = 16;
const MASK_BYTES = 4;
/** Python's `_signed_value_version_re` prefix: a decimal version without leading zero, then `|`. */
const VERSION_PREFIX = /^[1-9][0-9]*\|/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const TIMESTAMP = /^[0-9]{1,15}$/;

/** 16 fresh random bytes: a new user's raw XSRF token. */
export function newXsrfTokenBytes(): Buffer {
  return randomBytes(TOKEN_BYTES);
}

/**
 * Encodes a raw token for a cookie or form field: v2 (the default) with a new random mask on every
 * call, v1 as plain hex. `timestamp` is in seconds since the epoch (written as an integer).
 * @throws {RangeError} for an unknown version or an invalid timestamp.
 */
export function encodeXsrfToken(token: Buffer, timestamp: number, version: 1 | 2 = 2): string {
  if (version === 1) return token.toString('hex');
  if (version !== 2) throw new RangeError(`unknown XSRF cookie version ${String(version)}`);
  const seconds = Math.trunc(timestamp);
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`invalid XSRF timestamp ${timestamp}`);
  const mask = randomBytes(MASK_BYTES);
  return `2|${mask.toString('hex')}|${applyMask(mask, token).toString('hex')}|${seconds}`;
}

/**
 * Decodes a v1 or v2 token (from the `_xsrf` cookie, argument or header); null for an empty token,
 * an unknown version or a malformed v2 value. Never throws. `now` (seconds) dates v1 tokens.
 */
export function decodeXsrfToken(value: string, now: number = Date.now() / 1000): DecodedXsrfToken | null {
  if (typeof value !== 'string' || value === '') return null;
  if (!VERSION_PREFIX.test(value)) {
    // v1: hex when it parses as hex, otherwise the text itself (as Tornado reads old cookies).
    const token = HEX.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'utf8');
    return { version: 1, token, timestamp: Math.trunc(now) };
  }
  if (!value.startsWith('2|')) return null;
  const parts = value.split('|', 5);
  if (parts.length !== 4) return null;
  const [, maskHex, maskedHex, timestamp] = parts as [string, string, string, string];
  if (maskHex.length !== MASK_BYTES * 2 || !HEX.test(maskHex) || !HEX.test(maskedHex)) return null;
  if (maskedHex === '' || !TIMESTAMP.test(timestamp)) return null;
  const token = applyMask(Buffer.from(maskHex, 'hex'), Buffer.from(maskedHex, 'hex'));
  return { version: 2, token, timestamp: Number(timestamp) };
}

/** Compares two raw tokens in constant time (for equal lengths); different lengths are unequal. */
export function xsrfTokensEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** XORs `data` with the 4-byte `mask` repeated (WebSocket masking), into a new buffer. */
function applyMask(mask: Buffer, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) ^ (mask[i & 3] as number);
  return out;
}
