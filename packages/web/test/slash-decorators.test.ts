// removeslash / addslash, after Tornado's web_test.py DecoratorTest (test_removeslash,
// test_addslash) and web.py's rules: GET/HEAD redirect (301) with the query kept, other methods
// 404, `/` left alone by removeslash. Both decorator forms (TC39 and wrapper) are tested, and the
// redirect never becomes a protocol-relative `//host` URL (the open-redirect class of Tornado's
// CVE-2023-28370 and the 6.6 RedirectHandler fix).
import { afterEach, describe, expect, test } from 'vitest';
import { Application, RequestHandler, addslash, removeslash } from '../src/index';
import { closeAll, muteAccessLog, parseRawResponse, rawExchange, startServer } from './helpers';

muteAccessLog();
afterEach(closeAll);

class RemoveSlashHandler extends RequestHandler {
  @removeslash
  get() {
    this.write(`served ${this.request.path}`);
  }

  @removeslash
  head() {}

  @removeslash
  post() {
    this.write('posted');
  }
}

class AddSlashHandler extends RequestHandler {
  @addslash
  get() {
    this.write(`served ${this.request.path}`);
  }

  @addslash
  async post() {
    this.write('posted');
  }
}

/** The wrapper form, on an async method with a path argument. */
class WrappedAddSlash extends RequestHandler {
  get = addslash(async function (this: WrappedAddSlash, name: string) {
    this.write(`wrapped ${name}`);
  });
}

function app(): Application {
  return new Application([
    ['/removeslash/*', RemoveSlashHandler],
    ['/', RemoveSlashHandler],
    ['/(.*)/?', RemoveSlashHandler],
  ]);
}

async function raw(port: number, method: string, target: string) {
  return parseRawResponse(await rawExchange(port, `${method} ${target} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
}

describe('removeslash', () => {
  test('GET redirects permanently to the path without its trailing slashes, query kept (test_removeslash)', async () => {
    const { fetch } = await startServer(app());
    let response = await fetch('/removeslash/');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/removeslash');
    response = await fetch('/removeslash/?foo=bar');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/removeslash?foo=bar');
    response = await fetch('/removeslash///');
    expect(response.headers.get('location')).toBe('/removeslash');
  });

  test('the path without a slash is served; HEAD redirects like GET', async () => {
    const { port, fetch } = await startServer(app());
    expect(await (await fetch('/removeslash')).text()).toBe('served /removeslash');
    const head = await raw(port, 'HEAD', '/removeslash/?a=1');
    expect(head.status).toBe(301);
    expect(head.headers.location).toEqual(['/removeslash?a=1']);
  });

  test('other methods on a trailing-slash path are 404; without the slash they run', async () => {
    const { fetch } = await startServer(app());
    expect((await fetch('/removeslash/', { method: 'POST', body: '' })).status).toBe(404);
    expect(await (await fetch('/removeslash', { method: 'POST', body: '' })).text()).toBe('posted');
  });

  test('`/` has nothing to strip: GET is served, other methods are 404', async () => {
    const { fetch } = await startServer(app());
    expect(await (await fetch('/')).text()).toBe('served /');
    expect((await fetch('/', { method: 'POST', body: '' })).status).toBe(404);
  });

  test('never redirects to a protocol-relative URL', async () => {
    const { port } = await startServer(app());
    for (const target of ['//evil.com/', '///evil.com//', '/\\evil.com/']) {
      const response = await raw(port, 'GET', target);
      expect(response.status, target).toBe(301);
      const location = response.headers.location[0];
      expect(location, target).not.toMatch(/^[/\\]{2}/);
      expect(location.startsWith('/'), target).toBe(true);
    }
  });
});

describe('addslash', () => {
  function slashApp(): Application {
    return new Application([
      ['/addslash/?', AddSlashHandler],
      ['/wrapped/([^/]+)/?', WrappedAddSlash],
      ['/(.*)', AddSlashHandler],
    ]);
  }

  test('GET redirects permanently to the path with a slash added, query kept (test_addslash)', async () => {
    const { fetch } = await startServer(slashApp());
    let response = await fetch('/addslash');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/addslash/');
    response = await fetch('/addslash?foo=bar');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/addslash/?foo=bar');
    expect(await (await fetch('/addslash/')).text()).toBe('served /addslash/');
  });

  test('other methods without the slash are 404; with it they run', async () => {
    const { fetch } = await startServer(slashApp());
    expect((await fetch('/addslash', { method: 'POST', body: '' })).status).toBe(404);
    expect(await (await fetch('/addslash/', { method: 'POST', body: '' })).text()).toBe('posted');
  });

  test('the wrapper form passes the path arguments through', async () => {
    const { fetch } = await startServer(slashApp());
    expect((await fetch('/wrapped/x')).headers.get('location')).toBe('/wrapped/x/');
    expect(await (await fetch('/wrapped/x/')).text()).toBe('wrapped x');
  });

  test('never redirects to a protocol-relative URL', async () => {
    const { port } = await startServer(slashApp());
    for (const target of ['//evil.com', '/\\evil.com', '////evil.com?x=1']) {
      const response = await raw(port, 'GET', target);
      expect(response.status, target).toBe(301);
      const location = response.headers.location[0];
      expect(location, target).not.toMatch(/^[/\\]{2}/);
      expect(location.startsWith('/'), target).toBe(true);
    }
  });
});
