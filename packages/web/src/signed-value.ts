// Tornado's signed values, byte-compatible with Python Tornado for the same secret:
//   v1: `<base64 value>|<timestamp>|<hex HMAC-SHA1(name + base64 value + timestamp)>` (legacy; its
//       unseparated MAC input lets one name's value pass for another's, hence v2)
//   v2: `2|<len>:<key version>|<len>:<timestamp>|<len>:<name>|<len>:<base64 value>|<hex HMAC-SHA256
//       of everything before it>`; lengths are decimal byte counts, timestamps seconds since epoch.
// Decoding never throws on hostile input: anything malformed, tampered or expired is `null`.

import { createHmac, timingSafeEqual } from 'node:crypto';

/** A cookie secret: one string, or secrets by key version (`keyVersion` picks the one to sign with). */
export type CookieSecret = string | Readonly<Record<number, string>>;

/** Options of {@link createSignedValue}. */
export interface CreateSignedValueOptions {
  /** Format version, 2 by default (1 only for old readers). */
  version?: 1 | 2;
  /** Which secret of a record to sign with (required for a record); written into v2 values. */
  keyVersion?: number;
  /** Seconds since the epoch; `Date.now() / 1000` by default. */
  clock?: () => number;
}

/** Options of {@link decodeSignedValue}. */
export interface DecodeSignedValueOptions {
  /** Values signed longer ago than this are rejected; 31 by default. */
  maxAgeDays?: number;
  /** Seconds since the epoch; `Date.now() / 1000` by default. */
  clock?: () => number;
  /** The oldest format accepted: 1 by default (as Tornado), 2 to refuse legacy v1 values. */
  minVersion?: 1 | 2;
}

const DAY_SECONDS = 86_400;
/** v1 values more than this far in the future are tampered: digits moved from value to timestamp. */
const V1_MAX_FUTURE_SECONDS = 31 * DAY_SECONDS;
/** A version prefix: decimal, no leading zero, at most 999 (longer digit runs are v1 base64). */
const VERSION_PREFIX = /^([1-9][0-9]{0,2})\|/;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DIGITS = /^[0-9]{1,15}$/;
const COLON = 0x3a;
const PIPE = 0x7c;

const systemClock = (): number => Date.now() / 1000;

/**
 * Signs and timestamps `value` for `name` so it cannot be forged or moved to another name (v2).
 * @throws {TypeError} for an empty secret, a record secret without `keyVersion`, or v1 with a record.
 * @throws {RangeError} for an unknown version, a key version missing from the record, or a bad clock.
 */
export function createSignedValue(
  secret: CookieSecret,
  name: string,
  value: string | Buffer,
  options: CreateSignedValueOptions = {},
): string {
  const version = options.version ?? 2;
  const seconds = Math.trunc((options.clock ?? systemClock)());
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`invalid clock value ${seconds}`);
  const timestamp = String(seconds);
  const encoded = (typeof value === 'string' ? Buffer.from(value, 'utf8') : value).toString('base64');
  if (version === 1) {
    if (typeof secret !== 'string') throw new TypeError('v1 signed values cannot use a record of secrets');
    return `${encoded}|${timestamp}|${signV1(checkedSecret(secret), name, encoded, timestamp)}`;
  }
  if (version !== 2) throw new RangeError(`unsupported signed value version ${String(version)}`);
  let keyVersion = options.keyVersion ?? 0;
  let key: string;
  if (typeof secret === 'string') {
    key = checkedSecret(secret);
  } else {
    if (options.keyVersion === undefined) throw new TypeError('keyVersion is required with a record of secrets');
    keyVersion = options.keyVersion;
    const found = secretForKeyVersion(secret, keyVersion);
    if (found === null) throw new RangeError(`no cookie secret for key version ${keyVersion}`);
    key = checkedSecret(found);
  }
  if (!Number.isSafeInteger(keyVersion) || keyVersion < 0) throw new RangeError(`invalid key version ${keyVersion}`);
  const signed =
    `2|${lengthPrefixed(String(keyVersion))}|${lengthPrefixed(timestamp)}|` +
    `${lengthPrefixed(name)}|${lengthPrefixed(encoded)}|`;
  return signed + createHmac('sha256', key).update(signed, 'utf8').digest('hex');
}

/**
 * Verifies a signed value made for `name` and returns its bytes, or null when it is missing,
 * malformed, tampered, signed for another name, expired, or older than `minVersion`.
 * @throws {RangeError} only for an unsupported `minVersion`.
 */
export function decodeSignedValue(
  secret: CookieSecret,
  name: string,
  value: string | null | undefined,
  options: DecodeSignedValueOptions = {},
): Buffer | null {
  const minVersion = options.minVersion ?? 1;
  if (minVersion !== 1 && minVersion !== 2) throw new RangeError(`unsupported minVersion ${String(minVersion)}`);
  if (typeof value !== 'string' || value === '') return null;
  const version = signedValueVersion(value);
  if (version < minVersion) return null;
  const now = (options.clock ?? systemClock)();
  const oldest = now - (options.maxAgeDays ?? 31) * DAY_SECONDS;
  if (version === 1) return typeof secret === 'string' ? decodeV1(secret, name, value, oldest, now) : null;
  if (version === 2) return decodeV2(secret, name, value, oldest);
  return null;
}

/** The key version recorded in a v2 signed value, or null for v1 or malformed values. */
export function getSignatureKeyVersion(value: string): number | null {
  if (typeof value !== 'string' || signedValueVersion(value) !== 2) return null;
  const fields = parseV2Fields(Buffer.from(value, 'utf8'));
  return fields === null ? null : fields.keyVersion;
}

/** The format version of a signed value; v1 values carry none (they start with base64 text). */
function signedValueVersion(value: string): number {
  const match = VERSION_PREFIX.exec(value);
  return match === null ? 1 : Number(match[1]);
}

function decodeV1(secret: string, name: string, value: string, oldest: number, now: number): Buffer | null {
  if (secret === '') return null;
  const parts = value.split('|', 4);
  if (parts.length !== 3) return null;
  const [encoded, timestamp, signature] = parts as [string, string, string];
  if (!digestsEqual(Buffer.from(signature, 'utf8'), signV1(secret, name, encoded, timestamp))) return null;
  if (!DIGITS.test(timestamp) || timestamp.startsWith('0')) return null;
  const seconds = Number(timestamp);
  if (seconds < oldest || seconds > now + V1_MAX_FUTURE_SECONDS) return null;
  return decodeBase64(encoded);
}

interface V2Fields {
  keyVersion: number;
  timestamp: number;
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
  /** Where the signature starts: everything before it is what was signed. */
  signatureStart: number;
}

function decodeV2(secret: CookieSecret, name: string, value: string, oldest: number): Buffer | null {
  const raw = Buffer.from(value, 'utf8');
  const fields = parseV2Fields(raw);
  if (fields === null) return null;
  const key = typeof secret === 'string' ? secret : secretForKeyVersion(secret, fields.keyVersion);
  if (typeof key !== 'string' || key === '') return null;
  const expected = createHmac('sha256', key).update(raw.subarray(0, fields.signatureStart)).digest('hex');
  if (!digestsEqual(raw.subarray(fields.signatureStart), expected)) return null;
  if (!raw.subarray(fields.nameStart, fields.nameEnd).equals(Buffer.from(name, 'utf8'))) return null;
  if (fields.timestamp < oldest) return null;
  return decodeBase64(raw.toString('latin1', fields.valueStart, fields.valueEnd));
}

/** Splits `2|n:kv|n:ts|n:name|n:value|sig`; null if any length, digit or separator is wrong. */
function parseV2Fields(raw: Buffer): V2Fields | null {
  const keyVersionEnd = fieldEnd(raw, 2);
  if (keyVersionEnd < 0) return null;
  const timestampEnd = fieldEnd(raw, keyVersionEnd + 1);
  if (timestampEnd < 0) return null;
  const nameEnd = fieldEnd(raw, timestampEnd + 1);
  if (nameEnd < 0) return null;
  const valueEnd = fieldEnd(raw, nameEnd + 1);
  if (valueEnd < 0) return null;
  const keyVersion = parseDigits(raw, fieldStart(raw, 2), keyVersionEnd);
  const timestamp = parseDigits(raw, fieldStart(raw, keyVersionEnd + 1), timestampEnd);
  if (keyVersion === null || timestamp === null) return null;
  return {
    keyVersion,
    timestamp,
    nameStart: fieldStart(raw, timestampEnd + 1),
    nameEnd,
    valueStart: fieldStart(raw, nameEnd + 1),
    valueEnd,
    signatureStart: valueEnd + 1,
  };
}

/** For a field `<len>:<bytes>|` at `pos`, the index of its closing `|`, or -1 if malformed. */
function fieldEnd(raw: Buffer, pos: number): number {
  const colon = raw.indexOf(COLON, pos);
  if (colon < 0) return -1;
  const length = parseDigits(raw, pos, colon);
  if (length === null) return -1;
  const end = colon + 1 + length;
  return end < raw.length && raw[end] === PIPE ? end : -1;
}

/** The first byte of the field `<len>:<bytes>|` at `pos` (already validated by `fieldEnd`). */
function fieldStart(raw: Buffer, pos: number): number {
  return raw.indexOf(COLON, pos) + 1;
}

/** Decimal digits only (no sign, space or `_`, unlike Python's `int`), at most 15 of them. */
function parseDigits(raw: Buffer, start: number, end: number): number | null {
  if (end <= start || end - start > 15) return null;
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = (raw[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return null;
    n = n * 10 + digit;
  }
  return n;
}

function secretForKeyVersion(secrets: Readonly<Record<number, string>>, keyVersion: number): string | null {
  if (typeof secrets !== 'object' || secrets === null || !Object.hasOwn(secrets, keyVersion)) return null;
  const secret = secrets[keyVersion];
  return typeof secret === 'string' ? secret : null;
}

function signV1(secret: string, name: string, encoded: string, timestamp: string): string {
  return createHmac('sha1', secret).update(name, 'utf8').update(encoded, 'utf8').update(timestamp, 'utf8').digest('hex');
}

function lengthPrefixed(field: string): string {
  return `${Buffer.byteLength(field, 'utf8')}:${field}`;
}

function checkedSecret(secret: string): string {
  if (typeof secret !== 'string' || secret === '') throw new TypeError('the cookie secret must be a non-empty string');
  return secret;
}

/** Compares received signature bytes with the expected hex digest in constant time (for equal lengths). */
function digestsEqual(received: Buffer, expectedHex: string): boolean {
  if (received.length !== expectedHex.length) return false;
  return timingSafeEqual(received, Buffer.from(expectedHex, 'latin1'));
}

function decodeBase64(text: string): Buffer | null {
  return STRICT_BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}
