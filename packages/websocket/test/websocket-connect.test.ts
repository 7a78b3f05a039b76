// The client, after Tornado's websocket_test.py: test_websocket_http_fail, _http_success,
// _http_redirect, _network_fail, test_error_in_closed_client_write_message, plus the client API
// Tornado has no test for (readMessage after close, async iteration, onMessageCallback,
// connectTimeout, abort signal).
//
// Not applicable: test_websocket_callbacks (callback style; ours is promises only).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestHandler } from '@tornado-ts/web';
import {
  WebSocketClosedError,
  WebSocketConnectError,
  WebSocketConnectTimeoutError,
  WebSocketHandler,
  WebSocketHandshakeError,
  websocketConnect,
  type WebSocketMessage,
} from '../src/index';
import { closeAll, deferred, startApp, track } from './helpers';

afterEach(closeAll);

class EchoHandler extends WebSocketHandler {
  override onMessage(message: WebSocketMessage) {
    return this.writeMessage(message);
  }
}

class NonWebSocketHandler extends RequestHandler {
  get() {
    this.write('ok');
  }
}

class RedirectHandler extends RequestHandler {
  get() {
    this.redirect('/echo');
  }
}

/** Sends `count` messages on open, then closes with 1000. */
class CountdownHandler extends WebSocketHandler {
  override async open() {
    for (const text of ['3', '2', '1']) await this.writeMessage(text);
    await this.close(1000, 'liftoff');
  }
}

describe('failed connections', () => {
  it('rejects with the HTTP status when the URL is not a WebSocket endpoint', async () => {
    const app = await startApp([['/echo', EchoHandler], ['/non_ws', NonWebSocketHandler], ['/redirect', RedirectHandler]]);
    const notFound = await websocketConnect(app.url('/notfound')).catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(WebSocketHandshakeError);
    expect(notFound).toBeInstanceOf(WebSocketConnectError);
    expect((notFound as WebSocketHandshakeError).status).toBe(404);

    const plain = await websocketConnect(app.url('/non_ws')).catch((error: unknown) => error);
    expect((plain as WebSocketHandshakeError).status).toBe(200);

    const redirect = await websocketConnect(app.url('/redirect')).catch((error: unknown) => error);
    expect((redirect as WebSocketHandshakeError).status).toBe(302);
    expect((redirect as WebSocketHandshakeError).headers?.get('Location')).toBe('/echo');
  });

  it('rejects with WebSocketConnectError when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await websocketConnect(`ws://127.0.0.1:${port}/`, { connectTimeout: 3_600_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebSocketConnectError);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('gives up after connectTimeout on a server that never answers', async () => {
    const sockets: { destroy(): void }[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    track({ close: () => (sockets.forEach((socket) => socket.destroy()), silent.close()) });
    const port = (silent.address() as { port: number }).port;
    const started = performance.now();
    const error = await websocketConnect(`ws://127.0.0.1:${port}/`, { connectTimeout: 150 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebSocketConnectTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('rejects with a handshake error when the server answers 101 with the wrong accept key', async () => {
    const liar = createServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\n\r\n');
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    track(liar);
    const port = (liar.address() as { port: number }).port;
    const error = await websocketConnect(`ws://127.0.0.1:${port}/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebSocketHandshakeError);
    expect((error as WebSocketHandshakeError).status).toBe(101);
  });

  it('stops connecting when the signal aborts', async () => {
    const sockets: { destroy(): void }[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    track({ close: () => (sockets.forEach((socket) => socket.destroy()), silent.close()) });
    const port = (silent.address() as { port: number }).port;
    const controller = new AbortController();
    const pending = websocketConnect(`ws://127.0.0.1:${port}/`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('changed my mind')), 20);
    await expect(pending).rejects.toThrow('changed my mind');
    await expect(websocketConnect(`ws://127.0.0.1:${port}/`, { signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
  });
});

describe('wss://', () => {
  it('upgrades a TLS connection (the detached socket is a TLSSocket)', async () => {
    const cert = readFileSync(new URL('./fixtures/test.crt', import.meta.url));
    const key = readFileSync(new URL('./fixtures/test.key', import.meta.url));
    const app = await startApp([['/echo', EchoHandler]], {}, { tls: { cert, key } });
    const conn = track(await websocketConnect(`wss://127.0.0.1:${app.port}/echo`, { tls: { ca: cert } }));
    await conn.writeMessage('secret');
    expect(await conn.readMessage()).toBe('secret');
    await conn.writeMessage(Buffer.alloc(100_000, 3));
    expect(((await conn.readMessage()) as Buffer).equals(Buffer.alloc(100_000, 3))).toBe(true);
    const refused = await websocketConnect(`wss://127.0.0.1:${app.port}/echo`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WebSocketConnectError); // self-signed, no ca given
  });
});

describe('reading', () => {
  it('returns null from readMessage after the close, once earlier messages are read', async () => {
    const app = await startApp([['/countdown', CountdownHandler]]);
    const conn = await app.connect('/countdown');
    await new Promise((resolve) => setTimeout(resolve, 50)); // everything has arrived, unread
    expect(await conn.readMessage()).toBe('3');
    expect(await conn.readMessage()).toBe('2');
    expect(await conn.readMessage()).toBe('1');
    expect(await conn.readMessage()).toBeNull();
    expect(await conn.readMessage()).toBeNull();
    expect(conn.closeCode).toBe(1000);
    expect(conn.closeReason).toBe('liftoff');
  });

  it('iterates over the messages with for await until the close', async () => {
    const app = await startApp([['/countdown', CountdownHandler]]);
    const conn = await app.connect('/countdown');
    const seen: WebSocketMessage[] = [];
    for await (const message of conn) seen.push(message);
    expect(seen).toEqual(['3', '2', '1']);
  });

  it('keeps the connection open when a for await loop is left early', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const conn = await app.connect('/echo');
    await conn.writeMessage('first');
    for await (const message of conn) {
      expect(message).toBe('first');
      break;
    }
    await conn.writeMessage('second');
    expect(await conn.readMessage()).toBe('second');
  });

  it('serves concurrent readMessage calls in order', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const conn = await app.connect('/echo');
    const reads = [conn.readMessage(), conn.readMessage()];
    await conn.writeMessage('a');
    await conn.writeMessage('b');
    expect(await Promise.all(reads)).toEqual(['a', 'b']);
  });

  it('delivers to onMessageCallback, then null at the close', async () => {
    const app = await startApp([['/countdown', CountdownHandler]]);
    const seen: (WebSocketMessage | null)[] = [];
    const done = deferred();
    const conn = await app.connect('/countdown', {
      onMessageCallback: (message) => {
        seen.push(message);
        if (message === null) done.resolve();
      },
    });
    await done.promise;
    expect(seen).toEqual(['3', '2', '1', null]);
    expect(() => conn.readMessage()).toThrow(/onMessageCallback/);
  });

  it('refuses writes after the client closed', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const conn = await app.connect('/echo');
    await conn.close();
    await expect(conn.writeMessage('hello \u00e9')).rejects.toBeInstanceOf(WebSocketClosedError);
    expect(await conn.readMessage()).toBeNull();
  });

  it('closes while messages wait unread (the paused socket still sees the close)', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const conn = await app.connect('/echo');
    for (let i = 0; i < 5; i++) await conn.writeMessage(`m${i}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = performance.now();
    await conn.close(1000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
