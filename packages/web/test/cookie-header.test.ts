// formatSetCookie: Tornado's set_cookie output (Python's Morsel format, checked against Python 3.11's
// http.cookies byte for byte) and the attribute-injection rows of SECURITY-HISTORY.md
// (CVE-2026-35536, the 6.5.8 capitalized-kwargs variant, 6.6.0 max_age, Hono/Koa/undici notes).
// Handler-level CookieTest cases are in cookies.test.ts.
// Not applicable: Python's `str`/`bytes`/`unicode` argument variants (one string type here); the
// `comment`/`version` Morsel attributes (obsolete, not offered); Tornado's "falsy expires means none"
// (here only undefined/null mean none: 0 is the epoch).

import { describe, expect, it } from 'vitest';
import { CookieError, formatSetCookie, type CookieOptions } from '../src/cookie-header';

const HOSTILE_ATTRIBUTE_TEXT = [
  'x; Secure',
  'x;Domain=evil.com',
  'x\r\nSet-Cookie: a=b',
  'x\nX',
  'x\0',
  'x y',
  'x\ty',
  'x\x7f',
  'x\x1f',
  'é',
  'x,y; HttpOnly',
];

describe('formatSetCookie: the Set-Cookie value', () => {
  it('writes name=value and Path=/ by default (test_set_cookie)', () => {
    expect(formatSetCookie('str', 'asdf')).toBe('str=asdf; Path=/');
  });

  it('writes Domain and Path (test_set_cookie_domain)', () => {
    expect(formatSetCookie('unicode_args', 'blah', { domain: 'foo.com', path: '/foo' })).toBe(
      'unicode_args=blah; Domain=foo.com; Path=/foo',
    );
  });

  it('orders every attribute as Python http.cookies does', () => {
    const header = formatSetCookie('n', 'v', {
      domain: 'example.com',
      expires: Date.UTC(2026, 0, 1),
      path: '/p',
      maxAge: 10_000,
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      partitioned: true,
    });
    // Python 3.11's Morsel.OutputString for the same options (Partitioned is not in 3.11; 3.14 sorts it here).
    expect(header).toBe(
      'n=v; Domain=example.com; expires=Thu, 01 Jan 2026 00:00:00 GMT; HttpOnly; Max-Age=10; Partitioned; Path=/p; SameSite=Lax; Secure',
    );
  });

  it('quotes values outside the legal token characters like Python (test_cookie_special_char)', () => {
    expect(formatSetCookie('equals', 'a=b')).toBe('equals="a=b"; Path=/');
    expect(formatSetCookie('semicolon', 'a;b')).toBe('semicolon="a\\073b"; Path=/');
    expect(formatSetCookie('quote', 'a"b')).toBe('quote="a\\"b"; Path=/');
    expect(formatSetCookie('bs', 'a\\b')).toBe('bs="a\\\\b"; Path=/');
    expect(formatSetCookie('lat', 'h\u00e9llo')).toBe('lat="h\\351llo"; Path=/');
    expect(formatSetCookie('mix', '{a}[b](c)<d>@?/,')).toBe('mix="{a}[b](c)<d>@?/\\054"; Path=/');
    const signed = '2|1:0|10:1300000000|3:key|8:dmFsdWU=|3d4e60b996ff9c5d5788e333a0cba6f238a22c6c0f94788870e1a9ecd482e152';
    expect(formatSetCookie('sig', signed)).toBe(`sig="${signed}"; Path=/`);
    expect(formatSetCookie('legal', "A-z0-9!#$%&'*+-.^_`|~:")).toBe("legal=A-z0-9!#$%&'*+-.^_`|~:; Path=/");
  });

  it('writes an empty value quoted, as Python does for clear_cookie', () => {
    expect(formatSetCookie('foo', '')).toBe('foo=""; Path=/');
  });

  it('writes HttpOnly and Secure only when true (test_set_cookie_false_flags)', () => {
    expect(formatSetCookie('a', '1', { secure: true })).toBe('a=1; Path=/; Secure');
    expect(formatSetCookie('b', '1', { secure: false })).toBe('b=1; Path=/');
    expect(formatSetCookie('c', '1', { httpOnly: true })).toBe('c=1; HttpOnly; Path=/');
    expect(formatSetCookie('d', '1', { httpOnly: false, partitioned: false })).toBe('d=1; Path=/');
  });

  it('writes maxAge (ms) as whole seconds (test_set_cookie_max_age)', () => {
    expect(formatSetCookie('foo', 'bar', { maxAge: 10_000 })).toBe('foo=bar; Max-Age=10; Path=/');
    expect(formatSetCookie('foo', 'bar', { maxAge: 1_999 })).toBe('foo=bar; Max-Age=1; Path=/');
    expect(formatSetCookie('foo', 'bar', { maxAge: 0 })).toBe('foo=bar; Max-Age=0; Path=/');
    expect(formatSetCookie('foo', 'bar', { maxAge: -0 })).toBe('foo=bar; Max-Age=0; Path=/');
    expect(formatSetCookie('foo', 'bar', { maxAge: -1000 })).toBe('foo=bar; Max-Age=-1; Path=/');
  });

  it('writes expires from a Date or epoch ms as an HTTP date', () => {
    const when = Date.UTC(2013, 0, 27, 18, 43, 20, 999);
    expect(formatSetCookie('a', 'b', { expires: when })).toBe('a=b; expires=Sun, 27 Jan 2013 18:43:20 GMT; Path=/');
    expect(formatSetCookie('a', 'b', { expires: new Date(when) })).toBe(
      'a=b; expires=Sun, 27 Jan 2013 18:43:20 GMT; Path=/',
    );
    expect(formatSetCookie('a', 'b', { expires: 0 })).toBe('a=b; expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/');
  });

  it('writes expiresDays from now, and ignores it when expires is given (test_set_cookie_expires_days)', () => {
    const header = formatSetCookie('foo', 'bar', { expiresDays: 10 });
    const match = /^foo=bar; expires=(.+); Path=\/$/.exec(header);
    expect(match).not.toBeNull();
    const expires = Date.parse(match![1]!);
    expect(Math.abs(expires - (Date.now() + 10 * 86_400_000))).toBeLessThan(10_000);
    expect(formatSetCookie('a', 'b', { expires: 0, expiresDays: 10 })).toContain('expires=Thu, 01 Jan 1970');
    expect(formatSetCookie('a', 'b', { expiresDays: -365 })).toMatch(/expires=.* GMT; Path=\/$/);
  });

  it('writes no Path for an empty path, and no Domain for an empty domain', () => {
    expect(formatSetCookie('a', 'b', { path: '' })).toBe('a=b');
    expect(formatSetCookie('a', 'b', { domain: '' })).toBe('a=b; Path=/');
  });

  it('canonicalises sameSite whatever its letter case', () => {
    for (const [given, written] of [
      ['strict', 'Strict'],
      ['LAX', 'Lax'],
      ['none', 'None'],
      ['None', 'None'],
    ] as const) {
      expect(formatSetCookie('a', 'b', { sameSite: given as CookieOptions['sameSite'] })).toBe(
        `a=b; Path=/; SameSite=${written}`,
      );
    }
  });

  it('ignores options that are undefined', () => {
    expect(
      formatSetCookie('a', 'b', {
        domain: undefined,
        expires: undefined,
        maxAge: undefined,
        sameSite: undefined,
        httpOnly: undefined,
        version: undefined,
      } as CookieOptions),
    ).toBe('a=b; Path=/');
  });
});

describe('formatSetCookie: hostile names and values', () => {
  it.each(['', 'a b', 'a;b', 'a=b', 'a,b', 'a"b', 'a\\b', 'a\tb', 'a\r\nb', 'a\0', 'a\x7f', 'é', '(a)', 'a/b', 'a@b'])(
    'rejects the name %j',
    (name) => {
      expect(() => formatSetCookie(name, 'v')).toThrow(CookieError);
    },
  );

  it.each(['expires', 'Path', 'DOMAIN', 'max-age', 'Secure', 'httponly', 'SameSite', 'comment', 'version', 'Partitioned'])(
    'rejects the attribute name %j as a cookie name (Python Morsel: reserved key)',
    (name) => {
      expect(() => formatSetCookie(name, 'v')).toThrow(/reserved/);
    },
  );

  it.each(['a b', 'a\tb', 'a\r\nSet-Cookie: x=y', 'a\nb', 'a\rb', 'a\0b', 'a\x01', 'a\x1f', 'a\x7f', 'a\u0100', '日本', 'a\u2028'])(
    'rejects control characters, spaces and non-latin1 text in the value %j',
    (value) => {
      expect(() => formatSetCookie('n', value)).toThrow(CookieError);
    },
  );

  it('rejects names and values that are not strings (untyped callers)', () => {
    expect(() => formatSetCookie(1 as unknown as string, 'v')).toThrow(CookieError);
    expect(() => formatSetCookie('n', { toString: () => 'x; Secure' } as unknown as string)).toThrow(CookieError);
    expect(() => formatSetCookie('n', 'v', 'path=/' as unknown as CookieOptions)).toThrow(CookieError);
  });

  it('has a stable name and code', () => {
    const error = new CookieError('x');
    expect(error.name).toBe('CookieError');
    expect(error.code).toBe('TORNADO_ERR_COOKIE');
    expect(error).toBeInstanceOf(Error);
  });
});

describe('formatSetCookie: attribute injection (CVE-2026-35536 and its variants)', () => {
  it.each(HOSTILE_ATTRIBUTE_TEXT)('rejects the domain %j', (domain) => {
    expect(() => formatSetCookie('a', 'b', { domain })).toThrow(CookieError);
  });

  it.each([...HOSTILE_ATTRIBUTE_TEXT.filter((t) => t !== 'x,y; HttpOnly'), '/a;b', '/a b', '/\u00e9'])(
    'rejects the path %j',
    (path) => {
      expect(() => formatSetCookie('a', 'b', { path })).toThrow(CookieError);
    },
  );

  it('accepts ordinary domains and paths', () => {
    expect(formatSetCookie('a', 'b', { domain: '.sub-1.example_x.com', path: '/a/b-c/%20/~x,y' })).toBe(
      'a=b; Domain=.sub-1.example_x.com; Path=/a/b-c/%20/~x,y',
    );
  });

  it.each(['Lax; Secure', 'lax\r\n', 'Strict ', '', 'strictly', 'No ne', 'None; Domain=x', 'Lax\0'])(
    'rejects the sameSite %j (Hono CVE-2026-47675)',
    (sameSite) => {
      expect(() => formatSetCookie('a', 'b', { sameSite: sameSite as CookieOptions['sameSite'] })).toThrow(CookieError);
    },
  );

  it.each([
    ['maxAge', '1; Domain=x'],
    ['maxAge', '10'],
    ['maxAge', Number.NaN],
    ['maxAge', Number.POSITIVE_INFINITY],
    ['maxAge', 1e300],
    ['maxAge', 10n],
    ['maxAge', { valueOf: (): number => 10 }],
    ['expires', 'Thu, 01 Jan 2026 00:00:00 GMT; Domain=x'],
    ['expires', Number.NaN],
    ['expires', new Date(Number.NaN)],
    ['expires', 1e300],
    ['expires', Number.NEGATIVE_INFINITY],
    ['expiresDays', '1; Secure'],
    ['expiresDays', Number.NaN],
    ['expiresDays', 1e15],
    ['httpOnly', 'yes; Domain=x'],
    ['httpOnly', 1],
    ['secure', 'true'],
    ['partitioned', {}],
    ['domain', 42],
    ['domain', ['x; Secure']],
    ['path', 42],
    ['sameSite', 1],
  ] as const)('rejects %s = %o (6.6.0 max_age row, every option validated)', (key, value) => {
    expect(() => formatSetCookie('a', 'b', { [key]: value } as unknown as CookieOptions)).toThrow(CookieError);
  });

  it.each([
    ['Domain', 'x; Secure'],
    ['SameSite', 'Lax'],
    ['Path', '/'],
    ['max_age', 10],
    ['max-age', 10],
    ['httponly', true],
    ['expires_days', 1],
    ['priority', 'High; Domain=x'],
    ['comment', 'x'],
    ['version', 1],
  ])('rejects the unknown option %j (6.5.8 capitalized kwargs; priority as in Hono)', (key, value) => {
    expect(() => formatSetCookie('a', 'b', { [key]: value } as unknown as CookieOptions)).toThrow(
      /unknown cookie option/,
    );
  });

  it('never lets an error message carry an unbounded attacker string', () => {
    try {
      formatSetCookie('a', 'b', { domain: `${'x'.repeat(10_000)}; Secure` });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });
});
