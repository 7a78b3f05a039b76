// The opening handshake on the server: Tornado's websocket_test.py cases test_http_request,
// test_missing_websocket_key, test_bad_websocket_version, test_websocket_headers,
// test_websocket_header_echo, test_check_origin_* and test_subprotocols*, plus the checks we add
// (HTTP/1.1, Connection, Host, a key of the right shape, cookies set during the handshake and sent
// as the same bytes as on a normal response, and what happens when ws itself refuses a request).
// Nothing here is left out.
import { afterEach, describe, expect, it } from 'vitest';
import { appLog, expectLog, genLog } from '@tornado-ts/ioloop';
import { RequestHandler } from '@tornado-ts/web';
import { WebSocketHandler, WebSocketHandshakeError, websocketConnect, type WebSocketMessage } from '../src/index';
import { closeAll, RawClient, SAMPLE_KEY, startApp, track, type TestApp } from './helpers';

afterEach(closeAll);

class EchoHandler extends WebSocketHandler {
  override onMessage(message: WebSocketMessage) {
    return this.writeMessage(message);
  }
}

/** Sends `head` on a raw connection and returns the status line and the rest of the answer. */
async function exchange(app: TestApp, head: string): Promise<{ status: number; text: string }> {
  const client = await RawClient.open(app.port);
  client.send(head);
  const answer = await client.readHead();
  return { status: Number(answer.split(' ')[1]), text: answer };
}

function request(port: number, lines: string[], path = '/echo', version = 'HTTP/1.1'): string {
  return [`GET ${path} ${version}`, ...lines.map((line) => line.replace('{port}', String(port))), '', ''].join('\r\n');
}

const HOST = 'Host: 127.0.0.1:{port}';
const GOOD = [HOST, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${SAMPLE_KEY}`, 'Sec-WebSocket-Version: 13'];

describe('refused handshakes', () => {
  it('answers a plain HTTP GET with 400', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const response = await fetch(app.url('/echo', 'http'));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Upgrade');
  });

  it.each([
    ['no Sec-WebSocket-Key', GOOD.filter((line) => !line.startsWith('Sec-WebSocket-Key')), 400],
    ['a key that is not 16 bytes of base64', [...GOOD.filter((line) => !line.startsWith('Sec-WebSocket-Key')), 'Sec-WebSocket-Key: short'], 400],
    ['two keys', [...GOOD, `Sec-WebSocket-Key: ${SAMPLE_KEY}`], 400],
    ['no Connection: Upgrade', GOOD.map((line) => (line.startsWith('Connection') ? 'Connection: keep-alive' : line)), 400],
    ['Upgrade to another protocol', GOOD.map((line) => (line.startsWith('Upgrade') ? 'Upgrade: h2c' : line)), 400],
    ['no Upgrade header', GOOD.filter((line) => !line.startsWith('Upgrade')), 400],
    ['an unsupported version (12)', GOOD.map((line) => (line.startsWith('Sec-WebSocket-Version') ? 'Sec-WebSocket-Version: 12' : line)), 426],
    ['no version', GOOD.filter((line) => !line.startsWith('Sec-WebSocket-Version')), 426],
  ])('answers a request with %s with its status', async (_, lines, status) => {
    const app = await startApp([['/echo', EchoHandler]]);
    const answer = await exchange(app, request(app.port, lines));
    expect(answer.status).toBe(status);
    if (status === 426) expect(answer.text).toMatch(/Sec-WebSocket-Version: 13, 8/i);
  });

  it('answers HTTP/1.0 with 400', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    expect((await exchange(app, request(app.port, GOOD, '/echo', 'HTTP/1.0'))).status).toBe(400);
  });

  it('accepts Connection listing Upgrade among other tokens, in any case', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const lines = GOOD.map((line) => (line.startsWith('Connection') ? 'Connection: keep-alive, UPGRADE' : line));
    expect((await exchange(app, request(app.port, lines))).status).toBe(101);
  });

  it('answers other methods with 405', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const response = await fetch(app.url('/echo', 'http'), { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
  });

  it('keeps the HTTP connection usable after a refused handshake', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const client = await RawClient.open(app.port);
    client.send(request(app.port, [HOST]));
    expect(await client.readHead()).toMatch(/^HTTP\/1\.1 400 /);
    client.send(request(app.port, GOOD));
    // What follows is the 400's body, then the 101 answering the second request on this connection.
    expect(await client.readHead()).toMatch(/^Can "Upgrade" only to "WebSocket"\.HTTP\/1\.1 101 Switching Protocols/);
  });

  it('lets ws refuse what only it checks (a malformed subprotocol list) without harm', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    await expectLog(genLog, /refused by ws/, async () => {
      const client = await RawClient.open(app.port);
      client.send(request(app.port, [...GOOD, 'Sec-WebSocket-Protocol: a, a']));
      expect(await client.readHead()).toMatch(/^HTTP\/1\.1 400 /);
    });
    const conn = track(await websocketConnect(app.url('/echo')));
    await conn.writeMessage('still serving');
    expect(await conn.readMessage()).toBe('still serving');
  });

  it('lets prepare() refuse the upgrade with an HTTP error', async () => {
    const { HTTPError } = await import('@tornado-ts/web');
    class GuardedHandler extends EchoHandler {
      override prepare() {
        if (this.getCookie('user') === undefined) throw new HTTPError(401);
      }
    }
    const app = await startApp([['/guarded', GuardedHandler]]);
    await expect(app.connect('/guarded')).rejects.toMatchObject({ status: 401 });
    const conn = await app.connect('/guarded', { headers: { Cookie: 'user=ann' } });
    await conn.writeMessage('in');
    expect(await conn.readMessage()).toBe('in');
  });
});

describe('access log', () => {
  it('logs an upgrade as a 101, and a refused one with its status', async () => {
    const logged: string[] = [];
    const logFunction = (handler: RequestHandler) => {
      logged.push(`${handler.getStatus()} ${handler.request.uri}`);
    };
    const app = await startApp([['/echo', EchoHandler]], { logFunction });
    await app.connect('/echo');
    await fetch(app.url('/echo', 'http'));
    expect(logged).toEqual(['101 /echo', '400 /echo']);
  });
});

describe('headers and cookies in the handshake', () => {
  it('sends the handler response headers and cookies in the 101 answer', async () => {
    class HeaderEchoHandler extends WebSocketHandler {
      override setDefaultHeaders() {
        this.setHeader('X-Extra-Response-Header', 'Extra-Response-Value');
      }
      override prepare() {
        for (const [name, value] of this.request.headers) {
          if (name.toLowerCase().startsWith('x-test')) this.setHeader(name, value);
        }
        this.setCookie('session', 'abc', { httpOnly: true });
        this.setCookie('theme', 'dark');
      }
    }
    const app = await startApp([['/header_echo', HeaderEchoHandler]]);
    const conn = await app.connect('/header_echo', { headers: { 'X-Test-Hello': 'hello' } });
    expect(conn.headers.get('X-Test-Hello')).toBe('hello');
    expect(conn.headers.get('X-Extra-Response-Header')).toBe('Extra-Response-Value');
    expect(conn.headers.getList('Set-Cookie')).toEqual(['session=abc; HttpOnly; Path=/', 'theme=dark; Path=/']);
    expect(conn.headers.get('Content-Type')).toBeUndefined();
  });

  it('sends a cookie with attributes set in prepare() byte for byte as a normal response would', async () => {
    const setCookies = (handler: RequestHandler) => {
      handler.setCookie('session', 'abc', { path: '/chat', httpOnly: true, sameSite: 'Strict', expires: new Date(Date.UTC(2031, 0, 2, 3, 4, 5)) });
      handler.setCookie('theme', 'dark', { domain: 'example.com', secure: true, maxAge: 3_600_000 });
    };
    let pending: string[] = [];
    class CookieSocket extends WebSocketHandler {
      override prepare() {
        setCookies(this);
        pending = this.pendingSetCookies();
      }
    }
    class PlainCookies extends RequestHandler {
      get() {
        setCookies(this);
      }
    }
    const app = await startApp([
      ['/socket', CookieSocket],
      ['/plain', PlainCookies],
    ]);
    const setCookieLines = (head: string) => head.split('\r\n').filter((line) => line.startsWith('Set-Cookie: '));
    const { head: upgraded } = await RawClient.upgrade(app.port, '/socket');
    expect(upgraded.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
    const plain = await RawClient.open(app.port);
    plain.send(`GET /plain HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\nConnection: close\r\n\r\n`);
    const normal = setCookieLines(await plain.readHead());
    expect(normal).toEqual([
      'Set-Cookie: session=abc; expires=Thu, 02 Jan 2031 03:04:05 GMT; HttpOnly; Path=/chat; SameSite=Strict',
      'Set-Cookie: theme=dark; Domain=example.com; Max-Age=3600; Path=/; Secure',
    ]);
    expect(setCookieLines(upgraded)).toEqual(normal);
    expect(pending.map((value) => `Set-Cookie: ${value}`)).toEqual(normal);
  });

  it('reads the request cookies and arguments during open()', async () => {
    class CookieHandler extends WebSocketHandler {
      override open() {
        void this.writeMessage(`${this.getCookie('user') ?? '-'} ${this.getArgument('room', '-')}`);
      }
    }
    const app = await startApp([['/cookie', CookieHandler]]);
    const conn = await app.connect('/cookie?room=lobby', { headers: { Cookie: 'user=ann' } });
    expect(await conn.readMessage()).toBe('ann lobby');
  });
});

describe('checkOrigin', () => {
  async function connectWithOrigin(app: TestApp, origin: string, host = '127.0.0.1') {
    const conn = await websocketConnect(`ws://${host}:${app.port}/echo`, { headers: { Origin: origin } });
    track(conn);
    await conn.writeMessage('hello');
    return conn.readMessage();
  }

  it('accepts the same origin, with or without a path', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    expect(await connectWithOrigin(app, `http://127.0.0.1:${app.port}`)).toBe('hello');
    expect(await connectWithOrigin(app, `http://127.0.0.1:${app.port}/something`)).toBe('hello');
    expect(await connectWithOrigin(app, `HTTP://127.0.0.1:${app.port}`)).toBe('hello');
  });

  it.each([
    ['a partial URL (no scheme)', (port: number) => `127.0.0.1:${port}`, '127.0.0.1'],
    ['another host', () => 'http://somewhereelse.com', '127.0.0.1'],
    ['another port', (port: number) => `http://127.0.0.1:${port + 1}`, '127.0.0.1'],
    ['a subdomain', () => 'http://subtenant.localhost', 'localhost'],
    ['a subdomain with the port', (port: number) => `http://subtenant.localhost:${port}`, 'localhost'],
    ['the opaque "null" origin', () => 'null', '127.0.0.1'],
  ])('answers 403 to %s', async (_, origin, host) => {
    const app = await startApp([['/echo', EchoHandler]]);
    const error = await connectWithOrigin(app, origin(app.port), host).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebSocketHandshakeError);
    expect((error as WebSocketHandshakeError).status).toBe(403);
  });

  it('lets a handler allow other origins', async () => {
    class OpenHandler extends EchoHandler {
      override checkOrigin(origin: string) {
        return origin === 'https://friend.example';
      }
    }
    const app = await startApp([['/echo', OpenHandler]]);
    expect(await connectWithOrigin(app, 'https://friend.example')).toBe('hello');
    await expect(connectWithOrigin(app, 'https://enemy.example')).rejects.toMatchObject({ status: 403 });
  });
});

describe('subprotocols', () => {
  class SubprotocolHandler extends WebSocketHandler {
    calls = 0;
    override selectSubprotocol(subprotocols: string[]) {
      this.calls++;
      return subprotocols.includes('goodproto') ? 'goodproto' : null;
    }
    override open() {
      void this.writeMessage(`calls=${this.calls} subprotocol=${this.selectedSubprotocol}`);
    }
  }

  it('selects one of the offered subprotocols', async () => {
    const app = await startApp([['/subprotocol', SubprotocolHandler]]);
    const conn = await app.connect('/subprotocol', { subprotocols: ['badproto', 'goodproto'] });
    expect(conn.selectedSubprotocol).toBe('goodproto');
    expect(await conn.readMessage()).toBe('calls=1 subprotocol=goodproto');
  });

  it('calls selectSubprotocol with nothing when nothing is offered', async () => {
    const app = await startApp([['/subprotocol', SubprotocolHandler]]);
    const conn = await app.connect('/subprotocol');
    expect(conn.selectedSubprotocol).toBeNull();
    expect(await conn.readMessage()).toBe('calls=1 subprotocol=null');
  });

  it('sends no Sec-WebSocket-Protocol when none is selected', async () => {
    const app = await startApp([['/subprotocol', SubprotocolHandler]]);
    const { head } = await RawClient.upgrade(app.port, '/subprotocol', ['Sec-WebSocket-Protocol: other']);
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(head).not.toMatch(/Sec-WebSocket-Protocol/i);
  });

  it('answers 500 when selectSubprotocol returns one that was not offered', async () => {
    class WrongHandler extends WebSocketHandler {
      override selectSubprotocol() {
        return 'invented';
      }
    }
    const app = await startApp([['/wrong', WrongHandler]]);
    await expectLog(appLog, /did not offer/, async () => {
      await expect(app.connect('/wrong', { subprotocols: ['real'] })).rejects.toMatchObject({ status: 500 });
    });
  });
});
