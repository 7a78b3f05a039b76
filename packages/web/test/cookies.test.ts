// Cookies through real servers: Tornado's CookieTest and ClearAllCookiesTest (web_test.py), attribute
// injection through setCookie (CVE-2026-35536 and follow-ups), and the 4.4.2 cookie-parsing
// differential cases read through a handler's getCookie (the parser is httputil's parseCookie).
// Not applicable: CookieTest's str/unicode/bytes variants collapse to one (JS has one string type,
// so the three calls differ only in name); the quadratic-parsing timing case (CVE-2024-52804) is
// covered by httputil's parseCookie tests, below the handler.

import { appLog, expectLog } from '@tornado-ts/ioloop';
import { afterEach, describe, expect, it } from 'vitest';
import { Application } from '../src/application';
import { CookieError, type CookieOptions } from '../src/cookie-header';
import { RequestHandler } from '../src/request-handler';
import { closeAll, parseRawResponse, rawExchange, startServer, type TestServer } from './helpers';

afterEach(closeAll);

class SetCookieHandler extends RequestHandler {
  get(): void {
    this.setCookie('str', 'asdf');
    this.setCookie('unicode', 'qwer');
    this.setCookie('bytes', 'zxcv');
  }
}

class GetCookieHandler extends RequestHandler {
  get(): void {
    const name = this.getArgument('name', 'foo') as string;
    this.write(this.getCookie(name, 'default') ?? 'undefined');
  }
}

class SetCookieDomainHandler extends RequestHandler {
  get(): void {
    this.setCookie('unicode_args', 'blah', { domain: 'foo.com', path: '/foo' });
  }
}

class SetCookieSpecialCharHandler extends RequestHandler {
  get(): void {
    this.setCookie('equals', 'a=b');
    this.setCookie('semicolon', 'a;b');
    this.setCookie('quote', 'a"b');
  }
}

class SetCookieOverwriteHandler extends RequestHandler {
  get(): void {
    this.setCookie('a', 'b', { domain: 'example.com' });
    this.setCookie('c', 'd', { domain: 'example.com' });
    // A second call with the same name replaces the first, attributes and all.
    this.setCookie('a', 'e');
  }
}

class SetCookieMaxAgeHandler extends RequestHandler {
  get(): void {
    this.setCookie('foo', 'bar', { maxAge: 10_000 });
  }
}

class SetCookieExpiresDaysHandler extends RequestHandler {
  get(): void {
    this.setCookie('foo', 'bar', { expiresDays: 10 });
  }
}

class SetCookieFalsyFlagsHandler extends RequestHandler {
  get(): void {
    this.setCookie('a', '1', { secure: true });
    this.setCookie('b', '1', { secure: false });
    this.setCookie('c', '1', { httpOnly: true });
    this.setCookie('d', '1', { httpOnly: false });
  }
}

class ClearAllCookiesHandler extends RequestHandler {
  get(): void {
    this.clearAllCookies();
    this.write('ok');
  }
}

class ClearCookieHandler extends RequestHandler {
  get(): void {
    this.clearCookie('foo', { path: '/p', domain: 'example.com' });
    this.write('ok');
  }
}

/** Sets a cookie with options taken from the JSON `options` argument, to feed hostile values through. */
class HostileCookieHandler extends RequestHandler {
  get(): void {
    const options = JSON.parse(this.getArgument('options', '{}') as string) as CookieOptions;
    try {
      this.setCookie(this.getArgument('name', 'n') as string, this.getArgument('value', 'v') as string, options);
      this.write('accepted');
    } catch (error) {
      this.write(error instanceof CookieError ? 'CookieError' : `other: ${String(error)}`);
    }
  }
}

class UncaughtCookieErrorHandler extends RequestHandler {
  get(): void {
    this.setCookie('a', 'b', { domain: 'x; Secure' });
  }
}

async function start(): Promise<TestServer> {
  const app = new Application([
    ['/set', SetCookieHandler],
    ['/get', GetCookieHandler],
    ['/set_domain', SetCookieDomainHandler],
    ['/special_char', SetCookieSpecialCharHandler],
    ['/set_overwrite', SetCookieOverwriteHandler],
    ['/set_max_age', SetCookieMaxAgeHandler],
    ['/set_expires_days', SetCookieExpiresDaysHandler],
    ['/set_falsy_flags', SetCookieFalsyFlagsHandler],
    ['/clear_all', ClearAllCookiesHandler],
    ['/clear', ClearCookieHandler],
    ['/hostile', HostileCookieHandler],
    ['/uncaught', UncaughtCookieErrorHandler],
  ]);
  return startServer(app);
}

async function setCookies(server: TestServer, path: string, cookie?: string): Promise<string[]> {
  const response = await server.fetch(path, cookie === undefined ? {} : { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return response.headers.getSetCookie();
}

async function readCookie(server: TestServer, cookieHeader: string, name = 'foo'): Promise<string> {
  const response = await server.fetch(`/get?name=${encodeURIComponent(name)}`, { headers: { Cookie: cookieHeader } });
  expect(response.status).toBe(200);
  return response.text();
}

describe('CookieTest', () => {
  it('sets plain cookies with Path=/ (test_set_cookie)', async () => {
    const server = await start();
    expect((await setCookies(server, '/set')).sort()).toEqual([
      'bytes=zxcv; Path=/',
      'str=asdf; Path=/',
      'unicode=qwer; Path=/',
    ]);
  });

  it('reads cookies, unquoting quoted values, with a default (test_get_cookie)', async () => {
    const server = await start();
    expect(await readCookie(server, 'foo=bar')).toBe('bar');
    expect(await readCookie(server, 'foo="bar"')).toBe('bar');
    expect(await readCookie(server, '/=exception;')).toBe('default');
  });

  it('sets Domain and Path (test_set_cookie_domain)', async () => {
    const server = await start();
    expect(await setCookies(server, '/set_domain')).toEqual(['unicode_args=blah; Domain=foo.com; Path=/foo']);
  });

  it('quotes special characters on output and reads them back as Tornado does (test_cookie_special_char)', async () => {
    const server = await start();
    expect((await setCookies(server, '/special_char')).sort()).toEqual([
      'equals="a=b"; Path=/',
      'quote="a\\"b"; Path=/',
      'semicolon="a\\073b"; Path=/',
    ]);
    const cases: [string, string][] = [
      ['foo=a=b', 'a=b'],
      ['foo="a=b"', 'a=b'],
      ['foo="a;b"', '"a'], // even quoted, ";" is a delimiter
      ['foo=a\\073b', 'a\\073b'], // escapes are decoded only inside quotes
      ['foo="a\\073b"', 'a;b'],
      ['foo="a\\"b"', 'a"b'],
    ];
    for (const [header, expected] of cases) expect(await readCookie(server, header)).toBe(expected);
  });

  it('replaces an earlier cookie of the same name, attributes included (test_set_cookie_overwrite)', async () => {
    const server = await start();
    expect((await setCookies(server, '/set_overwrite')).sort()).toEqual([
      'a=e; Path=/',
      'c=d; Domain=example.com; Path=/',
    ]);
  });

  it('writes Max-Age in seconds (test_set_cookie_max_age)', async () => {
    const server = await start();
    expect(await setCookies(server, '/set_max_age')).toEqual(['foo=bar; Max-Age=10; Path=/']);
  });

  it('writes expires from expiresDays (test_set_cookie_expires_days)', async () => {
    const server = await start();
    const [header] = await setCookies(server, '/set_expires_days');
    const match = /^foo=bar; expires=(.+); Path=\/$/.exec(header ?? '');
    expect(match).not.toBeNull();
    expect(Math.abs(Date.parse(match![1]!) - (Date.now() + 10 * 86_400_000))).toBeLessThan(10_000);
  });

  it('writes Secure and HttpOnly only when true (test_set_cookie_false_flags)', async () => {
    const server = await start();
    expect((await setCookies(server, '/set_falsy_flags')).sort()).toEqual([
      'a=1; Path=/; Secure',
      'b=1; Path=/',
      'c=1; HttpOnly; Path=/',
      'd=1; Path=/',
    ]);
  });
});

describe('clearing cookies', () => {
  it('clears every cookie the request sent (ClearAllCookiesTest)', async () => {
    const server = await start();
    const headers = (await setCookies(server, '/clear_all', 'foo=bar; baz=xyzzy')).sort();
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatch(/^baz="";/);
    expect(headers[1]).toMatch(/^foo="";/);
    for (const header of headers) {
      const expires = /expires=([^;]+)/.exec(header)?.[1];
      expect(expires).toBeDefined();
      expect(Date.parse(expires!)).toBeLessThan(Date.now());
      expect(header).toContain('Path=/');
    }
  });

  it('clears with the given path and domain', async () => {
    const server = await start();
    const [header] = await setCookies(server, '/clear');
    expect(header).toMatch(/^foo=""; Domain=example\.com; expires=[^;]+ GMT;.* Path=\/p/);
  });
});

describe('pendingSetCookies', () => {
  it('gives the Set-Cookie values byte for byte as the response sends them, until the headers go out', async () => {
    const seen: Record<string, string[]> = {};
    class PendingHandler extends RequestHandler {
      async get(): Promise<void> {
        seen.none = this.pendingSetCookies();
        this.setCookie('a', 'b', { domain: 'example.com', path: '/p', httpOnly: true, sameSite: 'Lax', expires: new Date(Date.UTC(2031, 0, 2, 3, 4, 5)) });
        this.setCookie('c', 'd', { secure: true, maxAge: 60_000 });
        this.setCookie('a', 'e'); // replaces the first, keeping its place
        this.clearCookie('gone');
        seen.set = this.pendingSetCookies();
        seen.set.push('x=y'); // a copy: the response is unchanged
        seen.set.pop();
        this.write('ok');
        await this.flush();
        seen.flushed = this.pendingSetCookies();
      }
    }
    const { port } = await startServer(new Application([['/pending', PendingHandler]]));
    const response = parseRawResponse(await rawExchange(port, 'GET /pending HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'));
    expect(response.status).toBe(200);
    expect(seen.none).toEqual([]);
    expect(seen.set).toHaveLength(3);
    expect(seen.set[0]).toBe('a=e; Path=/');
    expect(seen.set[1]).toBe('c=d; Max-Age=60; Path=/; Secure');
    expect(seen.set[2]).toMatch(/^gone=""; expires=/);
    expect(response.headers['set-cookie']).toEqual(seen.set);
    expect(seen.flushed).toEqual([]);
  });
});

describe('setCookie rejects hostile values instead of writing them (CVE-2026-35536 rows)', () => {
  const hostile: [string, Record<string, string>][] = [
    ['domain with "; Secure"', { options: JSON.stringify({ domain: 'x; Secure' }) }],
    ['capitalized Domain option (6.5.8)', { options: JSON.stringify({ Domain: 'x; Secure' }) }],
    ['maxAge "1; Domain=x" (6.6.0)', { options: JSON.stringify({ maxAge: '1; Domain=x' }) }],
    ['path with ";"', { options: JSON.stringify({ path: '/; Domain=evil.com' }) }],
    ['path with a space', { options: JSON.stringify({ path: '/a b' }) }],
    ['sameSite with ";"', { options: JSON.stringify({ sameSite: 'Lax; Domain=x' }) }],
    ['priority (Hono)', { options: JSON.stringify({ priority: 'High; Domain=x' }) }],
    ['expires as text', { options: JSON.stringify({ expires: 'x; Secure' }) }],
    ['expiresDays as text', { options: JSON.stringify({ expiresDays: '1; Secure' }) }],
    ['httpOnly as text', { options: JSON.stringify({ httpOnly: 'x; Domain=y' }) }],
    ['value with a space', { value: 'a b' }],
    ['value with CR LF', { value: 'a\r\nSet-Cookie: x=y' }],
    ['value with a tab', { value: 'a\tb' }],
    ['name with "="', { name: 'a=b' }],
    ['name with ";"', { name: 'a;b' }],
    ['an attribute name as cookie name', { name: 'Domain' }],
  ];

  it.each(hostile)('%s', async (_label, query) => {
    const server = await start();
    const response = await server.fetch(`/hostile?${new URLSearchParams(query).toString()}`);
    expect(await response.text()).toBe('CookieError');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('accepts the same route with ordinary values (so the cases above can fail)', async () => {
    const server = await start();
    const options = JSON.stringify({ domain: 'example.com', path: '/p', sameSite: 'lax', maxAge: 5000, httpOnly: true });
    const response = await server.fetch(`/hostile?${new URLSearchParams({ options, value: 'ok' }).toString()}`);
    expect(await response.text()).toBe('accepted');
    expect(response.headers.getSetCookie()).toEqual(['n=ok; Domain=example.com; HttpOnly; Max-Age=5; Path=/p; SameSite=Lax']);
  });

  it('an uncaught CookieError is a 500 with no Set-Cookie', async () => {
    const server = await start();
    const response = await expectLog(appLog, /CookieError: invalid cookie domain: "x; Secure"/, () => server.fetch('/uncaught'));
    expect(response.status).toBe(500);
    expect(response.headers.getSetCookie()).toEqual([]);
    await response.arrayBuffer();
  });
});

describe('cookie parsing through getCookie (4.4.2: parse as browsers do)', () => {
  it('treats ";" inside quotes as a delimiter', async () => {
    const server = await start();
    expect(await readCookie(server, 'a="x;y"; b=1', 'a')).toBe('"x');
    expect(await readCookie(server, 'a="x;y"; b=1', 'b')).toBe('1');
    expect(await readCookie(server, 'a="x;y"; b=1', 'y"')).toBe('default');
  });

  it('cannot smuggle a cookie inside a quoted value', async () => {
    const server = await start();
    expect(await readCookie(server, 'x="_xsrf=evil; y=z"', '_xsrf')).toBe('default');
    expect(await readCookie(server, 'x="_xsrf=evil; y=z"', 'y')).toBe('z"');
  });

  it('keeps brackets and other odd characters as part of values', async () => {
    const server = await start();
    const header = 'a=b; c=[; d=r; f=h';
    expect(await readCookie(server, header, 'c')).toBe('[');
    expect(await readCookie(server, header, 'd')).toBe('r');
    expect(await readCookie(server, 'key:term=value:term', 'key:term')).toBe('value:term');
  });

  it('keeps reading after one invalid cookie among valid ones', async () => {
    const server = await start();
    expect(await readCookie(server, 'a=b; "; c=d', 'c')).toBe('d');
    expect(await readCookie(server, 'abc=def; unnamed; django_language=en', 'django_language')).toBe('en');
    expect(await readCookie(server, 'a=b; c=d"e; _xsrf=tok', '_xsrf')).toBe('tok');
    const analytics = '__utmz=123.utmcsr=google|utmccn=(organic)|utmcmd=organic|utmctr=(not%20provided); _xsrf=abc';
    expect(await readCookie(server, analytics, '_xsrf')).toBe('abc');
    expect(await readCookie(server, analytics, '__utmz')).toBe('123.utmcsr=google|utmccn=(organic)|utmcmd=organic|utmctr=(not%20provided)');
  });

  it('takes the last of repeated names and does not trim non-HTTP whitespace', async () => {
    const server = await start();
    expect(await readCookie(server, 'foo=1; foo=2')).toBe('2');
    expect(await readCookie(server, '  foo  =  bar  ')).toBe('bar');
  });

  it('reads nothing from a request without a Cookie header, and inherits nothing from Object.prototype', async () => {
    const server = await start();
    const response = await server.fetch('/get');
    expect(await response.text()).toBe('default');
    expect(await readCookie(server, 'a=b', 'constructor')).toBe('default');
    expect(await readCookie(server, 'a=b', '__proto__')).toBe('default');
    expect(await readCookie(server, '__proto__=x', '__proto__')).toBe('x');
  });
});
