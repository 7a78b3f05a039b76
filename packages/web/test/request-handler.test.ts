// RequestHandler: arguments, headers, status, output, errors, ETags, redirects, lifecycle. After
// Tornado's web_test.py: WSGISafeWebTest / NonWSGIWebTests (types, decode_argument, multi_header,
// redirect, header_injection, get_argument and the query/body variants, optional path),
// ErrorResponseTest, ClearHeaderTest, Header204Test, Header304Test, StatusReasonTest,
// DateHeaderTest, RaiseWithReasonTest, ExceptionHandlerTest, BuggyLoggingTest,
// GetArgumentErrorTest, SetLazyPropertiesTest, GetCurrentUserTest, Unimplemented(NonStandard)
// HTTPMethodsTest, AllHTTPMethodsTest, PatchMethodTest, FinishInPrepareTest, FinishExceptionTest,
// DecoratorTest (auth part), CacheTest, RequestSummaryTest, HTTPErrorTest, ConnectionCloseTest,
// AuthRedirectTest, FinalReturnTest, EmptyFlushCallbackHandler, RequestEncodingTest.
// Not applicable here: cookies, signed values, XSRF, static files, locale, templates and UI
// modules (tested by their owners' files); removeslash/addslash decorators (not in the
// contract); `ui` property and `_active_modules`; Python-only type checks of str/bytes (our
// `decodeArgument` always gets a Buffer and returns a string); WSGI.
import { accessLog, appLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  Application,
  authenticated,
  Finish,
  HandlerUsageError,
  HTTPError,
  MissingArgumentError,
  RequestHandler,
  type ApplicationSettingsInput,
  type RouteSpec,
} from '../src/index';
import { captureLogs, closeAll, parseRawResponse, rawExchange, startServer, track } from './helpers';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs(accessLog, appLog, genLog);
});
afterEach(async () => {
  logs.restore();
  await closeAll();
});

async function serve(routes: RouteSpec[], settings?: ApplicationSettingsInput) {
  return startServer(new Application(routes, settings));
}

async function raw(port: number, request: string, waitMs = 1000) {
  return parseRawResponse(await rawExchange(port, request, waitMs));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('arguments', () => {
  class Args extends RequestHandler {
    get() {
      const name = this.getArgument('name', 'default');
      this.write({
        name,
        all: this.getArguments('name'),
        unstripped: this.getArgument('name', null, false),
        query: this.getQueryArguments('name'),
        body: this.getBodyArguments('name'),
      });
    }
    post() {
      this.get();
    }
  }

  test('getArgument takes the last value, strips, and falls back to the default', async () => {
    const { fetch } = await serve([['/', Args]]);
    expect(await (await fetch('/?name=a&name=%20b%20')).json()).toMatchObject({ name: 'b', all: ['a', 'b'], unstripped: ' b ' });
    expect(await (await fetch('/')).json()).toMatchObject({ name: 'default', all: [], unstripped: null });
    expect(await (await fetch('/?name=')).json()).toMatchObject({ name: '' });
    // + is a space in a query string.
    expect(await (await fetch('/?name=x+y%2Bz')).json()).toMatchObject({ name: 'x y+z' });
  });

  test('query and body arguments are kept apart, and merged by getArguments', async () => {
    const { fetch } = await serve([['/', Args]]);
    const body = await (
      await fetch('/?name=q', { method: 'POST', body: 'name=b', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    ).json();
    expect(body).toMatchObject({ name: 'b', all: ['q', 'b'], query: ['q'], body: ['b'] });
  });

  test('control characters are replaced by spaces (tab, LF, CR kept; then stripped at the ends)', async () => {
    const { fetch } = await serve([['/', Args]]);
    const body = (await (await fetch('/?name=a%00b%07c%09d%0Ae%1Ff')).json()) as { name: string };
    expect(body.name).toBe('a b c\td\ne f');
  });

  test('a missing required argument is a 400 naming it (MissingArgumentError)', async () => {
    class Required extends RequestHandler {
      get() {
        this.write(this.getArgument('needed'));
      }
    }
    class Inspect extends RequestHandler {
      get() {
        try {
          this.getQueryArgument('needed');
        } catch (error) {
          this.write({ isMissing: error instanceof MissingArgumentError, isHTTP: error instanceof HTTPError, argName: (error as MissingArgumentError).argName, status: (error as HTTPError).statusCode, message: (error as Error).message });
        }
      }
    }
    const { fetch } = await serve([['/', Required], ['/inspect', Inspect]]);
    const response = await fetch('/');
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('<html><title>400: Bad Request</title><body>400: Bad Request</body></html>');
    expect(logs.records.some((r) => r.level === 'warn' && r.text.includes('400 GET / (127.0.0.1): Missing argument needed'))).toBe(true);
    expect(await (await fetch('/inspect')).json()).toEqual({
      isMissing: true, isHTTP: true, argName: 'needed', status: 400, message: 'HTTP 400: Bad Request (Missing argument needed)',
    });
  });

  test('an argument that is not UTF-8 is a 400, in the query and in the body', async () => {
    const { fetch } = await serve([['/', Args]]);
    expect((await fetch('/?name=%C3%28')).status).toBe(400);
    expect((await fetch('/', { method: 'POST', body: 'name=%FF', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(400);
  });

  test('decodeArgument can be overridden (e.g. latin1) and applies to path groups too', async () => {
    class Latin1 extends RequestHandler {
      override decodeArgument(value: Buffer, name?: string): string {
        return name === undefined || this.request.query.includes('latin1') ? value.toString('latin1') : super.decodeArgument(value, name);
      }
      get(path: string) {
        this.write({ path, query: this.getArgument('foo'), codes: [...this.getArgument('foo')].map((c) => c.charCodeAt(0)) });
      }
    }
    const { fetch } = await serve([['/decode/(.*)', Latin1]]);
    expect(await (await fetch('/decode/%E9?foo=%E9&encoding=latin1')).json()).toEqual({ path: 'é', query: 'é', codes: [0xe9] });
    expect(await (await fetch('/decode/%C3%A9?foo=%C3%A9')).json()).toMatchObject({ query: 'é' });
  });

  test('a malformed form body is a 400 before the method runs', async () => {
    let called = false;
    class Post extends RequestHandler {
      post() {
        called = true;
      }
    }
    const { fetch } = await serve([['/', Post]]);
    const response = await fetch('/', { method: 'POST', body: 'garbage', headers: { 'Content-Type': 'multipart/form-data; boundary=abc' } });
    expect(response.status).toBe(400);
    expect(called).toBe(false);
  });
});

describe('status and headers', () => {
  test('setHeader overwrites, addHeader appends, clearHeader removes; numbers and dates are formatted', async () => {
    class Headers extends RequestHandler {
      get() {
        this.setHeader('x-overwrite', '1');
        this.setHeader('X-Overwrite', 2);
        this.addHeader('x-multi', 3);
        this.addHeader('X-Multi', '4');
        this.setHeader('x-gone', 'x');
        this.clearHeader('X-Gone');
        this.setHeader('x-date', new Date(Date.UTC(2013, 0, 27, 18, 43, 20)));
      }
    }
    const { port } = await serve([['/', Headers]]);
    const response = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(response.headers['x-overwrite']).toEqual(['2']);
    expect(response.headers['x-multi']).toEqual(['3', '4']);
    expect(response.headers['x-gone']).toBeUndefined();
    expect(response.headers['x-date']).toEqual(['Sun, 27 Jan 2013 18:43:20 GMT']);
    // Defaults: HTML content type, a current Date, and a Content-Length.
    expect(response.headers['content-type']).toEqual(['text/html; charset=UTF-8']);
    expect(Math.abs(Date.parse(response.headers.date[0]) - Date.now())).toBeLessThan(2000);
    expect(response.headers['content-length']).toEqual(['0']);
  });

  test('CR, LF and NUL in header values are refused (CVE-2012-2374)', async () => {
    class Injection extends RequestHandler {
      get() {
        const refused: string[] = [];
        for (const value of ['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\x00b']) {
          try {
            this.setHeader('X-Foo', value);
          } catch (error) {
            if (error instanceof HandlerUsageError) refused.push(JSON.stringify(value));
          }
          try {
            this.addHeader('X-Foo', value);
            refused.push('add accepted!');
          } catch {
            // expected
          }
        }
        try {
          this.setHeader('X-Bad\r\nName', 'v');
          refused.push('name accepted!');
        } catch {
          // expected
        }
        this.write(refused.join(','));
      }
    }
    const { port } = await serve([['/', Injection]]);
    const response = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(response.body.split(',')).toHaveLength(4);
    expect(response.body).not.toContain('accepted');
    expect(response.headers['x-injected']).toBeUndefined();
    expect(response.headers['x-foo']).toBeUndefined();
  });

  test('custom and standard reasons; an unknown code needs a reason; bad codes throw', async () => {
    class Status extends RequestHandler {
      get() {
        const code = Number(this.getArgument('code'));
        const reason = this.getArgument('reason', null) ?? undefined;
        try {
          this.setStatus(code, reason);
        } catch (error) {
          this.setStatus(200);
          this.write(`refused: ${(error as Error).name}`);
        }
      }
    }
    const { port } = await serve([['/', Status]]);
    const get = (query: string) => raw(port, `GET /?${query} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
    expect((await get('code=201')).statusLine).toBe('HTTP/1.1 201 Created');
    expect((await get('code=432&reason=Bar')).statusLine).toBe('HTTP/1.1 432 Bar');
    expect((await get('code=432')).body).toBe('refused: HandlerUsageError');
    // Tornado allows any code; we keep to 100-599 (DESIGN section 4).
    expect((await get('code=682&reason=x')).body).toBe('refused: HandlerUsageError');
    expect((await get('code=99&reason=x')).body).toBe('refused: HandlerUsageError');
    expect((await get('code=600&reason=x')).body).toBe('refused: HandlerUsageError');
    // A reason with CR/LF throws (header injection, CVE-2025-67724).
    const injected = await get('code=200&reason=OK%0D%0AX-Injection:%20injected');
    expect(injected.body).toBe('refused: HandlerUsageError');
    expect(injected.headers['x-injection']).toBeUndefined();
    // Markup in a reason is replaced (defence in depth for error pages).
    expect((await get('code=200&reason=%3Cscript%3E')).statusLine).toBe('HTTP/1.1 200 Unknown');
  });

  test('HTTPError reasons: custom, unknown code, CRLF and <script> never reach the wire or page unescaped', async () => {
    class Raise extends RequestHandler {
      get() {
        const reason = this.getArgument('reason', null);
        throw new HTTPError(Number(this.getArgument('code')), null, ...(reason === null ? [] : [{ reason }]));
      }
    }
    const { port } = await serve([['/', Raise]]);
    const get = (query: string) => raw(port, `GET /?${query} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
    let response = await get('code=432&reason=Foo');
    expect(response.statusLine).toBe('HTTP/1.1 432 Foo');
    expect(response.body).toContain('432: Foo');
    response = await get('code=432');
    expect(response.statusLine).toBe('HTTP/1.1 432 Unknown');
    // A code HTTP cannot carry becomes a 500.
    response = await get('code=682');
    expect(response.statusLine).toBe('HTTP/1.1 500 Internal Server Error');
    response = await get('code=304');
    expect(response.statusLine).toBe('HTTP/1.1 304 Not Modified');
    expect(response.body).toBe('');
    response = await get('code=304&reason=Foo');
    expect(response.statusLine).toBe('HTTP/1.1 304 Foo');
    response = await get('code=200&reason=OK%0D%0AX-Injection:injected');
    expect(response.statusLine).toBe('HTTP/1.1 200 Unknown');
    expect(response.headers['x-injection']).toBeUndefined();
    response = await get('code=400&reason=%3Cscript%3Ealert(1)%3C/script%3E');
    expect(response.statusLine).toBe('HTTP/1.1 400 Unknown');
    expect(response.body).not.toContain('script');
    expect(response.body).toContain('Unknown');
  });

  test('HTTPError: message, logMessage formatting and reason option', () => {
    expect(String(new HTTPError(682, null, { reason: 'Foo' }))).toBe('HTTPError: HTTP 682: Foo');
    expect(new HTTPError(682).message).toBe('HTTP 682: Unknown');
    const error = new HTTPError(403, 'user %s may not %s', 'bob', 'edit');
    expect(error.formattedLogMessage).toBe('user bob may not edit');
    expect(error.args).toEqual(['bob', 'edit']);
    expect(error.reason).toBeNull();
    expect(new HTTPError().statusCode).toBe(500);
  });

  test('setDefaultHeaders applies to normal and error responses', async () => {
    class Defaults extends RequestHandler {
      override setDefaultHeaders() {
        this.setHeader('Server', 'Custom');
        this.setHeader('Content-Type', 'text/plain');
      }
      get() {
        if (this.getArgument('fail', null)) throw new Error('boom');
        this.write('ok');
      }
    }
    const { fetch } = await serve([['/', Defaults]]);
    let response = await fetch('/');
    expect(response.headers.get('server')).toBe('Custom');
    expect(response.headers.get('content-type')).toBe('text/plain');
    response = await fetch('/?fail=1');
    expect(response.status).toBe(500);
    expect(response.headers.get('server')).toBe('Custom');
    expect(logs.records.some((r) => r.level === 'error' && r.text.startsWith('Uncaught exception GET /?fail=1 (127.0.0.1)'))).toBe(true);
  });

  test('clear() forgets headers and output', async () => {
    class Clear extends RequestHandler {
      get() {
        this.setHeader('X-Foo', 'bar');
        this.setStatus(404);
        this.write('gone');
        this.clear();
        this.write('fresh');
      }
    }
    const { fetch } = await serve([['/', Clear]]);
    const response = await fetch('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-foo')).toBeNull();
    expect(await response.text()).toBe('fresh');
  });

  test('204 and 304 responses lose Content-Type and carry no body', async () => {
    class NoContent extends RequestHandler {
      get() {
        this.setStatus(Number(this.getArgument('code')));
        this.setHeader('Content-Language', 'en');
        if (this.getArgument('body', null)) this.write('not allowed');
      }
    }
    const { port } = await serve([['/', NoContent]]);
    const response = await raw(port, 'GET /?code=204 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(204);
    expect(response.headers['content-type']).toBeUndefined();
    expect(response.headers['content-language']).toBeUndefined();
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.body).toBe('');
    const withBody = await raw(port, 'GET /?code=204&body=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(withBody.status).toBe(500);
  });
});

describe('output', () => {
  test('write accepts strings, Buffers and objects (JSON); arrays and other values are refused', async () => {
    class Types extends RequestHandler {
      get() {
        const kind = this.getArgument('kind');
        if (kind === 'object') this.write({ a: 1, html: '</script>' });
        else if (kind === 'buffer') this.write(Buffer.from([0xe2, 0x82, 0xac]));
        else if (kind === 'string') this.write('€');
        else if (kind === 'array') this.write([1, 2]);
        else this.write(42 as unknown as string);
      }
    }
    const { fetch } = await serve([['/', Types]]);
    let response = await fetch('/?kind=object');
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(await response.text()).toBe('{"a":1,"html":"<\\/script>"}');
    expect(await (await fetch('/?kind=buffer')).text()).toBe('€');
    response = await fetch('/?kind=string');
    expect(response.headers.get('content-length')).toBe('3');
    expect((await fetch('/?kind=array')).status).toBe(500);
    expect((await fetch('/?kind=number')).status).toBe(500);
    expect(logs.records.filter((r) => r.level === 'error' && r.text.includes('HandlerUsageError')).length).toBe(2);
  });

  test('flush() sends the headers and streams the body chunked', async () => {
    class Streamer extends RequestHandler {
      async get() {
        this.write('first,');
        await this.flush();
        await this.flush(); // an empty flush is fine
        await sleep(20);
        this.write('second');
      }
    }
    const { port, fetch } = await serve([['/', Streamer]]);
    const response = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(response.headers['transfer-encoding']).toEqual(['chunked']);
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.body).toBe('6\r\nfirst,\r\n6\r\nsecond\r\n0\r\n\r\n');
    expect(await (await fetch('/')).text()).toBe('first,second');
  });

  test('write after finish and finish twice throw; the response is already complete', async () => {
    const outcomes: string[] = [];
    class Twice extends RequestHandler {
      async get() {
        await this.finish('done');
        for (const action of [() => this.write('x'), () => this.finish()]) {
          try {
            action();
          } catch (error) {
            outcomes.push((error as Error).name);
          }
        }
      }
    }
    const { fetch } = await serve([['/', Twice]]);
    expect(await (await fetch('/')).text()).toBe('done');
    expect(outcomes).toEqual(['HandlerUsageError', 'HandlerUsageError']);
  });

  test('HEAD sends the headers GET would (Content-Length included) and no body; HEAD without head() is 405', async () => {
    class WithHead extends RequestHandler {
      get() {
        this.write('hello');
      }
      head() {
        this.write('hello');
      }
    }
    class OnlyGet extends RequestHandler {
      get() {
        this.write('hello');
      }
    }
    const { port } = await serve([['/head', WithHead], ['/get', OnlyGet]]);
    const response = await raw(port, 'HEAD /head HTTP/1.1\r\nHost: a\r\n\r\nGET /head HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toEqual(['5']);
    // The body that follows is the pipelined GET's response, not HEAD's.
    expect(response.body.startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect((await raw(port, 'HEAD /get HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).status).toBe(405);
  });

  test('OPTIONS, PATCH and DELETE reach their methods; unimplemented ones are 405 without Allow (as Tornado)', async () => {
    class All extends RequestHandler {
      options() {
        this.setHeader('Allow', 'GET, OPTIONS');
        this.setStatus(204);
      }
      patch() {
        this.write(`patch ${this.request.body.toString()}`);
      }
      delete() {
        this.write('delete');
      }
    }
    const { fetch } = await serve([['/', All]]);
    const options = await fetch('/', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, OPTIONS');
    expect(await (await fetch('/', { method: 'PATCH', body: 'x' })).text()).toBe('patch x');
    expect(await (await fetch('/', { method: 'DELETE' })).text()).toBe('delete');
    for (const method of ['GET', 'POST', 'PUT']) {
      const response = await fetch('/', { method, body: method === 'GET' ? undefined : '' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBeNull();
    }
  });

  test('methods outside SUPPORTED_METHODS are 405; a subclass may add its own', async () => {
    class Standard extends RequestHandler {
      get() {}
    }
    class Custom extends RequestHandler {
      static override SUPPORTED_METHODS = [...RequestHandler.SUPPORTED_METHODS, 'OTHER'];
      other() {
        this.write('other');
      }
    }
    const { port } = await serve([['/std', Standard], ['/custom', Custom]]);
    expect((await raw(port, 'PROPFIND /std HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).status).toBe(405);
    expect((await raw(port, 'OTHER /custom HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).body).toBe('other');
    // A method named in the request but not a handler method name of the class is refused, not called.
    expect((await raw(port, 'CONSTRUCTOR /std HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).status).toBe(405);
  });
});

describe('redirect', () => {
  class Redirect extends RequestHandler {
    get() {
      const status = this.getArgument('status', null);
      const target = this.getArgument('url', '/target');
      try {
        this.redirect(target, this.getArgument('permanent', null) !== null, status === null ? undefined : Number(status));
      } catch (error) {
        this.write(`refused: ${(error as Error).name}`);
      }
    }
  }

  test('302 by default, 301 when permanent, any 3xx on request; absolute and relative targets', async () => {
    const { fetch } = await serve([['/', Redirect]]);
    let response = await fetch('/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/target');
    expect((await fetch('/?permanent=1')).status).toBe(301);
    expect((await fetch('/?status=307')).status).toBe(307);
    response = await fetch('/?url=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1');
    expect(response.headers.get('location')).toBe('https://example.com/x?y=1');
    expect((await fetch('/?url=relative%2Fpath')).headers.get('location')).toBe('relative/path');
    expect(await (await fetch('/?status=200')).text()).toBe('refused: HandlerUsageError');
  });

  test('a target with CR or LF is refused (header injection)', async () => {
    const { port } = await serve([['/', Redirect]]);
    const response = await raw(port, 'GET /?url=/a%0D%0ASet-Cookie:%20x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(response.body).toBe('refused: HandlerUsageError');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  test('redirect after flush is refused', async () => {
    class Late extends RequestHandler {
      async get() {
        await this.flush();
        try {
          this.redirect('/x');
        } catch (error) {
          this.write((error as Error).name);
        }
      }
    }
    const { fetch } = await serve([['/', Late]]);
    expect(await (await fetch('/')).text()).toBe('HandlerUsageError');
  });
});

describe('errors', () => {
  class Failing extends RequestHandler {
    get() {
      const kind = this.getArgument('kind');
      if (kind === 'http') throw new HTTPError(410, 'no longer %s', 'here');
      if (kind === 'quiet') throw new HTTPError(403);
      if (kind === 'async') return Promise.reject(new TypeError('async boom'));
      throw new RangeError('sync boom');
    }
  }

  test('HTTPError becomes its status, logged as a warning with its formatted logMessage', async () => {
    const { fetch } = await serve([['/', Failing]]);
    const response = await fetch('/?kind=http');
    expect(response.status).toBe(410);
    expect(await response.text()).toBe('<html><title>410: Gone</title><body>410: Gone</body></html>');
    expect(logs.records).toContainEqual(expect.objectContaining({ level: 'warn', text: '410 GET /?kind=http (127.0.0.1): no longer here' }));
    expect((await fetch('/?kind=quiet')).status).toBe(403);
    expect(logs.records.filter((r) => r.text.startsWith('403 GET /?kind=quiet (127.0.0.1):'))).toEqual([]);
  });

  test('other errors, sync or async, are 500 and logged on appLog with the request summary', async () => {
    const { fetch } = await serve([['/', Failing]]);
    for (const kind of ['sync', 'async']) {
      const response = await fetch(`/?kind=${kind}`);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toBe('<html><title>500: Internal Server Error</title><body>500: Internal Server Error</body></html>');
      expect(text).not.toContain('boom');
    }
    const errors = logs.records.filter((r) => r.level === 'error' && r.text.startsWith('Uncaught exception GET'));
    expect(errors).toHaveLength(2);
    expect(errors[0].args.some((a) => a instanceof RangeError)).toBe(true);
    // The access log line for a 500 is an error too.
    expect(logs.records.some((r) => r.level === 'error' && /^500 GET \/\?kind=sync/.test(r.text))).toBe(true);
  });

  test('serveTraceback sends the stack as plain text (and debug implies it)', async () => {
    for (const settings of [{ serveTraceback: true }, { debug: true, autoreload: false }]) {
      const { fetch } = await serve([['/', Failing]], settings);
      const response = await fetch('/?kind=sync');
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
      const text = await response.text();
      expect(text).toContain('RangeError: sync boom');
      expect(text).toContain('request-handler.test.ts');
    }
  });

  test('writeError and logException can be overridden (sync or async), with the error at hand', async () => {
    class PermissionDenied extends Error {}
    class Custom extends RequestHandler {
      get() {
        const kind = this.getArgument('kind');
        if (kind === 'permission') throw new PermissionDenied('not allowed');
        if (kind === 'http') throw new HTTPError(410, 'no longer here');
        throw new Error('zero');
      }
      override async writeError(statusCode: number, details: { error?: unknown } = {}) {
        if (details.error instanceof PermissionDenied) {
          await sleep(5);
          this.setStatus(403);
          this.write('PermissionError');
          return;
        }
        return super.writeError(statusCode, details);
      }
      override logException(error: unknown) {
        if (error instanceof PermissionDenied) appLog.warn('custom logging for PermissionError: %s', error.message);
        else super.logException(error);
      }
    }
    const { fetch } = await serve([['/', Custom]]);
    const response = await fetch('/?kind=permission');
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('PermissionError');
    expect(logs.records).toContainEqual(expect.objectContaining({ level: 'warn', text: 'custom logging for PermissionError: not allowed' }));
    expect((await fetch('/?kind=http')).status).toBe(410);
    expect((await fetch('/?kind=zero')).status).toBe(500);
  });

  test('an error inside writeError or logException still ends the response', async () => {
    class Buggy extends RequestHandler {
      get() {
        throw new Error('first');
      }
      override writeError(): void {
        throw new Error('in writeError');
      }
      override logException(): void {
        throw new Error('in logger');
      }
    }
    const { fetch } = await serve([['/', Buggy]]);
    const response = await fetch('/');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    expect(logs.records.some((r) => r.text.startsWith('Error in exception logger'))).toBe(true);
    expect(logs.records.some((r) => r.text.startsWith('Uncaught exception in writeError'))).toBe(true);
  });

  test('sendError after the headers were flushed ends the response without a page', async () => {
    class Late extends RequestHandler {
      async get() {
        this.write('partial');
        await this.flush();
        throw new Error('after flush');
      }
    }
    const { port } = await serve([['/', Late]]);
    const response = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(200);
    expect(response.body).toBe('7\r\npartial\r\n0\r\n\r\n');
    expect(logs.records.some((r) => r.text === 'Cannot send error response after headers written')).toBe(true);
  });

  test('Finish ends the request quietly, with an optional last chunk; finish() in prepare skips the method', async () => {
    let methodCalled = false;
    class Finisher extends RequestHandler {
      override async prepare() {
        const how = this.getArgument('how');
        if (how === 'finish') await this.finish('from prepare');
        if (how === 'throw') throw new Finish('thrown');
        if (how === 'bare') {
          this.setStatus(401);
          this.write('bare');
          throw new Finish();
        }
      }
      get() {
        methodCalled = true;
        this.write('method');
      }
    }
    const { fetch } = await serve([['/', Finisher]]);
    expect(await (await fetch('/?how=finish')).text()).toBe('from prepare');
    expect(await (await fetch('/?how=throw')).text()).toBe('thrown');
    const bare = await fetch('/?how=bare');
    expect(bare.status).toBe(401);
    expect(await bare.text()).toBe('bare');
    expect(methodCalled).toBe(false);
    expect(logs.records.filter((r) => r.level !== 'info' && r.level !== 'debug' && !r.text.startsWith('401'))).toEqual([]);
  });

  test('an error thrown by initialize() is a 500', async () => {
    class BadInit extends RequestHandler {
      override initialize() {
        throw new Error('cannot init');
      }
      get() {}
    }
    const { fetch } = await serve([['/', BadInit]]);
    expect((await fetch('/')).status).toBe(500);
    expect(logs.records.some((r) => r.level === 'error' && r.text.includes('initialize()'))).toBe(true);
  });
});

describe('lifecycle', () => {
  test('initialize(kwargs) -> prepare -> method -> onFinish, each async step awaited; subclass fields survive initialize', async () => {
    const events: string[] = [];
    class Ordered extends RequestHandler {
      label = 'field default';
      override initialize(kwargs: Record<string, unknown>) {
        this.label = String(kwargs.label);
        events.push(`initialize ${this.label}`);
      }
      override async prepare() {
        await sleep(5);
        events.push('prepare');
      }
      async get(id: string) {
        await sleep(5);
        events.push(`get ${id}`);
        this.write(this.label);
      }
      override onFinish() {
        events.push('onFinish');
      }
    }
    const { fetch } = await serve([['/(\\d+)', Ordered, { label: 'from kwargs' }]]);
    expect(await (await fetch('/7')).text()).toBe('from kwargs');
    expect(events).toEqual(['initialize from kwargs', 'prepare', 'get 7', 'onFinish']);
  });

  test('a method that returns before finishing is finished automatically; an explicitly finished one is not finished twice', async () => {
    class Explicit extends RequestHandler {
      get() {
        void this.finish('explicit');
      }
    }
    const { fetch } = await serve([['/', Explicit]]);
    expect(await (await fetch('/')).text()).toBe('explicit');
    expect(logs.records.filter((r) => r.level === 'error')).toEqual([]);
  });

  test('a long request notices the client leaving: onConnectionClose, and no onFinish', async () => {
    const events: string[] = [];
    let closed!: () => void;
    const closedPromise = new Promise<void>((resolve) => (closed = resolve));
    class LongPoll extends RequestHandler {
      async get() {
        events.push('get');
        await closedPromise;
      }
      override onConnectionClose() {
        events.push('close');
        closed();
      }
    }
    const { port } = await serve([['/', LongPoll]]);
    await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 100);
    await closedPromise;
    await sleep(20);
    expect(events).toEqual(['get', 'close']);
  });

  test('detach() hands over the socket: the handler writes raw bytes, nothing is logged', async () => {
    class Detacher extends RequestHandler {
      async get() {
        const stream = this.detach();
        await stream.write(Buffer.from('HTTP/1.1 200 OK\r\nX-Raw: yes\r\nContent-Length: 3\r\nConnection: close\r\n\r\nraw'));
        stream.close();
      }
    }
    const { port } = await serve([['/', Detacher]]);
    const response = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(response.headers['x-raw']).toEqual(['yes']);
    expect(response.body).toBe('raw');
    expect(logs.records.filter((r) => /^\d{3} GET/.test(r.text))).toEqual([]);
  });

  test('requireSetting names the missing setting and the feature', async () => {
    class Needs extends RequestHandler {
      get() {
        try {
          this.requireSetting('loginUrl', 'login');
        } catch (error) {
          this.write(`${(error as Error).name}: ${(error as Error).message}`);
        }
      }
    }
    const { fetch } = await serve([['/', Needs]]);
    expect(await (await fetch('/')).text()).toBe("MissingSettingError: You must define the 'loginUrl' setting in your application to use login");
  });
});

describe('ETag and 304', () => {
  class Etagged extends RequestHandler {
    get() {
      this.write('hello');
    }
    post() {
      this.write('hello');
    }
  }
  class NoEtag extends RequestHandler {
    override computeEtag() {
      return null;
    }
    get() {
      this.write('hello');
    }
  }

  test('GET gets a SHA-1 ETag; a matching If-None-Match is a bodyless 304', async () => {
    const { fetch } = await serve([['/', Etagged]]);
    const first = await fetch('/');
    const etag = first.headers.get('etag') as string;
    expect(etag).toBe('"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"');
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await fetch('/', { headers: { 'If-None-Match': ifNoneMatch } });
      expect(response.status).toBe(304);
      expect(await response.text()).toBe('');
      expect(response.headers.get('content-type')).toBeNull();
    }
    expect((await fetch('/', { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    expect((await fetch('/', { headers: { 'If-None-Match': 'garbage' } })).status).toBe(200);
  });

  test('POST is never 304, and computeEtag() returning null disables ETags', async () => {
    const { fetch } = await serve([['/', Etagged], ['/none', NoEtag]]);
    const etag = (await fetch('/')).headers.get('etag') as string;
    expect((await fetch('/', { method: 'POST', body: '', headers: { 'If-None-Match': etag } })).status).toBe(200);
    const none = await fetch('/none', { headers: { 'If-None-Match': '*' } });
    expect(none.status).toBe(200);
    expect(none.headers.get('etag')).toBeNull();
  });

  test('an Etag set by the handler is compared as is (checkEtagHeader)', async () => {
    class Manual extends RequestHandler {
      get() {
        this.setHeader('Etag', '"v1"');
        this.write(String(this.checkEtagHeader()));
      }
    }
    const { fetch } = await serve([['/', Manual]]);
    expect(await (await fetch('/', { headers: { 'If-None-Match': 'W/"v1"' } })).text()).toBe('true');
    expect(await (await fetch('/')).text()).toBe('false');
  });
});

describe('access log', () => {
  test('Tornado format, level by status', async () => {
    class Status extends RequestHandler {
      get() {
        this.setStatus(Number(this.getArgument('code')));
      }
    }
    const { fetch } = await serve([['/', Status]]);
    for (const code of [200, 302, 404, 503]) await fetch(`/?code=${code}`);
    const lines = logs.records.filter((r) => /^\d{3} GET/.test(r.text));
    expect(lines.map((r) => r.level)).toEqual(['info', 'info', 'warn', 'error']);
    expect(lines[0].text).toMatch(/^200 GET \/\?code=200 \(127\.0\.0\.1\) \d+\.\d{2}ms$/);
  });

  test('the logFunction setting replaces it', async () => {
    const seen: string[] = [];
    class Ok extends RequestHandler {
      get() {}
    }
    const { fetch } = await serve([['/', Ok]], { logFunction: (handler) => seen.push(`${handler.getStatus()} ${handler.request.uri}`) });
    await fetch('/?x=1');
    expect(seen).toEqual(['200 /?x=1']);
    expect(logs.records.filter((r) => /^\d{3} GET/.test(r.text))).toEqual([]);
  });
});

describe('current user and authenticated', () => {
  class Login extends RequestHandler {
    override getCurrentUser() {
      return this.getArgument('user', null);
    }
    @authenticated
    get() {
      this.write(`hello ${String(this.currentUser)}`);
    }
    post = authenticated(function (this: Login) {
      this.write('posted');
    });
  }

  test('anonymous GET is redirected to loginUrl with next; other methods get 403', async () => {
    const { fetch } = await serve([['/private', Login]], { loginUrl: '/login' });
    let response = await fetch('/private?a=b');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?next=%2Fprivate%3Fa%3Db');
    expect((await fetch('/private', { method: 'POST', body: '' })).status).toBe(403);
    response = await fetch('/private?user=ann');
    expect(await response.text()).toBe('hello ann');
    expect(await (await fetch('/private?user=ann', { method: 'POST', body: '' })).text()).toBe('posted');
  });

  test('an absolute loginUrl gets the full URL as next; one with a query is used as is', async () => {
    const absolute = await serve([['/private', Login]], { loginUrl: 'http://example.com/login' });
    expect((await absolute.fetch('/private')).headers.get('location')).toBe(
      `http://example.com/login?next=${encodeURIComponent(`http://127.0.0.1:${absolute.port}/private`)}`,
    );
    const withQuery = await serve([['/private', Login]], { loginUrl: '/login?from=x' });
    expect((await withQuery.fetch('/private')).headers.get('location')).toBe('/login?from=x');
  });

  test('without loginUrl an anonymous GET is a 500 naming the setting', async () => {
    const { fetch } = await serve([['/private', Login]]);
    expect((await fetch('/private')).status).toBe(500);
    expect(logs.records.some((r) => r.level === 'error' && r.text.includes("'loginUrl'"))).toBe(true);
  });

  test('currentUser is looked up once, may be set in an async prepare(), and an async getCurrentUser is refused', async () => {
    let lookups = 0;
    class Counting extends RequestHandler {
      override getCurrentUser() {
        lookups++;
        return 'cached';
      }
      get() {
        this.write(`${String(this.currentUser)} ${String(this.currentUser)}`);
      }
    }
    class AsyncPrepare extends RequestHandler {
      override async prepare() {
        await sleep(1);
        this.currentUser = 'from prepare';
      }
      @authenticated
      get() {
        this.write(String(this.currentUser));
      }
    }
    class AsyncLookup extends RequestHandler {
      override async getCurrentUser() {
        return 'never';
      }
      get() {
        this.write(String(this.currentUser));
      }
    }
    const { fetch } = await serve([['/count', Counting], ['/prepare', AsyncPrepare], ['/async', AsyncLookup]]);
    expect(await (await fetch('/count')).text()).toBe('cached cached');
    expect(lookups).toBe(1);
    expect(await (await fetch('/prepare')).text()).toBe('from prepare');
    expect((await fetch('/async')).status).toBe(500);
    expect(logs.records.some((r) => r.level === 'error' && r.text.includes('set this.currentUser'))).toBe(true);
  });
});

describe('streamed request bodies', () => {
  test('prepare() runs before the body; chunks go to dataReceived; the method runs at the end', async () => {
    const events: string[] = [];
    class Streamed extends RequestHandler {
      static override streamRequestBody = true;
      received: Buffer[] = [];
      override prepare() {
        events.push(`prepare body=${this.request.body.length}`);
      }
      async dataReceived(chunk: Buffer) {
        events.push('data');
        await sleep(1);
        this.received.push(chunk);
      }
      put() {
        events.push('put');
        this.write({ size: Buffer.concat(this.received).length, text: Buffer.concat(this.received).toString() });
      }
    }
    const { port } = await serve([['/', Streamed]]);
    const body = 'hello world, streamed in chunks';
    const chunked = `5\r\n${body.slice(0, 5)}\r\n${(body.length - 5).toString(16)}\r\n${body.slice(5)}\r\n0\r\n\r\n`;
    const response = await raw(port, `PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked}`);
    expect(JSON.parse(response.body)).toEqual({ size: body.length, text: body });
    expect(events[0]).toBe('prepare body=0');
    expect(events.at(-1)).toBe('put');
    expect(events.filter((e) => e === 'data').length).toBeGreaterThanOrEqual(1);
  });

  test('prepare() may limit the body size per request and reject before any data is read', async () => {
    class Limited extends RequestHandler {
      static override streamRequestBody = true;
      override prepare() {
        if (this.getArgument('reject', null)) throw new HTTPError(401);
        this.request.connection?.setMaxBodySize(10);
      }
      dataReceived() {}
      post() {
        this.write('ok');
      }
    }
    const { port } = await serve([['/', Limited]]);
    expect((await raw(port, 'POST /?reject=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello')).status).toBe(401);
    expect((await raw(port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello')).body).toBe('ok');
    expect((await raw(port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 50\r\nConnection: close\r\n\r\n' + 'x'.repeat(50))).status).toBe(413);
  });

  test('an error in dataReceived is a 500 through the handler', async () => {
    class Failing extends RequestHandler {
      static override streamRequestBody = true;
      dataReceived() {
        throw new Error('bad chunk');
      }
      post() {
        this.write('not reached');
      }
    }
    const { port } = await serve([['/', Failing]]);
    const response = await raw(port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(response.status).toBe(500);
    expect(logs.records.some((r) => r.level === 'error' && r.args.some((a) => a instanceof Error && a.message === 'bad chunk'))).toBe(true);
  });

  test('a client that leaves mid-body: onConnectionClose runs and the method does not', async () => {
    const events: string[] = [];
    let done!: () => void;
    const closed = new Promise<void>((resolve) => (done = resolve));
    class Abandoned extends RequestHandler {
      static override streamRequestBody = true;
      dataReceived() {
        events.push('data');
      }
      post() {
        events.push('post');
      }
      override onConnectionClose() {
        events.push('close');
        done();
      }
    }
    const { port } = await serve([['/', Abandoned]]);
    await rawExchange(port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\npartial', 100);
    await closed;
    await sleep(20);
    expect(events).toEqual(['data', 'close']);
  });
});

void track;
