// Rule-based routing on its own, after Tornado's tornado/test/routing_test.py: BasicRouterTestCase
// (a Router that answers every request), HTTPMethodRouterTestCase (a router choosing the handler by
// method through app.getHandlerDelegate), CustomRouterTestCase (a ReversibleRouter over two
// applications), RuleRouterTest (host rules, nested routers, name lookup through a custom router,
// callbacks, connection delegates, 404) and WSGIContainerTestCase's routing part (an Application
// nested in a RuleRouter under a path prefix, and the 404 of a router that finds nothing). Plus
// the matchers (AnyMatches, HostMatches, DefaultHostMatches, PathMatches) and Rule checks.
// Not applicable: WSGIContainer (no WSGI in Node; a plain callback or a server delegate plays its
// part and is tested), and targets given as import strings ("tornado.test.routing_test.SecondHandler":
// JavaScript has no importable dotted names, so the class is given itself).
import { HTTPHeaders, HTTPServerRequest, type HTTPConnection, type HTTPMessageDelegate, type HTTPServerConnectionDelegate } from '@tornado-ts/httputil';
import { appLog } from '@tornado-ts/ioloop';
import { afterEach, describe, expect, test } from 'vitest';
import {
  AnyMatches,
  Application,
  DefaultHostMatches,
  HTTPError,
  HostMatches,
  NO_GROUPS,
  PathMatches,
  RequestHandler,
  ReverseUrlError,
  ReversibleRouter,
  ReversibleRuleRouter,
  Router,
  Rule,
  RuleRouter,
  type TargetParams,
} from '../src/index';
import { captureLogs, closeAll, parseRawResponse, rawExchange, startServer } from './helpers';

afterEach(async () => {
  await closeAll();
});

function request(uri: string, headers: Record<string, string> = {}): HTTPServerRequest {
  return new HTTPServerRequest({ uri, headers: new HTTPHeaders(headers) });
}

/** Answers `text` with 200 from a bare message delegate, as routing_test.py's MessageDelegate does. */
class TextDelegate implements HTTPMessageDelegate {
  constructor(
    readonly connection: HTTPConnection,
    readonly text: string,
  ) {}
  headersReceived(): void {}
  dataReceived(): void {}
  async finish(): Promise<void> {
    const body = Buffer.from(this.text);
    const headers = new HTTPHeaders({ 'Content-Length': String(body.length) });
    await this.connection.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, headers);
    await this.connection.write(body);
    await this.connection.finish();
  }
  onConnectionClose(): void {}
}

class ConnectionDelegate implements HTTPServerConnectionDelegate {
  startRequest(_serverConn: object, requestConn: HTTPConnection): HTTPMessageDelegate {
    return new TextDelegate(requestConn, 'OK');
  }
  onClose(): void {}
}

function namedHandler(handlerName: string): typeof RequestHandler {
  return class extends RequestHandler {
    get() {
      const appName = this.settings.appName;
      if (typeof appName === 'string') this.write(`${appName}: `);
      return this.finish(`${handlerName}: ${this.reverseUrl(handlerName)}`);
    }
  };
}
const FirstHandler = namedHandler('first_handler');
const SecondHandler = namedHandler('second_handler');

describe('Router (BasicRouterTestCase)', () => {
  test('a router whose findHandler gives one delegate answers every request', async () => {
    class BasicRouter extends Router {
      findHandler(request: HTTPServerRequest): HTTPMessageDelegate {
        return new TextDelegate(request.connection as HTTPConnection, 'OK');
      }
    }
    const { fetch } = await startServer(new BasicRouter());
    const response = await fetch('/any_request');
    expect(await response.text()).toBe('OK');
  });

  test('a router that finds nothing answers 404 with an empty body', async () => {
    class NothingRouter extends Router {
      findHandler(): null {
        return null;
      }
    }
    const { port } = await startServer(new NothingRouter());
    const raw = await rawExchange(port, 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /y HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    // Two answers on one connection: the body of the first request was read past, keep-alive held.
    expect(raw.match(/HTTP\/1\.1 404 Not Found\r\n/g)).toHaveLength(2);
    expect(parseRawResponse(raw).headers['content-length']).toEqual(['0']);
  });
});

describe('routers that use Application.getHandlerDelegate', () => {
  test('choosing the handler by method (HTTPMethodRouterTestCase)', async () => {
    const resources = new Map<string, Buffer>();
    class GetResource extends RequestHandler {
      get(path: string) {
        const found = resources.get(path);
        if (found === undefined) throw new HTTPError(404);
        return this.finish(found);
      }
    }
    class PostResource extends RequestHandler {
      post(path: string) {
        resources.set(path, this.request.body);
      }
    }
    class HTTPMethodRouter extends Router {
      constructor(readonly app: Application) {
        super();
      }
      findHandler(request: HTTPServerRequest): HTTPMessageDelegate {
        const handler = request.method === 'GET' ? GetResource : PostResource;
        return this.app.getHandlerDelegate(request, handler, {}, [Buffer.from(request.path)]);
      }
    }
    const { fetch } = await startServer(new HTTPMethodRouter(new Application()));
    expect((await fetch('/post_resource', { method: 'POST', body: 'data' })).status).toBe(200);
    expect((await fetch('/get_resource')).status).toBe(404);
    const response = await fetch('/post_resource');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('data');
  });

  test('a ReversibleRouter over two applications (CustomRouterTestCase)', async () => {
    class CustomRouter extends ReversibleRouter {
      readonly routes = new Map<string, [Application, typeof RequestHandler]>();
      findHandler(request: HTTPServerRequest): HTTPMessageDelegate | null {
        const route = this.routes.get(request.path);
        return route === undefined ? null : route[0].getHandlerDelegate(request, route[1]);
      }
      reverseUrl(name: string, ..._args: unknown[]): string | null {
        return this.routes.has(`/${name}`) ? `/${name}` : null;
      }
    }
    const router = new CustomRouter();
    class CustomApplication extends Application {
      override reverseUrl(name: string, ...args: unknown[]): string {
        return router.reverseUrl(name, ...args) ?? super.reverseUrl(name, ...args);
      }
    }
    const app1 = new CustomApplication([], { appName: 'app1' });
    const app2 = new CustomApplication([], { appName: 'app2' });
    router.routes.set('/first_handler', [app1, FirstHandler]);
    router.routes.set('/second_handler', [app2, SecondHandler]);
    router.routes.set('/first_handler_second_app', [app2, FirstHandler]);
    const { fetch } = await startServer(router);
    expect(await (await fetch('/first_handler')).text()).toBe('app1: first_handler: /first_handler');
    expect(await (await fetch('/second_handler')).text()).toBe('app2: second_handler: /second_handler');
    expect(await (await fetch('/first_handler_second_app')).text()).toBe('app2: first_handler: /first_handler');
    expect((await fetch('/unknown')).status).toBe(404);
  });

  test('named groups given to getHandlerDelegate reach the method as one object', async () => {
    class Named extends RequestHandler {
      get(groups: Record<string, string>) {
        this.write({ groups, pathKwargs: this.pathKwargs });
      }
    }
    const app = new Application();
    class KwRouter extends Router {
      findHandler(request: HTTPServerRequest): HTTPMessageDelegate {
        return app.getHandlerDelegate(request, Named, {}, [], { id: Buffer.from('h%C3%A9') });
      }
    }
    const { fetch } = await startServer(new KwRouter());
    expect(await (await fetch('/')).json()).toEqual({ groups: { id: 'h%C3%A9' }, pathKwargs: { id: 'h%C3%A9' } });
  });

  test('getHandlerDelegate needs a request with a connection', () => {
    expect(() => new Application().getHandlerDelegate(request('/'), RequestHandler)).toThrow(TypeError);
  });
});

describe('rules of every kind in one application (RuleRouterTest)', () => {
  function makeApp(): Application {
    const app = new Application();
    const nested = new (class extends ReversibleRouter {
      findHandler(request: HTTPServerRequest): HTTPMessageDelegate | null {
        return request.path === '/nested_handler' ? app.getHandlerDelegate(request, namedHandler('nested_handler')) : null;
      }
      reverseUrl(name: string): string | null {
        return name === 'nested_handler' ? '/nested_handler' : null;
      }
    })();
    const requestCallable = async (req: HTTPServerRequest) => {
      const connection = req.connection as HTTPConnection;
      await connection.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, new HTTPHeaders({ 'Content-Length': '2' }));
      await connection.write(Buffer.from('OK'));
      await connection.finish();
    };
    app.addHandlers('.*', [
      [new HostMatches('www.example.com'), [[new PathMatches('/first_handler'), SecondHandler, {}, 'second_handler']]],
      new Rule(new PathMatches('/.*handler'), nested),
      new Rule(new PathMatches('/first_handler'), FirstHandler, {}, 'first_handler'),
      new Rule(new PathMatches('/request_callable'), requestCallable),
      ['/connection_delegate', new ConnectionDelegate()],
    ]);
    return app;
  }

  test('each request reaches its rule (test_rule_based_router)', async () => {
    const { port, fetch } = await startServer(makeApp());
    expect(await (await fetch('/first_handler')).text()).toBe('first_handler: /first_handler');
    const hosted = parseRawResponse(await rawExchange(port, 'GET /first_handler HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n'));
    expect(hosted.body).toBe('second_handler: /first_handler');
    expect(await (await fetch('/nested_handler')).text()).toBe('nested_handler: /nested_handler');
    expect((await fetch('/nested_not_found_handler')).status).toBe(404);
    expect(await (await fetch('/connection_delegate')).text()).toBe('OK');
    expect(await (await fetch('/request_callable')).text()).toBe('OK');
    expect((await fetch('/404')).status).toBe(404);
  });

  test('reverseUrl reaches named rules in nested rule lists and custom reversible routers', () => {
    const app = makeApp();
    expect(app.reverseUrl('second_handler')).toBe('/first_handler');
    expect(app.reverseUrl('first_handler')).toBe('/first_handler');
    expect(app.reverseUrl('nested_handler')).toBe('/nested_handler');
    expect(() => app.reverseUrl('missing')).toThrow(ReverseUrlError);
  });
});

describe('an Application nested in a RuleRouter (WSGIContainerTestCase)', () => {
  class Handler extends RequestHandler {
    get() {
      return this.finish(this.reverseUrl('tornado'));
    }
  }
  const router = () =>
    new RuleRouter([
      [new PathMatches('/tornado.*'), new Application([['/tornado/test', Handler, {}, 'tornado']])],
      [new PathMatches('/callback'), (req: HTTPServerRequest) => void answer(req, 'CALLBACK')],
    ]);

  test('the nested application serves its prefix; a callback serves another path (test_wsgi_container)', async () => {
    const { fetch } = await startServer(router());
    expect(await (await fetch('/tornado/test')).text()).toBe('/tornado/test');
    expect(await (await fetch('/callback')).text()).toBe('CALLBACK');
    // Inside the prefix, the nested application's own 404 answers.
    const missing = await fetch('/tornado/missing');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('404: Not Found');
  });

  test('a path no rule matches is a 404 (test_delegate_not_found)', async () => {
    const { fetch } = await startServer(router());
    const response = await fetch('/404');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
  });

  test('a ReversibleRuleRouter reverses through a nested application', () => {
    const reversible = new ReversibleRuleRouter([[new PathMatches('/app/.*'), new Application([['/app/x/(\\d+)', Handler, {}, 'x']])]]);
    expect(reversible.reverseUrl('x', 5)).toBe('/app/x/5');
    expect(reversible.reverseUrl('unknown')).toBeNull();
  });
});

async function answer(req: HTTPServerRequest, text: string, code = 200): Promise<void> {
  const connection = req.connection as HTTPConnection;
  const body = Buffer.from(text);
  await connection.writeHeaders({ version: 'HTTP/1.1', code, reason: 'OK' }, new HTTPHeaders({ 'Content-Length': String(body.length) }), body);
  await connection.finish();
}

describe('callback targets', () => {
  test('get the whole body, parsed form arguments, the groups and the targetKwargs', async () => {
    let seen: { body: string; args: string[]; params: TargetParams } | null = null;
    const router = new RuleRouter([
      [
        '/cb/([^/]+)/([^/]+)',
        (req: HTTPServerRequest, params: TargetParams) => {
          seen = { body: req.body.toString(), args: (req.bodyArguments.a ?? []).map(String), params };
          return answer(req, 'done');
        },
        { flag: true },
      ],
    ]);
    const { fetch } = await startServer(router);
    const response = await fetch('/cb/x/y%20z', {
      method: 'POST',
      body: 'a=1&a=2',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(await response.text()).toBe('done');
    expect(seen).not.toBeNull();
    const { body, args, params } = seen as unknown as { body: string; args: string[]; params: TargetParams };
    expect(body).toBe('a=1&a=2');
    expect(args).toEqual(['1', '2']);
    expect(params.pathArgs.map(String)).toEqual(['x', 'y z']);
    expect(params.pathKwargs).toBeNull();
    expect(params.targetKwargs).toEqual({ flag: true });
  });

  test('a body that arrives in several chunks is joined', async () => {
    let length = -1;
    const router = new RuleRouter([['/upload', (req: HTTPServerRequest) => ((length = req.body.length), answer(req, 'ok'))]]);
    const { port } = await startServer(router);
    const chunked = 'POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n';
    expect(parseRawResponse(await rawExchange(port, chunked)).body).toBe('ok');
    expect(length).toBe(7);
  });

  test('a malformed form body is answered 400 and the server keeps serving', async () => {
    const router = new RuleRouter([['/form', (req: HTTPServerRequest) => answer(req, 'unreachable')]]);
    const { port, fetch } = await startServer(router);
    const bad = 'POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc';
    const logs = captureLogs(appLog);
    try {
      expect(parseRawResponse(await rawExchange(port, bad)).status).toBe(400);
    } finally {
      logs.restore();
    }
    expect(await (await fetch('/form')).text()).toBe('unreachable');
  });
});

describe('RuleRouter rules', () => {
  test('lists of rules become nested routers; a nested router that finds nothing lets the search go on', async () => {
    const router = new RuleRouter([
      [new HostMatches('a\\.example'), [['/only-a', (req: HTTPServerRequest) => answer(req, 'a')]]],
      [new AnyMatches(), [['/shared', (req: HTTPServerRequest) => answer(req, 'shared')]]],
    ]);
    expect(router.rules[0].target).toBeInstanceOf(RuleRouter);
    const { port } = await startServer(router);
    const get = async (path: string, host: string) =>
      parseRawResponse(await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    expect((await get('/only-a', 'a.example')).body).toBe('a');
    expect((await get('/only-a', 'b.example')).status).toBe(404);
    expect((await get('/shared', 'a.example')).body).toBe('shared');
  });

  test('addRules appends, or inserts before an index', () => {
    const router = new RuleRouter([['/a', new ConnectionDelegate()]]);
    router.addRules([['/c', new ConnectionDelegate()]]);
    router.addRules([['/b', new ConnectionDelegate()]], 1);
    expect(router.rules.map((rule) => (rule.matcher as PathMatches).regex.source)).toEqual(['^(?:\\/a)$', '^(?:\\/b)$', '^(?:\\/c)$']);
  });

  test('malformed rules and targets are refused when added', () => {
    class NotAHandler {}
    const bad: unknown[] = [
      ['/x'],
      ['/x', new ConnectionDelegate(), {}, 'name', 'extra'],
      [42, new ConnectionDelegate()],
      ['/x', 'tornado.test.routing_test.SecondHandler'],
      ['/x', { notADelegate: true }],
      ['/x', NotAHandler],
      ['/x', null],
    ];
    for (const rule of bad) expect(() => new RuleRouter([rule as never]), JSON.stringify(rule)).toThrow(TypeError);
    expect(() => new Rule({} as never, new ConnectionDelegate())).toThrow(TypeError);
    // Handler classes need an application to run them.
    expect(() => new RuleRouter([['/x', FirstHandler]])).toThrow(/Application/);
    expect(() => new Application([['/x', NotAHandler as never]])).toThrow(TypeError);
  });

  test('a custom matcher may route on anything in the request', async () => {
    const onlyPut = { match: (req: HTTPServerRequest) => (req.method === 'PUT' ? NO_GROUPS : null) };
    const router = new RuleRouter([[onlyPut, (req: HTTPServerRequest) => answer(req, 'put')]]);
    const { fetch } = await startServer(router);
    expect(await (await fetch('/anything', { method: 'PUT', body: '' })).text()).toBe('put');
    expect((await fetch('/anything')).status).toBe(404);
    expect(new Rule(onlyPut, new ConnectionDelegate()).reverse()).toBeNull();
  });
});

describe('ReversibleRuleRouter', () => {
  test('the last rule of a duplicated name wins, with a warning', () => {
    const logs = captureLogs(appLog);
    try {
      const router = new ReversibleRuleRouter([
        ['/first', new ConnectionDelegate(), {}, 'dup'],
        ['/second', new ConnectionDelegate(), {}, 'dup'],
      ]);
      expect(router.reverseUrl('dup')).toBe('/second');
      expect(logs.records).toContainEqual(expect.objectContaining({ level: 'warn', text: 'Multiple handlers named dup; replacing previous value' }));
    } finally {
      logs.restore();
    }
  });

  test('own names first, then nested routers in order; a rule whose matcher cannot reverse gives null', () => {
    const router = new ReversibleRuleRouter([
      [new HostMatches('h'), [['/in-host/(\\d+)', new ConnectionDelegate(), {}, 'item']]],
      [new HostMatches('h'), new ConnectionDelegate(), {}, 'host-only'],
      ['/top/(\\d+)', new ConnectionDelegate(), {}, 'top'],
    ]);
    expect(router.reverseUrl('item', 7)).toBe('/in-host/7');
    expect(router.reverseUrl('top', 1)).toBe('/top/1');
    expect(router.reverseUrl('host-only')).toBeNull();
    expect(() => router.reverseUrl('top')).toThrow(ReverseUrlError);
  });
});

describe('matchers', () => {
  test('AnyMatches matches everything and extracts nothing', () => {
    expect(new AnyMatches().match(request('/whatever'))).toBe(NO_GROUPS);
    expect(new AnyMatches().reverse()).toBeNull();
  });

  test('HostMatches matches the whole lower-cased host name, port ignored', () => {
    const matcher = new HostMatches('www\\.example\\.com');
    expect(matcher.match(request('/', { Host: 'WWW.Example.com:8080' }))).toBe(NO_GROUPS);
    expect(matcher.match(request('/', { Host: 'www.example.com.evil' }))).toBeNull();
    expect(matcher.match(request('/', { Host: 'xwww.example.com' }))).toBeNull();
    expect(new HostMatches(/.*\.org/g).match(request('/', { Host: 'a.org' }))).toBe(NO_GROUPS);
    expect(new HostMatches(/.*\.org/g).match(request('/', { Host: 'a.org' }))).toBe(NO_GROUPS);
    expect(new HostMatches('x').reverse()).toBeNull();
  });

  test('DefaultHostMatches reads the default host per request and skips proxied requests', () => {
    const source: { defaultHost: string | undefined } = { defaultHost: undefined };
    const matcher = new DefaultHostMatches(source, new HostMatches('www\\.example\\.com').hostPattern);
    expect(matcher.match(request('/'))).toBeNull();
    source.defaultHost = 'www.example.com';
    expect(matcher.match(request('/'))).toBe(NO_GROUPS);
    expect(matcher.match(request('/', { 'X-Real-Ip': '192.0.2.1' }))).toBeNull();
    source.defaultHost = 'www.test.com';
    expect(matcher.match(request('/'))).toBeNull();
    const sticky = new DefaultHostMatches({ defaultHost: 'a' }, /a/g);
    expect([sticky.match(request('/')), sticky.match(request('/'))]).toEqual([NO_GROUPS, NO_GROUPS]);
  });

  test('PathMatches: a literal path needs the exact path (no regex run) and extracts nothing', () => {
    const literal = new PathMatches('/a\\.b/c');
    expect(literal.matchPath('/a.b/c')).toBe(NO_GROUPS);
    expect(literal.matchPath('/aXb/c')).toBeNull();
    expect(literal.matchPath('/a.b/c/')).toBeNull();
    expect(literal.match(request('/a.b/c?x=1'))).toBe(NO_GROUPS);
    // Case-insensitive patterns, alternations and classes go through the regex.
    expect(new PathMatches(/\/Case/i).matchPath('/cASE')).toBe(NO_GROUPS);
    expect(new PathMatches('/x|/y').matchPath('/y')).toBe(NO_GROUPS);
    expect(new PathMatches('/d\\d').matchPath('/d7')).toBe(NO_GROUPS);
    expect(new PathMatches('/d\\d').matchPath('/dx')).toBeNull();
  });

  test('PathMatches: the literal prefix that refuses paths early never refuses a real match', () => {
    const cases: [string | RegExp, string, boolean][] = [
      ['/post/(\\d+)', '/post/12', true],
      ['/post/(\\d+)', '/posts/12', false],
      ['/ab?c/(.*)', '/ac/x', true],
      ['/ab*c/(.*)', '/ac/x', true],
      ['/ab{0,2}c/(.*)', '/ac/x', true],
      ['/ab+c/(.*)', '/abbc/x', true],
      ['/a\\.?b/(.*)', '/ab/x', true],
      ['/x/(.*)|/y/(.*)', '/y/1', true],
      [/\/Case\/(.*)/i, '/cASE/1', true],
      ['^/anchored/(.*)$', '/anchored/1', true],
      ['/v\\d/(.*)', '/v1/x', true],
    ];
    for (const [pattern, path, matches] of cases) {
      expect(new PathMatches(pattern).matchPath(path) !== null, `${String(pattern)} ${path}`).toBe(matches);
    }
  });

  test('PathMatches: groups are percent-decoded to bytes, + kept, optional groups undefined', () => {
    const positional = new PathMatches('/p/([^/]*)/?(x)?');
    const match = positional.matchPath('/p/a%2Fb+%C3%A9');
    expect(match?.kwargs).toBeNull();
    expect(match?.args[0]).toEqual(Buffer.from('a/b+é'));
    expect(match?.args[1]).toBeUndefined();
    const named = new PathMatches('/n/(?P<id>\\d+)/(?<rest>.*)');
    expect(named.matchPath('/n/12/%41')).toEqual({ args: [], kwargs: { id: Buffer.from('12'), rest: Buffer.from('A') } });
  });

  test('PathMatches refuses patterns mixing named and positional groups (as Tornado asserts)', () => {
    expect(() => new PathMatches('/(?<a>x)/(y)')).toThrow(/all named or all positional/);
  });

  test('PathMatches.reverse fills groups, and refuses what it cannot reverse', () => {
    expect(new PathMatches('/favicon\\.ico').reverse()).toBe('/favicon.ico');
    expect(new PathMatches('^/favicon\\.ico$').reverse()).toBe('/favicon.ico');
    expect(new PathMatches('^/api/v1/foo/(\\w+)$').reverse('bar')).toBe('/api/v1/foo/bar');
    expect(new PathMatches('/api\\.v1/foo/([0-9]+)/icon\\.png').reverse(5)).toBe('/api.v1/foo/5/icon.png');
    expect(() => new PathMatches('^/api/v\\d+/foo/(\\w+)$').reverse('bar')).toThrow(ReverseUrlError);
    expect(() => new PathMatches('/((a)b)').reverse('x', 'y')).toThrow(ReverseUrlError);
    expect(() => new PathMatches('/(a)').reverse()).toThrow(ReverseUrlError);
  });
});
