// Routing, after Tornado's web_test.py (HostMatchingTest, DefaultHostMatchingTest,
// NamedURLSpecGroupsTest, URLSpecReverseTest, RedirectHandlerTest, Default404Test, Custom404Test,
// DefaultHandlerArgumentsTest, HandlerByNameTest, PathArgsInPrepareTest, RequestEncodingTest,
// the optional-path and reverse_url cases of WSGISafeWebTest). routing_test.py (custom routers,
// RuleRouter, nested applications, callbacks, connection delegates) and the matchers are in
// routing-rule-router.test.ts; Application as a rule router in routing-application.test.ts.
// Not applicable: handler classes given by import name (HandlerByNameTest's string form:
// JavaScript has no importable dotted names).
import { accessLog } from '@tornado-ts/ioloop';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Application, ErrorHandler, RedirectHandler, RequestHandler, ReverseUrlError, URLSpec, url } from '../src/index';
import { captureLogs, closeAll, rawExchange, parseRawResponse, startServer } from './helpers';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs(accessLog);
});
afterEach(async () => {
  logs.restore();
  await closeAll();
});

class EchoArgs extends RequestHandler {
  get(...args: unknown[]) {
    this.write({ args, pathArgs: this.pathArgs, pathKwargs: this.pathKwargs });
  }
}

class Named extends RequestHandler {
  get(groups: Record<string, string>) {
    this.write({ groups, pathKwargs: this.pathKwargs });
  }
}

class Text extends RequestHandler {
  text = '';
  override initialize(kwargs: Record<string, unknown>) {
    this.text = String(kwargs.text);
  }
  get() {
    this.write(this.text);
  }
}

describe('path matching', () => {
  test('routes are tried in order and must match the whole path', async () => {
    const app = new Application([
      ['/a', Text, { text: 'first' }],
      ['/a', Text, { text: 'second' }],
      ['/b.*', Text, { text: 'b' }],
      [/\/c\d+/, Text, { text: 'c' }],
    ]);
    const { fetch } = await startServer(app);
    expect(await (await fetch('/a')).text()).toBe('first');
    expect((await fetch('/a/more')).status).toBe(404);
    expect((await fetch('/x/a')).status).toBe(404);
    expect(await (await fetch('/bcd')).text()).toBe('b');
    expect(await (await fetch('/c12')).text()).toBe('c');
    expect((await fetch('/c12x')).status).toBe(404);
    // The query string is not part of the path.
    expect(await (await fetch('/a?x=1')).text()).toBe('first');
  });

  test('an alternation is anchored as a whole', async () => {
    const { fetch } = await startServer(new Application([['/x|/y', Text, { text: 'xy' }]]));
    expect(await (await fetch('/y')).text()).toBe('xy');
    expect((await fetch('/x/extra')).status).toBe(404);
    expect((await fetch('/zz/y')).status).toBe(404);
  });

  test('positional groups are URL-decoded (UTF-8, + kept) and passed as arguments', async () => {
    const { fetch } = await startServer(new Application([['/p/(.*)/(.*)', EchoArgs]]));
    const body = await (await fetch('/p/%C3%A9t%C3%A9/a+b%20c')).json();
    expect(body).toEqual({ args: ['été', 'a+b c'], pathArgs: ['été', 'a+b c'], pathKwargs: {} });
    // An encoded slash is decoded after matching, so it stays inside one group.
    expect(((await (await fetch('/p/a%2Fb/c')).json()) as { args: unknown }).args).toEqual(['a/b', 'c']);
  });

  test('plain ASCII groups, escaped groups, raw non-ASCII bytes and absent optional groups mix in one match', async () => {
    const { fetch, port } = await startServer(new Application([['/m/([^/]*)/([^/]*)/?(x)?', EchoArgs]]));
    expect(((await (await fetch('/m/42/a%41')).json()) as { args: unknown }).args).toEqual(['42', 'aA', null]);
    expect(((await (await fetch('/m/42/7/x')).json()) as { args: unknown }).args).toEqual(['42', '7', 'x']);
    // Raw UTF-8 bytes in the path (no escapes) still go through the UTF-8 decoding.
    const raw = await rawExchange(port, Buffer.from('GET /m/\xc3\xa9/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'));
    expect(JSON.parse(Buffer.from(parseRawResponse(raw).body, 'latin1').toString('utf8')).args).toEqual(['é', 'b', null]);
  });

  test('an overridden decodeArgument sees every group, plain ASCII ones included', async () => {
    class Latin1Groups extends EchoArgs {
      override decodeArgument(value: Buffer): string {
        return `<${value.toString('latin1')}>`;
      }
    }
    const { fetch } = await startServer(new Application([['/d/(.*)/(.*)', Latin1Groups]]));
    expect(((await (await fetch('/d/42/%C3%A9')).json()) as { args: unknown }).args).toEqual(['<42>', '<\u00c3\u00a9>']);
  });

  test('an encoded ? stays in the group and is not a query (RequestEncodingTest.test_group_question_mark)', async () => {
    class EchoQuery extends RequestHandler {
      get(group: string) {
        this.write({ path: this.request.path, group, q: this.getArgument('?', null) });
      }
    }
    const { fetch } = await startServer(new Application([['/group/(.*)', EchoQuery]]));
    expect(await (await fetch('/group/%3F')).json()).toEqual({ path: '/group/%3F', group: '?', q: null });
    expect(await (await fetch('/group/%3F?%3F=%3F')).json()).toEqual({ path: '/group/%3F', group: '?', q: '?' });
    expect(await (await fetch('/group/%C3%A9?arg=%C3%A9')).json()).toMatchObject({ group: 'é' });
  });

  test('a group that is not valid UTF-8 is a 400', async () => {
    const { fetch } = await startServer(new Application([['/p/(.*)', EchoArgs]]));
    expect((await fetch('/p/%C3%28')).status).toBe(400);
    expect((await fetch('/p/%FF')).status).toBe(400);
  });

  test('an optional group that did not match is undefined (null in JSON)', async () => {
    const { fetch } = await startServer(new Application([['/opt/(foo)?', EchoArgs]]));
    expect(((await (await fetch('/opt/foo')).json()) as { args: unknown }).args).toEqual(['foo']);
    expect(((await (await fetch('/opt/')).json()) as { args: unknown }).args).toEqual([null]);
  });

  test('named groups are passed as one object and set pathKwargs (Python (?P<name>) accepted too)', async () => {
    const app = new Application([
      ['/js/(?<first>[^/]+)/(?<second>.*)', Named],
      ['/py/(?P<first>[^/]+)/(?P<second>.*)', Named],
    ]);
    const { fetch } = await startServer(app);
    const expected = { groups: { first: 'x y', second: 'é' }, pathKwargs: { first: 'x y', second: 'é' } };
    expect(await (await fetch('/js/x%20y/%C3%A9')).json()).toEqual(expected);
    expect(await (await fetch('/py/x%20y/%C3%A9')).json()).toEqual(expected);
  });

  test('RegExp flags are kept (case-insensitive routes)', async () => {
    const { fetch } = await startServer(new Application([[/\/case/i, Text, { text: 'ci' }]]));
    expect(await (await fetch('/CaSe')).text()).toBe('ci');
  });

  test('path args are decoded before prepare() sees them', async () => {
    class PrepareSees extends RequestHandler {
      seen: unknown;
      override prepare() {
        this.seen = { args: this.pathArgs, kwargs: this.pathKwargs };
      }
      get() {
        this.write({ seen: this.seen });
      }
    }
    const { fetch } = await startServer(new Application([['/pos/(.*)', PrepareSees], ['/kw/(?<path>.*)', PrepareSees]]));
    expect(await (await fetch('/pos/h%C3%A9')).json()).toEqual({ seen: { args: ['hé'], kwargs: {} } });
    expect(((await (await fetch('/kw/h%C3%A9')).json()) as { seen: { kwargs: unknown } }).seen.kwargs).toEqual({ path: 'hé' });
  });

  test('every route form: tuple, tuple with kwargs, with name, url(), URLSpec', async () => {
    const app = new Application([
      ['/one', Text, { text: '1' }],
      ['/two', Text, { text: '2' }, 'two'],
      url('/three/(\\d+)', Text, { kwargs: { text: '3' }, name: 'three' }),
      new URLSpec('/four', Text, { text: '4' }),
    ]);
    const { fetch } = await startServer(app);
    for (const [path, text] of [['/one', '1'], ['/two', '2'], ['/three/7', '3'], ['/four', '4']]) {
      expect(await (await fetch(path)).text()).toBe(text);
    }
    expect(app.reverseUrl('two')).toBe('/two');
    expect(app.reverseUrl('three', 42)).toBe('/three/42');
  });

  test('a malformed route is refused at construction', () => {
    expect(() => new Application([['/x'] as never])).toThrow(TypeError);
    expect(() => new Application([['/x', 'NotAClass'] as never])).toThrow(TypeError);
  });
});

describe('not found', () => {
  test('the default 404 is an HTML page, logged as a warning', async () => {
    const { fetch } = await startServer(new Application([]));
    const response = await fetch('/missing');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(await response.text()).toBe('<html><title>404: Not Found</title><body>404: Not Found</body></html>');
    expect(logs.records).toContainEqual(expect.objectContaining({ level: 'warn', text: expect.stringMatching(/^404 GET \/missing \(127\.0\.0\.1\) \d+\.\d\dms$/) }));
  });

  test('a POST to a missing page is 404 even with xsrfCookies', async () => {
    const { fetch } = await startServer(new Application([], { xsrfCookies: true, cookieSecret: 's' }));
    expect((await fetch('/missing', { method: 'POST', body: 'a=1' })).status).toBe(404);
  });

  test('defaultHandlerClass and defaultHandlerArgs answer unmatched requests', async () => {
    class Custom404 extends RequestHandler {
      get() {
        this.setStatus(404);
        this.write('custom 404 page');
      }
    }
    const { fetch } = await startServer(new Application([], { defaultHandlerClass: Custom404 }));
    const response = await fetch('/x');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('custom 404 page');

    const withArgs = await startServer(new Application([], { defaultHandlerClass: ErrorHandler, defaultHandlerArgs: { statusCode: 403 } }));
    expect((await withArgs.fetch('/x')).status).toBe(403);
  });
});

describe('virtual hosts', () => {
  class Host extends RequestHandler {
    get() {
      this.write(`${String(this.application.settings.label ?? '')}${(this.constructor as { label?: string }).label ?? ''}`);
    }
  }
  class WildHost extends Host {
    static label = 'wildcard';
  }
  class ExampleHost extends Host {
    static label = 'www.example.com';
  }
  class OtherHost extends Host {
    static label = 'other';
  }

  async function get(port: number, path: string, host: string, extra = ''): Promise<ReturnType<typeof parseRawResponse>> {
    return parseRawResponse(await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n${extra}\r\n`));
  }

  test('addHandlers routes by host name first, then the constructor routes for any host', async () => {
    const app = new Application([['/foo', WildHost]]);
    app.addHandlers('www.example.com', [['/foo', ExampleHost], ['/bar', ExampleHost]]);
    app.addHandlers(/.*\.other\.org/, [['/baz', OtherHost]]);
    const { port } = await startServer(app);
    expect((await get(port, '/foo', '127.0.0.1')).body).toBe('wildcard');
    expect((await get(port, '/foo', 'www.example.com')).body).toBe('www.example.com');
    expect((await get(port, '/foo', 'WWW.EXAMPLE.COM:8080')).body).toBe('www.example.com');
    expect((await get(port, '/bar', 'www.example.com')).body).toBe('www.example.com');
    expect((await get(port, '/bar', 'x.example.com')).status).toBe(404);
    // Host patterns are anchored: a suffix or prefix is not enough.
    expect((await get(port, '/bar', 'www.example.com.evil')).status).toBe(404);
    expect((await get(port, '/baz', 'a.other.org')).body).toBe('other');
    // A host whose routes do not match falls back to the wildcard routes.
    expect((await get(port, '/foo', 'a.other.org')).body).toBe('wildcard');
  });

  test('defaultHost: requests for unknown hosts use its routes, unless they came through a proxy', async () => {
    const app = new Application([], { defaultHost: 'www.example.com' });
    app.addHandlers('www.example.com', [['/foo', ExampleHost]]);
    const { port } = await startServer(app);
    expect((await get(port, '/foo', 'www.example.com')).body).toBe('www.example.com');
    expect((await get(port, '/foo', '127.0.0.1')).body).toBe('www.example.com');
    expect((await get(port, '/foo', '127.0.0.1', 'X-Real-Ip: 192.0.2.1\r\n')).status).toBe(404);
  });
});

describe('reverseUrl', () => {
  class Nothing extends RequestHandler {}
  const app = new Application([
    url('/decode_arg/(.*)', Nothing, { name: 'decode_arg' }),
    url('/post/(\\d+)/(.*)', Nothing, { name: 'two' }),
    url('/plain', Nothing, { name: 'plain' }),
    url('^/anchored$', Nothing, { name: 'anchored' }),
    url('/escaped\\.html/(.*)', Nothing, { name: 'escaped' }),
    url('/complex/(?:a|b)/(.*)', Nothing, { name: 'complex' }),
    url('/digit\\d', Nothing, { name: 'classy' }),
  ]);

  test('fills groups with URL-escaped values', () => {
    expect(app.reverseUrl('decode_arg', 'foo')).toBe('/decode_arg/foo');
    expect(app.reverseUrl('decode_arg', 42)).toBe('/decode_arg/42');
    expect(app.reverseUrl('decode_arg', Buffer.from([0xe9]))).toBe('/decode_arg/%E9');
    expect(app.reverseUrl('decode_arg', 'é')).toBe('/decode_arg/%C3%A9');
    expect(app.reverseUrl('decode_arg', '1 + 1')).toBe('/decode_arg/1%20%2B%201');
    // As Tornado (quote's safe '/'), a slash in a value is kept.
    expect(app.reverseUrl('two', 5, 'a/b')).toBe('/post/5/a/b');
    expect(app.reverseUrl('plain')).toBe('/plain');
    expect(app.reverseUrl('anchored')).toBe('/anchored');
    expect(app.reverseUrl('escaped', 'x')).toBe('/escaped.html/x');
  });

  test('unknown names, wrong counts and complex patterns throw ReverseUrlError', () => {
    expect(() => app.reverseUrl('nope')).toThrow(ReverseUrlError);
    expect(() => app.reverseUrl('two', 1)).toThrow(ReverseUrlError);
    expect(() => app.reverseUrl('complex', 'x')).toThrow(ReverseUrlError);
    expect(() => app.reverseUrl('classy')).toThrow(ReverseUrlError);
  });

  test('virtual-host routes are found too, and handlers reach reverseUrl', async () => {
    class Reverser extends RequestHandler {
      get() {
        this.write(this.reverseUrl('hosted', 'x y'));
      }
    }
    const hosted = new Application([['/r', Reverser]]);
    hosted.addHandlers('.*', [url('/h/(.*)', Nothing, { name: 'hosted' })]);
    expect(hosted.reverseUrl('hosted', 'a')).toBe('/h/a');
    const { fetch } = await startServer(hosted);
    expect(await (await fetch('/r')).text()).toBe('/h/x%20y');
  });
});

describe('RedirectHandler and ErrorHandler', () => {
  test('permanent by default, temporary on request; the query string is kept', async () => {
    const app = new Application([
      ['/perm', RedirectHandler, { url: '/new' }],
      ['/temp', RedirectHandler, { url: '/new', permanent: false }],
      ['//double_slash', RedirectHandler, { url: '/new' }],
    ]);
    const { fetch } = await startServer(app);
    let response = await fetch('/perm');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/new');
    response = await fetch('/temp?a=1&b=%C3%A9');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/new?a=1&b=%C3%A9');
  });

  test('route groups are substituted: {0} positional, {name} named', async () => {
    const app = new Application([
      ['/a/(.*)/(.*)', RedirectHandler, { url: '/b/{1}/{0}' }],
      ['/c/(?<name>.*)', RedirectHandler, { url: '/d/{name}' }],
      ['/e/(.*)', RedirectHandler, { url: 'https://example.com/{0}' }],
    ]);
    const { fetch } = await startServer(app);
    expect((await fetch('/a/x/y')).headers.get('location')).toBe('/b/y/x');
    expect((await fetch('/c/z')).headers.get('location')).toBe('/d/z');
    expect((await fetch('/e/path')).headers.get('location')).toBe('https://example.com/path');
  });

  test('never emits a protocol-relative //host redirect (Tornado 6.6 security fix)', async () => {
    const app = new Application([['/(.*)', RedirectHandler, { url: '/{0}' }]]);
    const { port } = await startServer(app);
    for (const path of ['//evil.com', '/%2Fevil.com', '/%5Cevil.com', '///evil.com/x']) {
      const response = parseRawResponse(await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`));
      expect(response.status).toBe(301);
      const location = response.headers.location[0];
      expect(location).not.toMatch(/^[/\\]{2}/);
      expect(location.startsWith('/')).toBe(true);
    }
  });

  test('ErrorHandler answers its status for every method', async () => {
    const { fetch } = await startServer(new Application([['/gone', ErrorHandler, { statusCode: 410 }]]));
    const response = await fetch('/gone', { method: 'POST', body: '' });
    expect(response.status).toBe(410);
    expect(await response.text()).toBe('<html><title>410: Gone</title><body>410: Gone</body></html>');
  });
});
