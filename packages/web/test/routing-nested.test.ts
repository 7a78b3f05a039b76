// Requests through nested routing: routers inside an Application, Applications inside routers and
// inside each other, lists of routes nested twice. Each level is asked once, the handler gets the
// groups of the innermost rule, and the request a router built is the one the handler sees (the
// handler delegate is made from the route found, as Tornado's _HandlerDelegate is: neither the
// request nor the route is made again when the headers reach it). Counted with subclasses, no mocks.
import { HTTPHeaders, type HTTPConnection, type HTTPMessageDelegate, type HTTPServerRequest } from '@tornado-ts/httputil';
import { afterEach, describe, expect, test } from 'vitest';
import { Application, PathMatches, RequestHandler, Router, RuleRouter, streamRequestBody, type HandlerRoute, type TargetParams } from '../src/index';
import { closeAll, muteAccessLog, parseRawResponse, rawExchange, startServer } from './helpers';

muteAccessLog();
afterEach(closeAll);

/** The requests the handlers saw, to compare with the ones the routers saw. */
const handled: HTTPServerRequest[] = [];
afterEach(() => {
  handled.length = 0;
});

class Item extends RequestHandler {
  get(...args: unknown[]) {
    handled.push(this.request);
    this.write({ args, label: this.settings.label ?? null });
  }
}

class Named extends RequestHandler {
  get(groups: Record<string, string>) {
    handled.push(this.request);
    this.write({ groups });
  }
}

@streamRequestBody
class Upload extends RequestHandler {
  received = 0;
  dataReceived(chunk: Buffer) {
    this.received += chunk.length;
  }
  put(...args: unknown[]) {
    handled.push(this.request);
    this.write({ args, received: this.received });
  }
}

/** A RuleRouter that records every request it is asked about. */
class CountingRuleRouter extends RuleRouter {
  readonly seen: HTTPServerRequest[] = [];
  override findHandler(request: HTTPServerRequest, params?: TargetParams): HTTPMessageDelegate | null {
    this.seen.push(request);
    return super.findHandler(request, params);
  }
}

/** An Application that counts its handler-route lookups. */
class CountingApplication extends Application {
  lookups = 0;
  override findHandler(request: HTTPServerRequest): HandlerRoute {
    this.lookups++;
    return super.findHandler(request);
  }
}

async function answer(req: HTTPServerRequest, text: string): Promise<void> {
  const connection = req.connection as HTTPConnection;
  const body = Buffer.from(text);
  await connection.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, new HTTPHeaders({ 'Content-Length': String(body.length) }), body);
  await connection.finish();
}

describe('a request through nested routers', () => {
  test('two levels of custom routers in an Application: each asked once, one request, the innermost groups', async () => {
    const app = new CountingApplication();
    class ItemRouter extends Router {
      readonly seen: HTTPServerRequest[] = [];
      findHandler(request: HTTPServerRequest): HTTPMessageDelegate | null {
        this.seen.push(request);
        const groups = /^\/shop\/items\/(\w+)\/(\d+)$/.exec(request.path);
        return groups === null ? null : app.getHandlerDelegate(request, Item, {}, [Buffer.from(groups[1]), Buffer.from(groups[2])]);
      }
    }
    const inner = new ItemRouter();
    const outer = new CountingRuleRouter([[new PathMatches('/shop/items/.*'), inner]]);
    app.wildcardRouter.addRules([[new PathMatches('/shop/.*'), outer]]);
    const { fetch } = await startServer(app);

    expect(await (await fetch('/shop/items/tea/42')).json()).toEqual({ args: ['tea', '42'], label: null });
    expect(outer.seen).toHaveLength(1);
    expect(inner.seen).toHaveLength(1);
    // The handler runs for the request the routers routed, and the application does not look
    // the route up again once its routers found it.
    expect(handled).toHaveLength(1);
    expect(handled[0]).toBe(outer.seen[0]);
    expect(handled[0]).toBe(inner.seen[0]);
    expect(app.lookups).toBe(0);

    // A miss at the innermost level falls through to the application's 404, asked once per level too.
    expect((await fetch('/shop/items/tea')).status).toBe(404);
    expect(outer.seen).toHaveLength(2);
    expect(inner.seen).toHaveLength(2);
  });

  test('Applications nested two deep under a router: one request, the inner lookup once, bodies streamed', async () => {
    const inner = new CountingApplication(
      [
        ['/shop/items/(\\w+)/(\\d+)', Item],
        ['/shop/items/upload/(\\w+)', Upload],
      ],
      { label: 'inner' },
    );
    const middle = new CountingApplication(
      [
        [new PathMatches('/shop/items/.*'), inner],
        ['/shop/about', (req: HTTPServerRequest) => answer(req, 'about')],
      ],
      { label: 'middle' },
    );
    const top = new CountingRuleRouter([[new PathMatches('/shop/.*'), middle]]);
    const { port, fetch } = await startServer(top);

    expect(await (await fetch('/shop/items/tea/42')).json()).toEqual({ args: ['tea', '42'], label: 'inner' });
    expect(top.seen).toHaveLength(1);
    expect(handled).toHaveLength(1);
    expect(handled[0]).toBe(top.seen[0]);
    // The middle application routes with its routers (it has a callback target); the inner one,
    // with handler classes only, looks the route up once.
    expect(middle.lookups).toBe(0);
    expect(inner.lookups).toBe(1);
    expect(await (await fetch('/shop/about')).text()).toBe('about');

    const chunked = 'PUT /shop/items/upload/notes HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n';
    const uploaded = parseRawResponse(await rawExchange(port, chunked));
    expect(uploaded.status).toBe(200);
    expect(JSON.parse(uploaded.body)).toEqual({ args: ['notes'], received: 7 });
    expect(handled[1]).toBe(top.seen[2]);
    expect(inner.lookups).toBe(2);

    // Inside the inner prefix, the inner application's own 404 answers.
    const missing = await fetch('/shop/items/none');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('404: Not Found');
    expect(inner.lookups).toBe(3);
  });

  test('lists of routes nested two deep in routing mode: positional and named groups, and the 404', async () => {
    const app = new CountingApplication([
      ['/callback', (req: HTTPServerRequest) => answer(req, 'callback')],
      [
        new PathMatches('/a/.*'),
        [
          [
            new PathMatches('/a/b/.*'),
            [
              ['/a/b/(\\w+)/(\\d+)', Item],
              ['/a/b/(?<name>\\w+)', Named],
            ],
          ],
        ],
      ],
    ]);
    const { fetch } = await startServer(app);
    expect(await (await fetch('/a/b/x/7')).json()).toEqual({ args: ['x', '7'], label: null });
    expect(await (await fetch('/a/b/y')).json()).toEqual({ groups: { name: 'y' } });
    expect((await fetch('/a/c')).status).toBe(404);
    expect(await (await fetch('/callback')).text()).toBe('callback');
    expect(handled).toHaveLength(2);
    expect(app.lookups).toBe(0);
  });
});
