// Application and routing cases of Tornado's web_test.py that had no counterpart yet, in our
// words (HostMatchingTest and DefaultHostMatchingTest are in routing-application.test.ts): RedirectHandler on a route starting with `//` and with a query
// in its target (WSGISafeWebTest.test_web_redirect_double_slash,
// RedirectHandlerTest.test_redirect_with_appending_argument), URLSpec.reverse on its own
// (URLSpecReverseTest) and app.listen (ApplicationTest).
import { afterEach, describe, expect, it } from 'vitest';
import { Application, RedirectHandler, RequestHandler, ReverseUrlError, URLSpec, url } from '../src';
import { closeAll, muteAccessLog, parseRawResponse, rawExchange, startServer, track } from './helpers';

muteAccessLog();
afterEach(closeAll);

async function get(port: number, path: string, host = '127.0.0.1', extra = '') {
  return parseRawResponse(await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n${extra}\r\n`));
}

describe('RedirectHandler', () => {
  it('serves a route that starts with two slashes, redirecting to its target (WSGISafeWebTest.test_web_redirect_double_slash)', async () => {
    const app = new Application([['//web_redirect_double_slash', RedirectHandler, { url: '/web_redirect_newpath' }]]);
    const { port } = await startServer(app);
    const response = await get(port, '//web_redirect_double_slash');
    expect(response.status).toBe(301);
    expect(response.headers.location).toEqual(['/web_redirect_newpath']);
  });

  it('appends the request query to a target that has one, with & (RedirectHandlerTest.test_redirect_with_appending_argument)', async () => {
    const app = new Application([
      ['/src', RedirectHandler, { url: '/dst' }],
      ['/src2', RedirectHandler, { url: '/dst2?foo=bar' }],
      ['/(.*?)/(.*?)/(.*)', RedirectHandler, { url: '/{1}/{0}/{2}' }],
    ]);
    const { port } = await startServer(app);
    let response = await get(port, '/src2?foo2=bar2');
    expect(response.status).toBe(301);
    expect(response.headers.location).toEqual(['/dst2?foo=bar&foo2=bar2']);
    response = await get(port, '/src?foo=bar');
    expect(response.headers.location).toEqual(['/dst?foo=bar']);
    response = await get(port, '/a/b/c');
    expect(response.headers.location).toEqual(['/b/a/c']);
  });
});

describe('URLSpec.reverse (URLSpecReverseTest)', () => {
  it('reverses a literal pattern, escaped dots and ^...$ anchors included (test_reverse)', () => {
    expect(url('/favicon\\.ico', RequestHandler).reverse()).toBe('/favicon.ico');
    expect(url('^/favicon\\.ico$', RequestHandler).reverse()).toBe('/favicon.ico');
  });

  it('makes a route it cannot reverse, and refuses to reverse it (test_non_reversible)', () => {
    const spec = new URLSpec('^/api/v\\d+/foo/(\\w+)$', RequestHandler);
    expect(() => spec.reverse('bar')).toThrow(ReverseUrlError);
  });

  it('fills groups whose insides are classes, anchored or not (test_reverse_arguments)', () => {
    expect(url('^/api/v1/foo/(\\w+)$', RequestHandler).reverse('bar')).toBe('/api/v1/foo/bar');
    expect(url('/api\\.v1/foo/([0-9]+)/icon\\.png', RequestHandler).reverse(5)).toBe('/api.v1/foo/5/icon.png');
  });
});

describe('Application.listen (ApplicationTest)', () => {
  it('listens on a free port and returns the server, which stops (test_listen)', async () => {
    class Hello extends RequestHandler {
      get() {
        this.write('hello');
      }
    }
    const server = track(await new Application([['/', Hello]]).listen(0, '127.0.0.1'));
    const port = server.port;
    expect(typeof port).toBe('number');
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe('hello');
    await server.close();
  });
});
