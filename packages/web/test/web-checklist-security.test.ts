// Corners of the web-layer rows of SECURITY-HISTORY.md that the other test files left open (the
// rows themselves are mapped to their tests in WEB_TEST_CHECKLIST.md): redirect() with each of
// CR, LF and NUL on its own (CVE-2012-2374: "same for redirect() URLs"), header names and values
// with a lone CR, LF or NUL, DEL and tab in outgoing values (6.5.0 hardening), and RedirectHandler
// targets that only become protocol-relative once a browser deletes tabs and line breaks (6.6.0:
// "RedirectHandler never emits //host").
import { accessLog, appLog } from '@tornado-ts/ioloop';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Application, RedirectHandler, RequestHandler } from '../src';
import { captureLogs, closeAll, parseRawResponse, rawExchange, startServer } from './helpers';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs(accessLog, appLog);
});
afterEach(async () => {
  logs.restore();
  await closeAll();
});

async function get(port: number, target: string) {
  return parseRawResponse(await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`));
}

/** What a browser makes of a Location value: tabs and line breaks deleted, C0 controls and spaces trimmed. */
function asBrowserReads(location: string): string {
  return location.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
}

describe('header injection (CVE-2012-2374)', () => {
  // getArgument turns control characters into spaces, so the hostile URLs are chosen by key.
  const HOSTILE_URLS: Record<string, string> = { cr: '/a\rb', lf: '/a\nb', nul: '/a\0b', crlf: '/a\r\nX-Injected: 1' };
  class Redirect extends RequestHandler {
    get() {
      try {
        this.redirect(HOSTILE_URLS[this.getArgument('which')] ?? '/');
      } catch (error) {
        this.write(`refused: ${(error as Error).name}`);
      }
    }
  }

  it.each([
    ['a lone CR', 'cr'],
    ['a lone LF', 'lf'],
    ['NUL', 'nul'],
    ['CR LF and a header', 'crlf'],
  ])('redirect() refuses a URL with %s', async (_label, which) => {
    const { port } = await startServer(new Application([['/', Redirect]]));
    const response = await get(port, `/?which=${which}`);
    expect(response.body).toBe('refused: HandlerUsageError');
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['x-injected']).toBeUndefined();
  });

  it('setHeader and addHeader refuse names with CR, LF or NUL, and values with a lone one of them', async () => {
    const outcomes: string[] = [];
    class Headers extends RequestHandler {
      get() {
        const attempts: [string, string][] = [
          ['X-A\r', 'v'], ['X-A\n', 'v'], ['X-A\0', 'v'], ['X-A: b\r\nX-B', 'v'],
          ['X-A', 'a\rb'], ['X-A', 'a\nb'], ['X-A', 'a\0b'],
        ];
        for (const [name, value] of attempts) {
          for (const set of [() => this.setHeader(name, value), () => this.addHeader(name, value)]) {
            try {
              set();
              outcomes.push(`accepted ${JSON.stringify([name, value])}`);
            } catch {
              outcomes.push('refused');
            }
          }
        }
      }
    }
    const { port } = await startServer(new Application([['/', Headers]]));
    const response = await get(port, '/');
    expect(response.status).toBe(200);
    expect(outcomes).toEqual(Array(14).fill('refused'));
    expect(response.headers['x-a']).toBeUndefined();
    expect(response.headers['x-b']).toBeUndefined();
  });

  class Value extends RequestHandler {
    get() {
      try {
        this.setHeader('X-Value', this.getArgument('v', '', false));
        this.write('set');
      } catch (error) {
        this.write(`refused: ${(error as Error).name}`);
      }
    }
  }

  it('a DEL in a value never reaches the wire (6.5.0 hardening)', async () => {
    const { port } = await startServer(new Application([['/', Value]]));
    const raw = await rawExchange(port, 'GET /?v=a%7Fb HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(raw).not.toContain('\x7f');
    expect(parseRawResponse(raw).body).toMatch(/^refused: /);
  });

  it('a tab inside a value is sent, as outgoing headers allow HTAB (6.5.0 hardening)', async () => {
    const { port } = await startServer(new Application([['/', Value]]));
    const response = await get(port, '/?v=a%09b');
    expect(response.body).toBe('set');
    expect(response.headers['x-value']).toEqual(['a\tb']);
  });
});

describe('RedirectHandler never emits a protocol-relative target (6.6.0)', () => {
  it.each([
    ['a tab between the slashes', '/%09/evil.com'],
    ['two tabs', '/%09%09/evil.com'],
    ['backslashes around a tab', '/%5C%09%5Cevil.com'],
    ['a tab then a backslash', '/%09%5Cevil.com'],
    ['plain double slash', '//evil.com'],
  ])('%s', async (_label, target) => {
    const { port } = await startServer(new Application([['/(.*)', RedirectHandler, { url: '/{0}' }]]));
    const response = await get(port, target);
    expect(response.status).toBe(301);
    const location = response.headers.location?.[0] ?? '';
    expect(location.startsWith('/')).toBe(true);
    expect(asBrowserReads(location)).not.toMatch(/^[/\\]{2}/);
    expect(location).toContain('evil.com');
  });

  it('keeps ordinary targets as they are', async () => {
    const { port } = await startServer(new Application([['/(.*)', RedirectHandler, { url: '/{0}' }]]));
    for (const [target, expected] of [['/a/b', '/a/b'], ['/%20x', '/ x'], ['/a%5Cb', '/a\\b']]) {
      expect((await get(port, target)).headers.location, target).toEqual([expected]);
    }
  });
});
