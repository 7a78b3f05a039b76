// startTestServer: Tornado's AsyncHTTPTestCase as a value. From testing_test.py:
// AsyncHTTPTestCaseTest.test_fetch_segment and test_fetch_full_http_url (a second server bound with
// bindUnusedPort), AsyncHTTPTestCaseSetUpTearDownTest (close() releases the server: nothing listens
// or stays connected afterwards). The HTTPS variant (AsyncHTTPSTestCase) is the `tls` option.
import net from 'node:net';
import { HTTPClientError, HTTPTimeoutError } from '@tornado-ts/httpclient';
import { HTTPServer } from '@tornado-ts/httpserver';
import { HTTPHeaders, type HTTPServerConnectionDelegate, type HTTPServerRequest } from '@tornado-ts/httputil';
import { accessLog, appLog, expectLog, genLog } from '@tornado-ts/ioloop';
import { Application, RequestHandler } from '@tornado-ts/web';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindUnusedPort, captureLogs, startTestServer, type TestServer } from '../src/index';

const open: { close(): unknown }[] = [];
let accessLogs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  accessLogs = captureLogs(accessLog);
});
afterEach(async () => {
  accessLogs.restore();
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const server = await startTestServer(...args);
  open.push(server);
  return server;
}

class Hello extends RequestHandler {
  get() {
    this.write(`hello ${this.request.protocol}`);
  }
}
class Moved extends RequestHandler {
  get() {
    this.redirect('/hello');
  }
}
class Missing extends RequestHandler {
  get() {
    this.sendError(404);
  }
}
class Echo extends RequestHandler {
  post() {
    this.write({ method: this.request.method, body: this.request.body.toString() });
  }
}

function app(): Application {
  return new Application([
    ['/hello', Hello],
    ['/moved', Moved],
    ['/missing', Missing],
    ['/echo', Echo],
  ]);
}

async function respond(request: HTTPServerRequest, body: string): Promise<void> {
  const headers = new HTTPHeaders({ 'Content-Length': String(Buffer.byteLength(body)) });
  await request.connection!.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, headers, Buffer.from(body));
  await request.connection!.finish();
}

/** Resolves when the peer closes `socket` (true) or after `ms` (false). */
function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.resume();
  });
}

function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('startTestServer', () => {
  it('serves an Application on 127.0.0.1 and a free port, over a real socket', async () => {
    const server = await start(app());
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.server).toBeInstanceOf(HTTPServer);
    expect(server.server.port).toBe(server.port);
    expect(server.protocol).toBe('http');
    const response = await server.fetch('/hello');
    expect(response.code).toBe(200);
    expect(response.text()).toBe('hello http');
  });

  it('serves a plain request callback', async () => {
    const server = await start((request) => respond(request, `callback saw ${request.path}`));
    expect((await server.fetch('/x/y')).text()).toBe('callback saw /x/y');
  });

  it('serves any HTTPServerConnectionDelegate (here an HTTPServer wrapping a callback)', async () => {
    const delegate: HTTPServerConnectionDelegate = new HTTPServer((request) => respond(request, 'from the delegate'));
    const server = await start(delegate);
    expect((await server.fetch('/')).text()).toBe('from the delegate');
  });

  it('url() makes absolute URLs and leaves http(s) URLs alone', async () => {
    const server = await start(app());
    expect(server.url('/a?b=1')).toBe(`http://127.0.0.1:${server.port}/a?b=1`);
    expect(server.url()).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.url('a')).toBe(`http://127.0.0.1:${server.port}/a`);
    expect(server.url('https://example.com/x')).toBe('https://example.com/x');
    expect(server.url('HTTP://example.com/x')).toBe('HTTP://example.com/x');
  });

  it('wsUrl() makes ws:// URLs, and wss:// with TLS', async () => {
    const plain = await start(app());
    expect(plain.wsUrl('/chat?x=1')).toBe(`ws://127.0.0.1:${plain.port}/chat?x=1`);
    expect(plain.wsUrl('chat')).toBe(`ws://127.0.0.1:${plain.port}/chat`);
    const secure = await start(app(), { tls: true });
    expect(secure.wsUrl()).toBe(`wss://127.0.0.1:${secure.port}/`);
  });

  it('fetch of a path asks this server for it (test_fetch_segment)', async () => {
    const server = await start(app());
    const response = await server.fetch('/hello');
    expect(response.request.url).toBe(server.url('/hello'));
    expect(response.effectiveUrl).toBe(server.url('/hello'));
  });

  it('fetch of an absolute URL goes there, not to this server (test_fetch_full_http_url)', async () => {
    const server = await start(app());
    const { server: socket, port } = await bindUnusedPort();
    const second = new HTTPServer((request) => respond(request, 'second server'));
    second.addSocket(socket);
    open.push({ close: () => second.close({ timeout: 0 }) });
    const target = `http://127.0.0.1:${port}/path`;
    const response = await server.fetch(target);
    expect(response.request.url).toBe(target);
    expect(response.text()).toBe('second server');
  });

  it('fetch returns error statuses instead of throwing, unless raiseError is set', async () => {
    const server = await start(app());
    const missing = await server.fetch('/missing');
    expect(missing.code).toBe(404);
    expect(missing.error).toBeInstanceOf(HTTPClientError);
    expect((await server.fetch('/nowhere')).code).toBe(404);
    await expect(server.fetch('/missing', { raiseError: true })).rejects.toMatchObject({ status: 404 });
  });

  it('fetch does not follow redirects unless asked to', async () => {
    const server = await start(app());
    const redirect = await server.fetch('/moved');
    expect(redirect.code).toBe(302);
    expect(redirect.headers.get('Location')).toBe('/hello');
    const followed = await server.fetch('/moved', { followRedirects: true });
    expect(followed.code).toBe(200);
    expect(followed.effectiveUrl).toBe(server.url('/hello'));
  });

  it('fetch passes request options on (method, body, headers)', async () => {
    const server = await start(app());
    const response = await server.fetch('/echo', { method: 'POST', body: 'payload', headers: { 'X-Test': '1' } });
    expect(response.json()).toEqual({ method: 'POST', body: 'payload' });
  });

  it('client options reach the client behind fetch, and its defaults win over the test defaults', async () => {
    const server = await start(app(), { client: { defaults: { followRedirects: true, userAgent: 'tester/1' } } });
    const followed = await server.fetch('/moved');
    expect(followed.code).toBe(200);
    expect(server.client.defaults.userAgent).toBe('tester/1');
    expect(server.client.defaults.followRedirects).toBe(true);
  });

  it('errors without a response still throw (status 599)', async () => {
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const server = await start(async (request) => {
      await stuck;
      await respond(request, 'late');
    });
    await expect(server.fetch('/', { requestTimeout: 50 })).rejects.toBeInstanceOf(HTTPTimeoutError);
    release();
  });

  it('passes HTTPServer options on (maxBodySize -> 413)', async () => {
    const server = await start(app(), { maxBodySize: 4 });
    const socket = await connect(server.port);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = closedWithin(socket, 2000);
    await expectLog(genLog, /Content-Length too long/, async () => {
      socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\ntoo large a body');
      expect(await closed).toBe(true);
    });
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('refuses unknown server options before binding anything', async () => {
    await expect(startTestServer(app(), { maxBodySise: 4 } as never)).rejects.toThrow(/maxBodySize/);
  });

  it('serves HTTPS with the bundled certificate when tls is true; fetch skips verification', async () => {
    const server = await start(app(), { tls: true });
    expect(server.protocol).toBe('https');
    expect(server.url('/hello')).toBe(`https://127.0.0.1:${server.port}/hello`);
    const response = await server.fetch('/hello');
    expect(response.text()).toBe('hello https');
    // With verification the self-signed certificate is refused.
    await expect(server.fetch('/hello', { validateCert: true })).rejects.toBeInstanceOf(HTTPClientError);
  });

  it('listens on another host when asked (IPv6 loopback, bracketed in URLs)', async (context) => {
    const probe = await bindUnusedPort('::1').catch(() => null);
    if (probe === null) {
      context.skip();
      return;
    }
    probe.server.close();
    const server = await start(app(), { host: '::1' });
    expect(server.url('/hello')).toBe(`http://[::1]:${server.port}/hello`);
    expect((await server.fetch('/hello')).text()).toBe('hello http');
  });
});

describe('TestServer.close', () => {
  it('stops listening, closes open connections and the client, and resolves once they are gone', async () => {
    const server = await startTestServer(app());
    await server.fetch('/hello'); // leaves a pooled keep-alive connection in the client
    const idle = await connect(server.port);
    const closed = closedWithin(idle, 2000);
    await server.close();
    expect(await closed).toBe(true);
    expect(server.server.connectionCount).toBe(0);
    expect(server.client.closed).toBe(true);
    await expect(connect(server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('cuts requests in flight by default, as Tornado tears a test server down', async () => {
    const server = await startTestServer(() => new Promise<void>(() => undefined));
    const pending = server.fetch('/hang').then(
      () => null,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(HTTPClientError);
  });

  it('with a timeout, lets a request in flight finish first', async () => {
    const server = await startTestServer(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await respond(request, 'finished');
    });
    const socket = await connect(server.port);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = closedWithin(socket, 3000);
    await server.close({ timeout: 2000 });
    expect(await closed).toBe(true);
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*finished$/);
  });

  it('is idempotent, and fetch afterwards rejects clearly', async () => {
    const server = await startTestServer(app());
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await expect(server.fetch('/hello')).rejects.toThrow(/closed test server/);
    expect(server.client.closed).toBe(true); // made after close: born closed
  });

  it('logs no warning or error when a test server is used and closed', async () => {
    const logs = captureLogs(appLog, genLog);
    try {
      const server = await startTestServer(app());
      await server.fetch('/hello');
      await server.close();
    } finally {
      logs.restore();
    }
    expect(logs.records.filter((record) => record.level === 'warn' || record.level === 'error')).toEqual([]);
  });
});
