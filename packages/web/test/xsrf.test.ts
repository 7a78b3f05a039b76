// XSRF protection through real servers: every case of Tornado's XSRFTest and XSRFCookieKwargsTest
// (web_test.py), ErrorHandlerXSRFTest's 404 case, the 1.1.1 row (an XHR header does not bypass the
// check; every method but GET/HEAD/OPTIONS needs the token) and the 3.2.2 row (BREACH: the token
// differs on every render and still validates).
// Tornado's ExpectLog checks are expectLog on the 403 warnings. Tornado's XSRFTest changes
// `xsrf_cookie_version` per request; here two apps (v1 and v2) share the cookie instead.

import { appLog, expectLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Application } from '../src/application';
import { ErrorHandler } from '../src/error-handler';
import { RequestHandler } from '../src/request-handler';
import { closeAll, startServer, type TestServer } from './helpers';

afterEach(closeAll);

class XsrfHandler extends RequestHandler {
  get(): void {
    this.write(this.xsrfToken);
  }
  post(): void {
    this.write('ok');
  }
  put(): void {
    this.write('ok');
  }
  patch(): void {
    this.write('ok');
  }
  delete(): void {
    this.write('ok');
  }
  options(): void {
    this.write('ok');
  }
  head(): void {}
}

class FormHandler extends RequestHandler {
  get(): void {
    this.write(`${this.xsrfFormHtml()}\n${this.xsrfToken}`);
  }
}

let v2: TestServer;
let v1: TestServer;
/** The token of a first visit (no cookie yet), as the form would carry it. */
let xsrfToken: string;

function makeApp(settings: Record<string, unknown> = {}): Application {
  return new Application(
    [
      ['/', XsrfHandler],
      ['/form', FormHandler],
      ['/error', ErrorHandler, { statusCode: 417 }],
    ],
    { xsrfCookies: true, ...settings },
  );
}

/** GETs a token, sending `oldToken` as the `_xsrf` cookie when given (Tornado's get_token). */
async function getToken(server: TestServer = v2, oldToken?: string): Promise<string> {
  const response = await server.fetch('/', oldToken === undefined ? {} : { headers: cookieHeaders(oldToken) });
  expect(response.status).toBe(200);
  return response.text();
}

function cookieHeaders(token: string = xsrfToken): Record<string, string> {
  return { Cookie: `_xsrf=${token}` };
}

async function post(
  options: { body?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string>; method?: string } = {},
): Promise<{ status: number; text: string }> {
  const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
  const response = await v2.fetch(`/${query}`, {
    method: options.method ?? 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(options.body ?? {}).toString(),
  });
  return { status: response.status, text: await response.text() };
}

const MISSING = /403 .*'_xsrf' argument missing from POST/;
const INVALID = /403 .*'_xsrf' argument has invalid format/;
const MISMATCH = /403 .*XSRF cookie does not match POST argument/;

/** Expects a 403 and the warning Tornado logs with it (ExpectLog in web_test.py). */
async function expectRefused(reason: RegExp, request: Promise<{ status: number }> | (() => Promise<{ status: number }>)): Promise<void> {
  const response = await expectLog(genLog, reason, () => (typeof request === 'function' ? request() : request));
  expect(response.status).toBe(403);
}

beforeEach(async () => {
  v2 = await startServer(makeApp());
  v1 = await startServer(makeApp({ xsrfCookieVersion: 1 }));
  xsrfToken = await getToken();
});

describe('XSRFTest', () => {
  it('fails without any token (test_xsrf_fail_no_token)', async () => {
    await expectRefused(MISSING, () => post());
  });

  it('fails with a body token but no cookie (test_xsrf_fail_body_no_cookie)', async () => {
    await expectRefused(MISMATCH, () => post({ body: { _xsrf: xsrfToken } }));
  });

  it('fails with a malformed argument (test_xsrf_fail_argument_invalid_format)', async () => {
    await expectRefused(INVALID, () => post({ headers: cookieHeaders(), body: { _xsrf: '3|' } }));
  });

  it('fails with a malformed cookie (test_xsrf_fail_cookie_invalid_format)', async () => {
    await expectRefused(MISMATCH, () => post({ headers: cookieHeaders('3|'), body: { _xsrf: xsrfToken } }));
  });

  it('fails with a cookie but no argument (test_xsrf_fail_cookie_no_body)', async () => {
    await expectRefused(MISSING, () => post({ headers: cookieHeaders() }));
  });

  it('accepts a short hex token (test_xsrf_success_short_token)', async () => {
    expect((await post({ headers: cookieHeaders('deadbeef'), body: { _xsrf: 'deadbeef' } })).status).toBe(200);
  });

  it('accepts a non-hex token (test_xsrf_success_non_hex_token)', async () => {
    expect((await post({ headers: cookieHeaders('xoxo'), body: { _xsrf: 'xoxo' } })).status).toBe(200);
  });

  it('accepts the token in the body (test_xsrf_success_post_body)', async () => {
    expect(await post({ headers: cookieHeaders(), body: { _xsrf: xsrfToken } })).toEqual({ status: 200, text: 'ok' });
  });

  it('accepts the token in the query string (test_xsrf_success_query_string)', async () => {
    expect((await post({ headers: cookieHeaders(), query: { _xsrf: xsrfToken } })).status).toBe(200);
  });

  it('accepts the token in X-XSRFToken or X-CSRFToken (test_xsrf_success_header)', async () => {
    expect((await post({ headers: { ...cookieHeaders(), 'X-Xsrftoken': xsrfToken } })).status).toBe(200);
    expect((await post({ headers: { ...cookieHeaders(), 'X-CSRFToken': xsrfToken } })).status).toBe(200);
    await expectRefused(MISMATCH, () => post({ headers: { ...cookieHeaders(), 'X-XSRFToken': 'deadbeef' } }));
  });

  it('gives every request a distinct token (test_distinct_tokens; 3.2.2 BREACH row)', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 10; i++) tokens.add(await getToken());
    expect(tokens.size).toBe(10);
  });

  it("accepts each user's own token and refuses another's (test_cross_user)", async () => {
    const token2 = await getToken();
    for (const token of [xsrfToken, token2]) {
      expect((await post({ headers: cookieHeaders(token), body: { _xsrf: token } })).status).toBe(200);
    }
    for (const [cookieToken, bodyToken] of [
      [xsrfToken, token2],
      [token2, xsrfToken],
    ] as const) {
      await expectRefused(MISMATCH, () => post({ headers: cookieHeaders(cookieToken), body: { _xsrf: bodyToken } }));
    }
  });

  it('keeps a stable token that is masked differently on each refresh (test_refresh_token)', async () => {
    let token = xsrfToken;
    const seen = new Set([token]);
    for (let i = 0; i < 5; i++) {
      token = await getToken(v2, token);
      seen.add(token);
      expect((await post({ headers: cookieHeaders(token), body: { _xsrf: xsrfToken } })).status).toBe(200);
    }
    expect(seen.size).toBe(6);
  });

  it('keeps v1 tokens stable, upgrades them to v2, and accepts either form (test_versioning)', async () => {
    expect(await getToken(v1)).not.toBe(await getToken(v1));
    const v1Token = await getToken(v1);
    expect(v1Token).toMatch(/^[0-9a-f]{32}$/);
    for (let i = 0; i < 5; i++) expect(await getToken(v1, v1Token)).toBe(v1Token);
    const v2Token = await getToken(v2, v1Token);
    expect(v2Token).not.toBe(v1Token);
    expect(v2Token).toMatch(/^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d+$/);
    expect(await getToken(v2, v1Token)).not.toBe(v2Token);
    for (const [cookieToken, bodyToken] of [
      [v1Token, v2Token],
      [v2Token, v1Token],
    ] as const) {
      expect((await post({ headers: cookieHeaders(cookieToken), body: { _xsrf: bodyToken } })).status).toBe(200);
    }
  });
});

describe('the _xsrf cookie', () => {
  it('is set on the first visit only, without attributes but Path by default', async () => {
    const first = await v2.fetch('/');
    const token = await first.text();
    expect(first.headers.getSetCookie()).toEqual([`_xsrf=${token}; Path=/`]);
    const again = await v2.fetch('/', { headers: cookieHeaders(token) });
    await again.text();
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('is replaced when the request carries a malformed one', async () => {
    const response = await v2.fetch('/', { headers: cookieHeaders('3|garbage') });
    const token = await response.text();
    expect(response.headers.getSetCookie()).toEqual([`_xsrf=${token}; Path=/`]);
  });

  it('takes xsrfCookieKwargs (XSRFCookieKwargsTest.test_xsrf_httponly)', async () => {
    const server = await startServer(makeApp({ xsrfCookieKwargs: { httpOnly: true, expiresDays: 2 } }));
    const response = await server.fetch('/');
    await response.text();
    const [header] = response.headers.getSetCookie();
    expect(header?.toLowerCase()).toContain('httponly;');
    const match = /; expires=([^;]+);/.exec(header ?? '');
    expect(match).not.toBeNull();
    expect(Math.abs(Date.parse(match![1]!) - (Date.now() + 2 * 86_400_000))).toBeLessThan(10_000);
  });

  it('takes secure, sameSite and path from xsrfCookieKwargs', async () => {
    const server = await startServer(makeApp({ xsrfCookieKwargs: { secure: true, sameSite: 'Strict', path: '/app' } }));
    const response = await server.fetch('/');
    const token = await response.text();
    expect(response.headers.getSetCookie()).toEqual([`_xsrf=${token}; Path=/app; SameSite=Strict; Secure`]);
  });

  it('is refused when xsrfCookieKwargs hold an injected attribute (CVE-2026-35536)', async () => {
    const server = await startServer(makeApp({ xsrfCookieKwargs: { domain: 'x; Secure' } }));
    const response = await expectLog(appLog, /CookieError: invalid cookie domain/, () => server.fetch('/'));
    expect(response.status).toBe(500);
    expect(response.headers.getSetCookie()).toEqual([]);
    await response.arrayBuffer();
  });

  it('xsrfFormHtml carries a token that validates', async () => {
    const response = await v2.fetch('/form', { headers: cookieHeaders() });
    const [html, token] = (await response.text()).split('\n') as [string, string];
    const match = /^<input type="hidden" name="_xsrf" value="([^"]+)"\/>$/.exec(html);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(token); // one masked token per request, shared by the form and the page
    expect((await post({ headers: cookieHeaders(), body: { _xsrf: match![1]! } })).status).toBe(200);
  });
});

describe('which requests need the token (1.1.1 row)', () => {
  it('an XMLHttpRequest header does not bypass the check', async () => {
    await expectRefused(MISSING, () => post({ headers: { ...cookieHeaders(), 'X-Requested-With': 'XMLHttpRequest' } }));
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s needs the token', async (method) => {
    await expectRefused(MISSING, () => post({ method, headers: cookieHeaders() }));
    expect((await post({ method, headers: { ...cookieHeaders(), 'X-XSRFToken': xsrfToken } })).status).toBe(200);
  });

  it.each(['GET', 'HEAD', 'OPTIONS'])('%s does not', async (method) => {
    const response = await v2.fetch('/', { method });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  it('an unknown path answers 404, not 403 (ErrorHandlerXSRFTest.test_404_xsrf)', async () => {
    const response = await v2.fetch('/404', { method: 'POST', body: '' });
    expect(response.status).toBe(404);
    await response.arrayBuffer();
  });

  it('ErrorHandler answers its own status, not 403 (ErrorHandlerXSRFTest.test_error_xsrf)', async () => {
    const response = await v2.fetch('/error', { method: 'POST', body: '' });
    expect(response.status).toBe(417);
    await response.arrayBuffer();
  });

  it('without xsrfCookies, POST needs no token', async () => {
    const server = await startServer(makeApp({ xsrfCookies: false }));
    const response = await server.fetch('/', { method: 'POST', body: '' });
    expect(await response.text()).toBe('ok');
  });
});
