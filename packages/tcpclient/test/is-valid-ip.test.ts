import { describe, expect, it } from 'vitest';
import { isValidIp } from '@tornado-ts/tcpclient';

describe('isValidIp', () => {
  it.each(['127.0.0.1', '4.4.4.4', '0.0.0.0', '255.255.255.255', '::1', '::', '2620:0:1cfe:face:b00c::3', '::ffff:127.0.0.1', 'fe80::1%lo'])(
    'accepts the address %j',
    (value) => {
      expect(isValidIp(value)).toBe(true);
    },
  );

  it.each(['www.google.com', 'localhost', 'tornado.test', '4.4.4.4<', '256.1.1.1', '1.2.3', '[::1]', '::1:80:x'])('rejects the non-address %j', (value) => {
    expect(isValidIp(value)).toBe(false);
  });

  it.each(['', ' ', '\n', '\t', '\0', ' 127.0.0.1', '127.0.0.1 ', '127.0.0.1\n', '127.0.0.1\0', '::1\0', '\u00a0::1'])(
    'rejects empty strings and white space or NUL around an address: %j',
    (value) => {
      expect(isValidIp(value)).toBe(false);
    },
  );

  it('rejects long strings without trying to resolve them', () => {
    expect(isValidIp('a'.repeat(100))).toBe(false);
    expect(isValidIp('1'.repeat(1000))).toBe(false);
  });

  it('rejects the shorthand IPv4 forms that inet_aton would take, as forwarded addresses never use them', () => {
    expect(isValidIp('127.1')).toBe(false);
    expect(isValidIp('2130706433')).toBe(false);
    expect(isValidIp('0x7f.0.0.1')).toBe(false);
  });

  it('rejects values that are not strings, for callers without types', () => {
    expect(isValidIp(undefined as unknown as string)).toBe(false);
    expect(isValidIp(2130706433 as unknown as string)).toBe(false);
  });
});
