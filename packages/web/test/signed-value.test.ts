// Signed values: Tornado's SignedValueTest, SecureCookieV1Test and SecureCookieV2Test (web_test.py),
// with their fixed vectors reproduced byte for byte through `clock`, plus hostile inputs.
// Vectors not in Tornado's tests were made with Python Tornado 6.2's create_signed_value.
// Not applicable: the ExpectLog checks (we do not log rejected cookies); the CookieTestRequestHandler
// stub (the handler-level variants are in signed-cookies.test.ts).

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSignedValue, decodeSignedValue, getSignatureKeyVersion } from '../src/signed-value';

const SECRET = "It's a secret to everybody";
const SECRET_DICT = { 0: 'asdfbasdf', 1: '12312312', 2: '2342342' };
const KEY_VERSIONS = { 0: 'ajklasdf0ojaisdf', 1: 'aslkjasaolwkjsdf' };
const present = () => 1_300_000_000;
const past = () => present() - 86_400 * 32;
const SIGNATURE = '3d4e60b996ff9c5d5788e333a0cba6f238a22c6c0f94788870e1a9ecd482e152';
const KNOWN_V1 = 'dmFsdWU=|1300000000|31c934969f53e48164c50768b40cbd7e2daaaa4f';
const KNOWN_V2 = `2|1:0|10:1300000000|3:key|8:dmFsdWU=|${SIGNATURE}`;

/** Signs by hand, to reach the checks that come after the signature with hostile fields. */
const signV1 = (secret: string, name: string, encoded: string, timestamp: string) =>
  createHmac('sha1', secret).update(name + encoded + timestamp).digest('hex');
const signV2 = (secret: string, prefix: string) => prefix + createHmac('sha256', secret).update(prefix).digest('hex');
const decode = (name: string, value: string | null | undefined, options = {}) =>
  decodeSignedValue(SECRET, name, value, { clock: present, ...options });

describe('SignedValueTest', () => {
  it('reproduces the known v1 and v2 values and decodes them (test_known_values)', () => {
    expect(createSignedValue(SECRET, 'key', 'value', { version: 1, clock: present })).toBe(KNOWN_V1);
    expect(createSignedValue(SECRET, 'key', 'value', { version: 2, clock: present })).toBe(KNOWN_V2);
    expect(createSignedValue(SECRET, 'key', 'value', { clock: present })).toBe(KNOWN_V2);
    expect(decode('key', KNOWN_V1, { minVersion: 1 })?.toString()).toBe('value');
    expect(decode('key', KNOWN_V2, { minVersion: 2 })?.toString()).toBe('value');
  });

  it('matches more Python-made vectors (key versions, bytes, empty value, fractional clock)', () => {
    expect(createSignedValue(SECRET_DICT, 'key', Buffer.from([0xe9]), { keyVersion: 1, clock: present })).toBe(
      '2|1:1|10:1300000000|3:key|4:6Q==|75fed969da3a9a9d3f1a48f2e97dbc8a875c97fec091ae0b07c176494da223fc',
    );
    expect(createSignedValue(SECRET, 'key', '', { clock: present })).toBe(
      '2|1:0|10:1300000000|3:key|0:|6e95660506257587586edb4dbac28ab1c44d8163a37af507ec5c99232c6d4a87',
    );
    expect(createSignedValue(SECRET, 'a', 'x', { clock: () => 1_300_000_000.999 })).toBe(
      '2|1:0|10:1300000000|1:a|4:eA==|250dded2d11fc7ad611081b35d3cd662c1f63c199480573519548aba2bd208e7',
    );
    expect(decode('key', createSignedValue(SECRET, 'key', '', { clock: present }))).toEqual(Buffer.alloc(0));
  });

  it('rejects a value decoded under another name (test_name_swap)', () => {
    const signed1 = createSignedValue(SECRET, 'key1', 'value', { clock: present });
    const signed2 = createSignedValue(SECRET, 'key2', 'value', { clock: present });
    expect(decode('key2', signed1)).toBeNull();
    expect(decode('key1', signed2)).toBeNull();
  });

  it('does not accept a value signed for cookie "a" as cookie "ab" (3.2.1 prefix confusion)', () => {
    const signed = createSignedValue(SECRET, 'a', 'bvalue', { clock: present });
    expect(decode('ab', signed)).toBeNull();
    expect(decode('', signed)).toBeNull();
    expect(decode('a', signed)?.toString()).toBe('bvalue');
  });

  it('v1 has no separators in its MAC input, so bytes can shift from name to value; minVersion 2 refuses v1', () => {
    const signed = createSignedValue(SECRET, 'a', 'abc', { version: 1, clock: present });
    const [encoded, timestamp, signature] = signed.split('|') as [string, string, string];
    expect(encoded).toBe('YWJj');
    // 'aY' + 'WJj' is the same MAC input as 'a' + 'YWJj': the signature matches, base64 stops it.
    expect(signV1(SECRET, 'aY', 'WJj', timestamp)).toBe(signature);
    expect(decode('aY', `WJj|${timestamp}|${signature}`)).toBeNull();
    expect(decode('a', signed)?.toString()).toBe('abc');
    expect(decode('a', signed, { minVersion: 2 })).toBeNull();
  });

  it('rejects expired values (test_expired) and honours maxAgeDays', () => {
    const signed = createSignedValue(SECRET, 'key1', 'value', { clock: past });
    expect(decodeSignedValue(SECRET, 'key1', signed, { clock: past })?.toString()).toBe('value');
    expect(decodeSignedValue(SECRET, 'key1', signed, { clock: present })).toBeNull();
    expect(decodeSignedValue(SECRET, 'key1', signed, { clock: present, maxAgeDays: 33 })?.toString()).toBe('value');
    const oneDayOld = createSignedValue(SECRET, 'k', 'v', { clock: () => present() - 86_400 - 1 });
    expect(decode('k', oneDayOld, { maxAgeDays: 1 })).toBeNull();
    expect(decode('k', oneDayOld, { maxAgeDays: 1.5 })?.toString()).toBe('v');
    expect(decode('k', createSignedValue(SECRET, 'k', 'v', { clock: () => present() - 86_400 }), { maxAgeDays: 1 })?.toString()).toBe('v');
  });

  it('accepts a v2 timestamp in the future (as Tornado: the MAC separates it), v1 only up to 31 days ahead', () => {
    const future = () => present() + 365 * 86_400;
    expect(decode('k', createSignedValue(SECRET, 'k', 'v', { clock: future }))?.toString()).toBe('v');
    expect(decode('k', createSignedValue(SECRET, 'k', 'v', { version: 1, clock: future }))).toBeNull();
    const soon = () => present() + 30 * 86_400;
    expect(decode('k', createSignedValue(SECRET, 'k', 'v', { version: 1, clock: soon }))?.toString()).toBe('v');
  });

  it('rejects payload tampering (test_payload_tampering)', () => {
    const validate = (prefix: string) => decode('key', prefix + SIGNATURE)?.toString() === 'value';
    expect(validate('2|1:0|10:1300000000|3:key|8:dmFsdWU=|')).toBe(true);
    expect(validate('2|1:1|10:1300000000|3:key|8:dmFsdWU=|')).toBe(false); // key version changed
    expect(validate('2|1:0|10:130000000|3:key|8:dmFsdWU=|')).toBe(false); // field too short
    expect(validate('2|1:0|10:1300000000|3:keey|8:dmFsdWU=|')).toBe(false); // field too long
  });

  it('rejects signature tampering (test_signature_tampering)', () => {
    const prefix = '2|1:0|10:1300000000|3:key|8:dmFsdWU=|';
    const validate = (sig: string) => decode('key', prefix + sig)?.toString() === 'value';
    expect(validate(SIGNATURE)).toBe(true);
    expect(validate('0'.repeat(32))).toBe(false);
    expect(validate('4d4e60b996ff9c5d5788e333a0cba6f238a22c6c0f94788870e1a9ecd482e152')).toBe(false);
    expect(validate('3d4e60b996ff9c5d5788e333a0cba6f238a22c6c0f94788870e1a9ecd482e153')).toBe(false);
    expect(validate(SIGNATURE.slice(0, -1))).toBe(false);
    expect(validate(`${SIGNATURE}8`)).toBe(false);
    expect(validate(SIGNATURE.toUpperCase())).toBe(false);
    expect(validate('')).toBe(false);
    // Same byte length in latin1, different characters: still refused.
    expect(validate(SIGNATURE.slice(0, -1) + '\u0132')).toBe(false);
  });

  it('round-trips non-ASCII bytes and text (test_non_ascii)', () => {
    const value = Buffer.from([0xe9]);
    expect(decode('key', createSignedValue(SECRET, 'key', value, { clock: present }))).toEqual(value);
    const text = 'héllo wörld ✓';
    expect(decode('key', createSignedValue(SECRET, 'key', text, { clock: present }))?.toString('utf8')).toBe(text);
    const name = 'naïve name';
    expect(decode(name, createSignedValue(SECRET, name, 'v', { clock: present }))?.toString()).toBe('v');
  });

  it('reads and writes with the default and another key version, and refuses a dropped key', () => {
    const value = Buffer.from([0xe9]);
    for (const keyVersion of [0, 1]) {
      const signed = createSignedValue(SECRET_DICT, 'key', value, { clock: present, keyVersion });
      expect(decodeSignedValue(SECRET_DICT, 'key', signed, { clock: present })).toEqual(value);
    }
    const signed = createSignedValue(SECRET_DICT, 'key', value, { clock: present, keyVersion: 0 });
    const { 0: _dropped, ...newKeys } = SECRET_DICT;
    expect(decodeSignedValue(newKeys, 'key', signed, { clock: present })).toBeNull();
  });

  it('retrieves the key version (test_key_version_retrieval)', () => {
    const signed = createSignedValue(SECRET_DICT, 'key', 'v', { clock: present, keyVersion: 1 });
    expect(getSignatureKeyVersion(signed)).toBe(1);
    expect(getSignatureKeyVersion(KNOWN_V2)).toBe(0);
    expect(getSignatureKeyVersion(createSignedValue(SECRET, 'k', 'v', { keyVersion: 12 }))).toBe(12);
    expect(getSignatureKeyVersion(KNOWN_V1)).toBeNull();
    expect(getSignatureKeyVersion('2|x')).toBeNull();
    expect(getSignatureKeyVersion('2|1:a|10:1300000000|3:key|8:dmFsdWU=|s')).toBeNull();
    expect(getSignatureKeyVersion('3|1:0|10:1300000000|3:key|8:dmFsdWU=|s')).toBeNull();
    expect(getSignatureKeyVersion(42 as unknown as string)).toBeNull();
  });
});

describe('SecureCookieV1Test', () => {
  const secret = '0123456789';

  it('round-trips v1 (test_round_trip) and arbitrary bytes (test_arbitrary_bytes)', () => {
    const signed = createSignedValue(secret, 'foo', Buffer.from('bar'), { version: 1 });
    expect(decodeSignedValue(secret, 'foo', signed, { minVersion: 1 })?.toString()).toBe('bar');
    const bytes = createSignedValue(secret, 'foo', Buffer.from([0xe9]), { version: 1 });
    expect(decodeSignedValue(secret, 'foo', bytes, { minVersion: 1 })).toEqual(Buffer.from([0xe9]));
  });

  it('rejects digits moved from the payload to the timestamp (test_cookie_tampering_future_timestamp)', () => {
    // 'd76df8e7aefc' base64-encodes to '12345678'.
    const signed = createSignedValue(secret, 'foo', Buffer.from('d76df8e7aefc', 'hex'), { version: 1 });
    const match = /^12345678\|([0-9]+)\|([0-9a-f]+)$/.exec(signed);
    expect(match).not.toBeNull();
    const [, timestamp, signature] = match as unknown as [string, string, string];
    const tampered = `1234|5678${timestamp}|${signature}`;
    // The signature still matches (the v1 weakness), so only the future-timestamp check stops it.
    const clock = () => Number(timestamp);
    const sameSignature = createSignedValue(secret, 'foo', Buffer.from('d76df8', 'hex'), {
      version: 1,
      clock: () => Number(`5678${timestamp}`),
    });
    expect(sameSignature).toBe(tampered);
    expect(decodeSignedValue(secret, 'foo', tampered, { clock })).toBeNull();
    expect(decodeSignedValue(secret, 'foo', signed, { clock })?.toString('hex')).toBe('d76df8e7aefc');
  });

  it('rejects v1 timestamps with a leading zero or non-digits even when signed, and v1 under a record', () => {
    const zero = `0${present()}`;
    expect(decode('k', `dmFsdWU=|${zero}|${signV1(SECRET, 'k', 'dmFsdWU=', zero)}`)).toBeNull();
    const plus = `+${present()}`;
    expect(decode('k', `dmFsdWU=|${plus}|${signV1(SECRET, 'k', 'dmFsdWU=', plus)}`)).toBeNull();
    const ts = String(present());
    expect(decode('k', `dmFsdWU=|${ts}|${signV1(SECRET, 'k', 'dmFsdWU=', ts)}`)?.toString()).toBe('value');
    expect(decode('k', `dmFs!WU=|${ts}|${signV1(SECRET, 'k', 'dmFs!WU=', ts)}`)).toBeNull();
    expect(decodeSignedValue(SECRET_DICT, 'key', KNOWN_V1, { clock: present })).toBeNull();
    expect(decode('key', `${KNOWN_V1}|extra`)).toBeNull();
    expect(decode('key', KNOWN_V1.split('|').slice(0, 2).join('|'))).toBeNull();
  });
});

describe('SecureCookieV2Test', () => {
  it('round-trips v2 (test_round_trip)', () => {
    const signed = createSignedValue('0123456789', 'foo', Buffer.from('bar'), { version: 2 });
    expect(decodeSignedValue('0123456789', 'foo', signed, { minVersion: 2 })?.toString()).toBe('bar');
  });

  it('round-trips with key versions 0 and 1 (test_key_version_roundtrip[_differing_version])', () => {
    for (const keyVersion of [0, 1]) {
      const signed = createSignedValue(KEY_VERSIONS, 'foo', 'bar', { keyVersion });
      expect(decodeSignedValue(KEY_VERSIONS, 'foo', signed)?.toString()).toBe('bar');
    }
  });

  it('still reads old-key values after the key version moves on (test_key_version_increment_version)', () => {
    const signed = createSignedValue(KEY_VERSIONS, 'foo', 'bar', { keyVersion: 0 });
    expect(decodeSignedValue(KEY_VERSIONS, 'foo', signed)?.toString()).toBe('bar');
    expect(getSignatureKeyVersion(signed)).toBe(0);
  });

  it('refuses values whose key was removed (test_key_version_invalidate_version)', () => {
    const signed = createSignedValue(KEY_VERSIONS, 'foo', 'bar', { keyVersion: 0 });
    expect(decodeSignedValue({ 1: KEY_VERSIONS[1] }, 'foo', signed)).toBeNull();
  });

  it('a value signed with one key version does not verify under another key', () => {
    const signed = createSignedValue(KEY_VERSIONS, 'foo', 'bar', { keyVersion: 0, clock: present });
    const relabelled = signed.replace('2|1:0|', '2|1:1|');
    expect(decodeSignedValue(KEY_VERSIONS, 'foo', relabelled, { clock: present })).toBeNull();
  });
});

describe('decodeSignedValue: hostile and malformed input returns null without throwing', () => {
  const hostile: string[] = [
    '',
    '2',
    '2|',
    '2|1:0',
    '2|1:0|',
    '2|1:0|10:1300000000|3:key|8:dmFsdWU=',
    '2|1:0|10:1300000000|3:key|8:dmFsdWU=|',
    '2|1:0|10:1300000000|3:key|9:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key|99999999999999999999:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key|1e3:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key|-8:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key|+8:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key| 8:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key|8_:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key|:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key|8dmFsdWU=|' + SIGNATURE,
    '2|1:x|10:1300000000|3:key|8:dmFsdWU=|' + SIGNATURE,
    '2|0:|10:1300000000|3:key|8:dmFsdWU=|' + SIGNATURE,
    '2|1:0|0:|3:key|8:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:130000000x|3:key|8:dmFsdWU=|' + SIGNATURE,
    '2|1:0|10:1300000000|3:key|8:dmFsdWU=|' + SIGNATURE + '|',
    '2|1:0|10:1300000000|3:key|8:dmFsdWU=' + SIGNATURE,
    '02|1:0|10:1300000000|3:key|8:dmFsdWU=|' + SIGNATURE,
    '3|1:0|10:1300000000|3:key|8:dmFsdWU=|' + SIGNATURE,
    '999|x',
    '1000|x|y',
    '|||',
    '||',
    'a|b|c',
    '\0|\0|\0',
    '2|1:0|10:1300000000|3:kéy|8:dmFsdWU=|' + SIGNATURE,
    '\ud800',
    '2|'.repeat(10_000),
    `2|1:0|10:1300000000|3:key|${String(1e6)}:${'A'.repeat(1e6)}|${SIGNATURE}`,
  ];

  it.each(hostile.map((v) => [v.length > 60 ? `${v.slice(0, 60)}... (${v.length} chars)` : v, v]))(
    '%j',
    (_label, value) => {
      expect(decode('key', value)).toBeNull();
      expect(decodeSignedValue(SECRET_DICT, 'key', value, { clock: present })).toBeNull();
      expect(() => getSignatureKeyVersion(value)).not.toThrow();
    },
  );

  it('returns null for null, undefined and non-strings', () => {
    expect(decode('key', null)).toBeNull();
    expect(decode('key', undefined)).toBeNull();
    expect(decode('key', 12 as unknown as string)).toBeNull();
  });

  it('refuses correctly signed v2 values with a malformed base64 payload or timestamp', () => {
    expect(decode('key', signV2(SECRET, '2|1:0|10:1300000000|3:key|4:eA==|'))?.toString()).toBe('x');
    expect(decode('key', signV2(SECRET, '2|1:0|10:1300000000|3:key|4:e!==|'))).toBeNull();
    expect(decode('key', signV2(SECRET, '2|1:0|10:1300000000|3:key|3:eA=|'))).toBeNull();
    expect(decode('key', signV2(SECRET, '2|1:0|10:130000000x|3:key|4:eA==|'))).toBeNull();
    expect(decode('key', signV2(SECRET, '2|1:0|11:-1300000000|3:key|4:eA==|'))).toBeNull();
    expect(decode('key', signV2(SECRET, '2|1:0|0:|3:key|4:eA==|'))).toBeNull();
    expect(decode('key', signV2(SECRET, '2|1:x|10:1300000000|3:key|4:eA==|'))).toBeNull();
  });

  it('stays fast on long hostile input', () => {
    const long = `2|1:0|10:1300000000|3:key|${'9'.repeat(100_000)}`;
    const started = performance.now();
    for (let i = 0; i < 100; i++) decode('key', long);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('createSignedValue: misuse is an error', () => {
  it('requires keyVersion with a record, an existing key, v2 for records, and a known version', () => {
    expect(() => createSignedValue(SECRET_DICT, 'k', 'v')).toThrow(TypeError);
    expect(() => createSignedValue(SECRET_DICT, 'k', 'v', { keyVersion: 7 })).toThrow(RangeError);
    expect(() => createSignedValue(SECRET_DICT, 'k', 'v', { keyVersion: 0, version: 1 })).toThrow(TypeError);
    expect(() => createSignedValue(SECRET, 'k', 'v', { version: 3 as 2 })).toThrow(RangeError);
    expect(() => createSignedValue('', 'k', 'v')).toThrow(TypeError);
    expect(() => createSignedValue(SECRET, 'k', 'v', { keyVersion: -1 })).toThrow(RangeError);
    expect(() => createSignedValue(SECRET, 'k', 'v', { clock: () => Number.NaN })).toThrow(RangeError);
    expect(() => decodeSignedValue(SECRET, 'k', KNOWN_V2, { minVersion: 3 as 2 })).toThrow(RangeError);
  });

  it('uses the current time by default', () => {
    const signed = createSignedValue(SECRET, 'k', 'v');
    const timestamp = Number(/\|10:(\d+)\|/.exec(signed)?.[1]);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(decodeSignedValue(SECRET, 'k', signed)?.toString()).toBe('v');
  });
});
