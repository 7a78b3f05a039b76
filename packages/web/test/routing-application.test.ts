// Application as a rule router (Tornado's Application with wildcard_router and default_router):
// rules of every form in the handler list, nested applications under a path prefix, the switch to
// routing mode when a rule targets something other than a handler class (handlers, bodies and
// streamed bodies must behave the same there), findHandler's precomputed routes, virtual hosts
// (HostMatchingTest, DefaultHostMatchingTest with `app.defaultHost` changed while serving), names
// (Tornado's last-wins with a warning), RequestSummaryTest, ApplicationTest, and the uiModules /
// uiMethods settings loaded as Tornado loads them, and hostile input (bad Host in routing mode,
// malformed escapes in groups, a long path through many routes).
// Not applicable: Python module objects as ui_modules (a module namespace object plays that part).
import { HTTPHeaders, HTTPServerRequest, type HTTPConnection } from '@tornado-ts/httputil';
import { appLog } from '@tornado-ts/ioloop';
import { afterEach, describe, expect, test } from 'vitest';
import {
  Application,
  ErrorHandler,
  HostMatches,
  PathMatches,
  RequestHandler,
  ReverseUrlError,
  Rule,
  SettingsError,
  UIModule,
  streamRequestBody,
  url,
} from '../src/index';
import { captureLogs, closeAll, muteAccessLog, parseRawResponse, rawExchange, startServer, track } from './helpers';

muteAccessLog();
afterEach(closeAll);

function request(uri: string, headers: Record<string, string> = {}): HTTPServerRequest {
  return new HTTPServerRequest({ uri, headers: new HTTPHeaders(headers) });
}

class Reply extends RequestHandler {
  reply = '';
  override initialize(kwargs: Record<string, unknown>) {
    this.reply = String(kwargs.reply);
  }
  get(...args: unknown[]) {
    this.write(args.length > 0 ? `${this.reply} ${JSON.stringify(args)}` : this.reply);
  }
}

async function answer(req: HTTPServerRequest, text: string): Promise<void> {
  const connection = req.connection as HTTPConnection;
  const body = Buffer.from(text);
  await connection.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, new HTTPHeaders({ 'Content-Length': String(body.length) }), body);
  await connection.finish();
}

async function getWithHost(port: number, path: string, host: string, extra = ''): Promise<ReturnType<typeof parseRawResponse>> {
  return parseRawResponse(await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n${extra}\r\n`));
}

describe('rules in the handler list', () => {
  test('a matcher first, a nested list of routes as target, a Rule, url() and tuples mix', async () => {
    const app = new Application([
      [new HostMatches('api\\.example'), [['/v1/(\\d+)', Reply, { reply: 'api' }, 'api-item']]],
      new Rule(new PathMatches('/rule'), Reply, { reply: 'rule' }, 'rule'),
      url('/url', Reply, { kwargs: { reply: 'url' } }),
      ['/tuple', Reply, { reply: 'tuple' }],
    ]);
    const { port, fetch } = await startServer(app);
    expect((await getWithHost(port, '/v1/3', 'api.example')).body).toBe('api ["3"]');
    expect((await getWithHost(port, '/v1/3', 'www.example')).status).toBe(404);
    for (const name of ['rule', 'url', 'tuple']) expect(await (await fetch(`/${name}`)).text()).toBe(name);
    expect(app.reverseUrl('api-item', 9)).toBe('/v1/9');
    expect(app.reverseUrl('rule')).toBe('/rule');
  });

  test('an application nested under a path prefix serves it with its own settings, routes and 404', async () => {
    class WhoAmI extends RequestHandler {
      get() {
        this.write(`${String(this.settings.label)} ${this.reverseUrl('inner')}`);
      }
    }
    const inner = new Application([url('/sub/inner', WhoAmI, { name: 'inner' })], { label: 'inner-app' });
    const outer = new Application([[new PathMatches('/sub/.*'), inner], ['/outer', WhoAmI]], { label: 'outer-app' });
    outer.wildcardRouter.addRules([url('/named-outer', WhoAmI, { name: 'inner' })]);
    const { fetch } = await startServer(outer);
    expect(await (await fetch('/sub/inner')).text()).toBe('inner-app /sub/inner');
    expect(await (await fetch('/outer')).text()).toBe('outer-app /named-outer');
    const missing = await fetch('/sub/missing');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('<html><title>404: Not Found</title><body>404: Not Found</body></html>');
    // The outer application reverses through the nested one for names it lacks.
    const reversing = new Application([[new PathMatches('/sub/.*'), inner]]);
    expect(reversing.reverseUrl('inner')).toBe('/sub/inner');
  });
});

describe('an application with other targets than handler classes (routing mode)', () => {
  class Echo extends RequestHandler {
    post(...args: unknown[]) {
      this.write({ args, body: this.request.body.toString(), a: this.getArgument('a', null) });
    }
  }
  @streamRequestBody
  class Streamed extends RequestHandler {
    chunks: number[] = [];
    dataReceived(chunk: Buffer) {
      this.chunks.push(chunk.length);
    }
    put() {
      this.write({ sizes: this.chunks.reduce((a, b) => a + b, 0), prepared: true });
    }
  }
  class Custom404 extends RequestHandler {
    get() {
      this.setStatus(404);
      this.write('custom 404');
    }
  }
  function mixedApp(settings: Record<string, unknown> = {}): Application {
    return new Application(
      [
        ['/callback', (req: HTTPServerRequest) => answer(req, 'callback')],
        ['/echo/(.*)', Echo],
        ['/named/(?<id>\\d+)', Reply, { reply: 'named' }],
        ['/streamed', Streamed],
      ],
      settings,
    );
  }

  test('handler routes still get their groups, kwargs, buffered body and form arguments', async () => {
    const { fetch } = await startServer(mixedApp());
    expect(await (await fetch('/callback')).text()).toBe('callback');
    const response = await fetch('/echo/h%C3%A9', { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(await response.json()).toEqual({ args: ['hé'], body: 'a=1', a: '1' });
    expect(await (await fetch('/named/5')).text()).toBe('named [{"id":"5"}]');
  });

  test('a streamed body reaches dataReceived through the routing delegate', async () => {
    const { port } = await startServer(mixedApp());
    const chunked = 'PUT /streamed HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n';
    const response = parseRawResponse(await rawExchange(port, chunked));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ sizes: 7, prepared: true });
  });

  test('unmatched requests get the 404 page, or defaultHandlerClass', async () => {
    const plain = await startServer(mixedApp());
    const missing = await plain.fetch('/missing');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('404: Not Found');
    const custom = await startServer(mixedApp({ defaultHandlerClass: Custom404 }));
    expect(await (await custom.fetch('/missing')).text()).toBe('custom 404');
    const withArgs = await startServer(mixedApp({ defaultHandlerClass: ErrorHandler, defaultHandlerArgs: { statusCode: 410 } }));
    expect((await withArgs.fetch('/missing')).status).toBe(410);
  });

  test('a rule added to wildcardRouter later, with a callback target, is served', async () => {
    const app = new Application([['/h', Reply, { reply: 'h' }]]);
    const { fetch } = await startServer(app);
    expect(await (await fetch('/h')).text()).toBe('h');
    app.wildcardRouter.addRules([['/late', (req: HTTPServerRequest) => answer(req, 'late')]]);
    expect(await (await fetch('/late')).text()).toBe('late');
    expect(await (await fetch('/h')).text()).toBe('h');
  });

  test('findHandler considers handler rules only: it never runs another target', () => {
    let called = false;
    const app = new Application([
      [new PathMatches('/x'), { startRequest: () => ((called = true), null as never), onClose() {} }],
      ['/x', Reply, { reply: 'second' }],
    ]);
    const route = app.findHandler(request('/x'));
    expect(route.handlerClass).toBe(Reply);
    expect(route.kwargs).toEqual({ reply: 'second' });
    expect(called).toBe(false);
  });
});

describe('findHandler', () => {
  test('a literal route, and the 404, are routes made in advance: the same object every time', () => {
    const app = new Application([['/', Reply, { reply: 'root' }], ['/item/(\\d+)', Reply, { reply: 'item' }]]);
    const first = app.findHandler(request('/'));
    expect(app.findHandler(request('/?q=1'))).toBe(first);
    expect(first.match.args).toEqual([]);
    const missing = app.findHandler(request('/nope'));
    expect(missing.handlerClass).toBe(ErrorHandler);
    expect(app.findHandler(request('/nope2'))).toBe(missing);
    const item = app.findHandler(request('/item/4'));
    expect(item.match.args).toEqual([Buffer.from('4')]);
    expect(app.findHandler(request('/item/4'))).not.toBe(item);
  });

  test('static file routes come first', () => {
    const app = new Application([['/static/(.*)', Reply, { reply: 'shadowed' }]], { staticPath: '/tmp' });
    expect(app.findHandler(request('/static/a.css')).handlerClass).toBe(app.staticHandlerClass);
    expect(app.findHandler(request('/robots.txt')).kwargs).toMatchObject({ path: '/tmp' });
  });
});

describe('virtual hosts', () => {
  test('every matching host is considered, in the order added (HostMatchingTest)', async () => {
    const app = new Application([['/foo', Reply, { reply: 'wildcard' }]]);
    app.addHandlers('www.example.com', [['/foo', Reply, { reply: '[0]' }]]);
    app.addHandlers('www\\.example\\.com', [['/bar', Reply, { reply: '[1]' }]]);
    app.addHandlers('www.example.com', [['/baz', Reply, { reply: '[2]' }]]);
    app.addHandlers('www.e.*e.com', [['/baz', Reply, { reply: '[3]' }]]);
    const { port } = await startServer(app);
    expect((await getWithHost(port, '/foo', '127.0.0.1')).body).toBe('wildcard');
    expect((await getWithHost(port, '/bar', '127.0.0.1')).status).toBe(404);
    expect((await getWithHost(port, '/baz', '127.0.0.1')).status).toBe(404);
    expect((await getWithHost(port, '/foo', 'www.example.com')).body).toBe('[0]');
    expect((await getWithHost(port, '/bar', 'www.example.com')).body).toBe('[1]');
    expect((await getWithHost(port, '/baz', 'www.example.com')).body).toBe('[2]');
    expect((await getWithHost(port, '/baz', 'www.exe.com')).body).toBe('[3]');
  });

  test('app.defaultHost picks the routes of unknown hosts and may change while serving (DefaultHostMatchingTest)', async () => {
    const app = new Application([], { defaultHost: 'www.example.com' });
    app.addHandlers('www.example.com', [['/foo', Reply, { reply: '[0]' }]]);
    app.addHandlers('www\\.example\\.com', [['/bar', Reply, { reply: '[1]' }]]);
    app.addHandlers('www.test.com', [['/baz', Reply, { reply: '[2]' }]]);
    const { port } = await startServer(app);
    expect((await getWithHost(port, '/foo', '127.0.0.1')).body).toBe('[0]');
    expect((await getWithHost(port, '/bar', '127.0.0.1')).body).toBe('[1]');
    expect((await getWithHost(port, '/baz', '127.0.0.1')).status).toBe(404);
    expect((await getWithHost(port, '/foo', '127.0.0.1', 'X-Real-Ip: 127.0.0.1\r\n')).status).toBe(404);
    app.defaultHost = 'www.test.com';
    expect(app.settings.defaultHost).toBe('www.test.com');
    expect((await getWithHost(port, '/baz', '127.0.0.1')).body).toBe('[2]');
    expect((await getWithHost(port, '/foo', '127.0.0.1')).status).toBe(404);
    app.settings.defaultHost = 'www.example.com'; // the setting itself is read per request too
    expect((await getWithHost(port, '/foo', '127.0.0.1')).body).toBe('[0]');
    app.defaultHost = undefined;
    expect((await getWithHost(port, '/baz', '127.0.0.1')).status).toBe(404);
  });

  test('a default host set after addHandlers still applies', () => {
    const app = new Application();
    app.addHandlers('late\\.example', [['/x', Reply, { reply: 'late' }]]);
    expect(app.findHandler(request('/x')).handlerClass).toBe(ErrorHandler);
    app.defaultHost = 'late.example';
    expect(app.findHandler(request('/x')).kwargs).toEqual({ reply: 'late' });
  });

  test('the rules: one per host before the wildcard rule, and a default-host rule after the wildcard routes', () => {
    const app = new Application([['/w', Reply, { reply: 'w' }]]);
    app.addHandlers('a', [['/a', Reply, { reply: 'a' }]]);
    app.addHandlers('b', [['/b', Reply, { reply: 'b' }]]);
    const top = app.defaultRouter.rules;
    expect(top.map((rule) => rule.matcher.constructor.name)).toEqual(['HostMatches', 'HostMatches', 'AnyMatches']);
    expect(top[2].target).toBe(app.wildcardRouter);
    expect(app.wildcardRouter.rules.map((rule) => rule.matcher.constructor.name)).toEqual(['PathMatches', 'DefaultHostMatches', 'DefaultHostMatches']);
  });
});

describe('names', () => {
  test('a duplicated route name: the last one wins, with a warning (as Tornado)', async () => {
    const records = captureLogs(appLog);
    try {
      const app = new Application([url('/old', Reply, { name: 'page' }), url('/new', Reply, { name: 'page' })]);
      expect(app.reverseUrl('page')).toBe('/new');
      expect(records.records).toContainEqual(expect.objectContaining({ level: 'warn', text: 'Multiple handlers named page; replacing previous value' }));
    } finally {
      records.restore();
    }
  });

  test('an unknown name throws ReverseUrlError', () => {
    expect(() => new Application().reverseUrl('nothing')).toThrow(ReverseUrlError);
  });
});

describe('the request summary and listen', () => {
  test('requestSummary() survives a request without a remote IP (RequestSummaryTest)', async () => {
    class Summary extends RequestHandler {
      get() {
        this.request.remoteIp = null;
        return this.finish(this.requestSummary());
      }
    }
    const { fetch } = await startServer(new Application([['/', Summary]]));
    expect(await (await fetch('/')).text()).toBe('GET / (unknown)');
  });

  test('listen(0, address) resolves to a listening server that stops (ApplicationTest)', async () => {
    const server = track(await new Application([]).listen(0, '127.0.0.1'));
    expect(server.port).toBeGreaterThan(0);
  });
});

describe('uiModules and uiMethods settings', () => {
  class Widget extends UIModule {
    override render() {
      return 'widget';
    }
  }
  const method = () => 'x';

  test('entries that are not UIModule classes are skipped, so a module namespace may be given', () => {
    const namespace = Object.freeze(Object.assign(Object.create(null) as object, { Widget, VERSION: 3, helper: method, [Symbol.toStringTag]: 'Module' }));
    const app = new Application([], { uiModules: namespace, uiMethods: namespace });
    expect(app.uiModules.Widget).toBe(Widget);
    expect(app.uiModules.VERSION).toBeUndefined();
    // The built-ins are always there.
    expect(Object.keys(app.uiModules)).toEqual(expect.arrayContaining(['linkify', 'xsrfFormHtml', 'Template', 'Widget']));
    expect(Object.keys(app.uiMethods)).toEqual(['helper']);
  });

  test('method names starting with _ or a capital are skipped; lists, nested too, are merged in order', () => {
    const app = new Application([], {
      uiMethods: [{ a: method, _hidden: method, Capital: method }, [{ b: method }, { a: () => 'later' }]],
      uiModules: [[{ Widget }]],
    });
    expect(Object.keys(app.uiMethods)).toEqual(['a', 'b']);
    expect((app.uiMethods.a as () => string)()).toBe('later');
    expect(app.uiModules.Widget).toBe(Widget);
  });

  test('values that are neither records nor lists of records are refused', () => {
    for (const bad of [42, 'Widget', [1], [{ ok: method }, 'x'], null]) {
      expect(() => new Application([], { uiModules: bad as never }), String(bad)).toThrow(SettingsError);
      expect(() => new Application([], { uiMethods: bad as never }), String(bad)).toThrow(SettingsError);
    }
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => new Application([], { uiModules: cyclic as never })).toThrow(SettingsError);
  });
});

describe('hostile input', () => {
  class Group extends RequestHandler {
    get(value: string) {
      this.write(`[${value}]`);
    }
  }

  test('a bad Host header in routing mode is a 400, and the server keeps serving', async () => {
    const app = new Application([['/cb', (req: HTTPServerRequest) => answer(req, 'ok')], ['/h', Reply, { reply: 'h' }]]);
    const { port, fetch } = await startServer(app);
    const missing = parseRawResponse(await rawExchange(port, 'GET /h HTTP/1.1\r\nConnection: close\r\n\r\n'));
    expect(missing.status).toBe(400);
    const twice = parseRawResponse(await rawExchange(port, 'GET /cb HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n'));
    expect(twice.status).toBe(400);
    expect(await (await fetch('/cb')).text()).toBe('ok');
    expect(await (await fetch('/h')).text()).toBe('h');
  });

  test('malformed percent escapes in a group do not break the server', async () => {
    const { port, fetch } = await startServer(new Application([['/g/(.*)', Group]]));
    for (const path of ['/g/%', '/g/%Z', '/g/%ZZ%4', '/g/%%%']) {
      const response = parseRawResponse(await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`));
      expect([200, 400], path).toContain(response.status);
    }
    expect(await (await fetch('/g/ok')).text()).toBe('[ok]');
  });

  test('a long path through many routes is answered quickly', async () => {
    const routes = Array.from({ length: 200 }, (_, i): [string, typeof Group] => [`/section${i}/(\\d+)/(.*)`, Group]);
    const { port } = await startServer(new Application(routes));
    const path = `/section7/${'9'.repeat(6000)}x/${'a'.repeat(6000)}`;
    const started = performance.now();
    const response = parseRawResponse(await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`));
    expect(response.status).toBe(404);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
