import { isIP } from 'node:net';
import { isValidIp, parseHostHeader } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

describe('isValidIp', () => {
  it.each(['127.0.0.1', '4.4.4.4', '::1', '2620:0:1cfe:face:b00c::3', '::ffff:1.2.3.4'])('accepts %s', (ip) => {
    expect(isValidIp(ip)).toBe(true);
  });

  it.each(['', 'www.google.com', 'localhost', '4.4.4.4<', ' 127.0.0.1', '127.0.0.1 ', '127.0.0.1\x00', '::1\n',
    '\t::1', '[::1]', '1.2.3', '256.1.1.1', '127.0.0.1\u00a0'])('rejects %j', (ip) => {
    expect(isValidIp(ip)).toBe(false);
  });
});

describe('parseHostHeader', () => {
  it.each([
    ['example.com', 'example.com'],
    ['Example.COM:8080', 'example.com'],
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]', '[::1]'],
    ['[::1]:8888', '[::1]'],
    ['[2001:DB8::1]:443', '[2001:db8::1]'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['a_b~c!$&\'()*+;=%41.x', "a_b~c!$&'()*+;=%41.x"],
    ['host:', 'host'],
    ['', ''],
  ])('accepts %j', (value, name) => {
    expect(parseHostHeader(value)).toBe(name);
  });

  it.each([
    'a,b', 'example.com, evil.com', 'exa mple.com', ' example.com', 'example.com ', 'example.com\t',
    'ex\x00ample', 'ex\x7fample', 'user@example.com', 'example.com/path', 'example.com:80x', 'example.com:80:81',
    '[::1', '[::1]x', '[::1]:80:1', '[1.2.3.4]', '[not-ip]', '[fe80::1%eth0]', 'caf\u00e9.com', 'a%zz', 'a%4',
    'example.com:-1', 'a"b', 'a<b', 'a\\b', 'a[b]',
  ])('rejects %j', (value) => {
    expect(parseHostHeader(value)).toBeNull();
  });
});

describe('parseHostHeader agrees with the grammar as regular expressions', () => {
  // The expressions the char-by-char parser replaced.
  const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+;=]|%[0-9A-Fa-f]{2})*$/;
  const PORT = /^[0-9]*$/;
  function reference(value: string): string | null {
    if (value.startsWith('[')) {
      const close = value.indexOf(']');
      if (close === -1 || isIP(value.slice(1, close)) !== 6 || value.slice(1, close).includes('%')) return null;
      const rest = value.slice(close + 1);
      if (rest !== '' && (rest[0] !== ':' || !PORT.test(rest.slice(1)))) return null;
      return value.slice(0, close + 1).toLowerCase();
    }
    const colon = value.indexOf(':');
    const name = colon === -1 ? value : value.slice(0, colon);
    const rest = colon === -1 ? '' : value.slice(colon);
    if (!REG_NAME.test(name)) return null;
    if (rest !== '' && !PORT.test(rest.slice(1))) return null;
    return name.toLowerCase();
  }

  it('on random values', () => {
    const alphabet = ['a', 'Z', '0', '9', '.', '-', '_', '~', '!', '=', '%', '%4', '%4f', '%g0', ':', ':80', ',', ' ', '/', '@', '[', ']', '::1', '\u00e9', 'x'];
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    for (let round = 0; round < 20_000; round++) {
      let value = '';
      for (let i = random(8); i > 0; i--) value += alphabet[random(alphabet.length)];
      expect(parseHostHeader(value), JSON.stringify(value)).toBe(reference(value));
    }
  });
});
