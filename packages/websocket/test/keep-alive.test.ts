// Keep-alive pings, after Tornado's websocket_test.py ServerPeriodicPingTest and
// ClientPeriodicPingTest, plus what their TODOs ask for: a peer that stops answering pings is
// detected and dropped, on the server and on the client. Nothing here is left out.
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '@tornado-ts/ioloop';
import { WebSocketClosedError, WebSocketHandler, websocketConnect, type WebSocketMessage } from '../src/index';
import { keepAliveOf } from '../src/ws-channel';
import { closeAll, deferred, RawClient, startApp, track } from './helpers';

afterEach(closeAll);

describe('server pings (websocketPingInterval)', () => {
  it('pings the client periodically and sees its pongs', async () => {
    class PingHandler extends WebSocketHandler {
      override onPong() {
        void this.writeMessage('got pong');
      }
    }
    const app = await startApp([['/', PingHandler]], { websocketPingInterval: 10 });
    const conn = await app.connect('/');
    for (let i = 0; i < 3; i++) expect(await conn.readMessage()).toBe('got pong');
  });

  it('drops a client that stops answering pings, and calls onClose', async () => {
    const closed = deferred<WebSocketHandler>();
    class Watched extends WebSocketHandler {
      override onClose() {
        closed.resolve(this);
      }
    }
    const app = await startApp([['/', Watched]], { websocketPingInterval: 20, websocketPingTimeout: 100 });
    const { client } = await RawClient.upgrade(app.port, '/'); // reads pings, never answers them
    const started = performance.now();
    const handler = await closed.promise;
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(handler.closeError).toBeInstanceOf(WebSocketClosedError);
    expect(handler.closeError?.message).toMatch(/pong/);
    expect(handler.closeCode).toBeNull();
    const frames = await client.readUntilClose();
    expect(frames[0]).toBe(0x89); // it did get pings
  });

  it('keeps a client that answers pings past the timeout', async () => {
    class EchoHandler extends WebSocketHandler {
      override onMessage(message: WebSocketMessage) {
        return this.writeMessage(message);
      }
    }
    const app = await startApp([['/', EchoHandler]], { websocketPingInterval: 20, websocketPingTimeout: 60 });
    const conn = await app.connect('/');
    await sleep(300);
    await conn.writeMessage('still here');
    expect(await conn.readMessage()).toBe('still here');
  });

  it('takes the ping settings from overridable getters', async () => {
    class FastPing extends WebSocketHandler {
      override get pingInterval() {
        return 10;
      }
      override onPong() {
        void this.writeMessage('pong seen');
      }
    }
    const app = await startApp([['/', FastPing]]);
    const conn = await app.connect('/');
    expect(await conn.readMessage()).toBe('pong seen');
  });

  it("uses Tornado's default timeout: three intervals, at least 30 s", () => {
    expect(keepAliveOf(1_000, undefined)).toEqual({ interval: 1_000, timeout: 30_000 });
    expect(keepAliveOf(20_000, undefined)).toEqual({ interval: 20_000, timeout: 60_000 });
    expect(keepAliveOf(1_000, 500)).toEqual({ interval: 1_000, timeout: 500 });
    expect(keepAliveOf(undefined, 500)).toBeNull();
    expect(keepAliveOf(0, undefined)).toBeNull();
  });
});

describe('HTTP timeouts', () => {
  it('no longer apply once the connection is a WebSocket', async () => {
    class EchoHandler extends WebSocketHandler {
      override onMessage(message: WebSocketMessage) {
        return this.writeMessage(message);
      }
    }
    const app = await startApp([['/', EchoHandler]], {}, { idleConnectionTimeout: 50, headerTimeout: 50, bodyTimeout: 50 });
    const conn = await app.connect('/');
    await sleep(300);
    await conn.writeMessage('still here');
    expect(await conn.readMessage()).toBe('still here');
  });
});

describe('client pings (pingInterval)', () => {
  it('pings the server periodically', async () => {
    class PingHandler extends WebSocketHandler {
      override onPing() {
        void this.writeMessage('got ping');
      }
    }
    const app = await startApp([['/', PingHandler]]);
    const conn = await app.connect('/', { pingInterval: 10 });
    for (let i = 0; i < 3; i++) expect(await conn.readMessage()).toBe('got ping');
  });

  it('drops a server that stops answering pings', async () => {
    // A server that completes the handshake by hand and then never reads again.
    const sockets: Socket[] = [];
    const mute = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      socket.once('data', (head: Buffer) => {
        const key = /Sec-WebSocket-Key: (\S+)/i.exec(head.toString('latin1'))?.[1] ?? '';
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        socket.pause();
      });
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    track({ close: () => (sockets.forEach((socket) => socket.destroy()), mute.close()) });
    const port = (mute.address() as { port: number }).port;
    const conn = track(await websocketConnect(`ws://127.0.0.1:${port}/`, { pingInterval: 20, pingTimeout: 100 }));
    expect(await conn.readMessage()).toBeNull();
    expect(conn.closeError).toBeInstanceOf(WebSocketClosedError);
    expect(conn.closeError?.message).toMatch(/pong/);
  });
});
