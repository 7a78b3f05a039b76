// WebSocketHandler over real sockets, after Tornado's websocket_test.py (WebSocketTest,
// WebSocketNativeCoroutineTest, ManualPingTest). Handshake, origin and subprotocol cases are in
// handshake.test.ts, client failures in websocket-connect.test.ts, limits and compression in
// limits.test.ts, keep-alive in keep-alive.test.ts, the masking fuzz in masking.test.ts.
//
// Not applicable here:
// - test_websocket_callbacks: Tornado's callback-style API; ours is promises only (DESIGN section 3).
// - test_websocket_close_buffered_data closes the client's `ws.stream`; our client exposes no
//   stream, so the same case is driven with a raw socket below.
// - WebSocketNativeCoroutineTest repeats test_coroutine with `async def`; one case covers both here.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { appLog, expectLog, sleep } from '@tornado-ts/ioloop';
import { HandlerUsageError, type HandlerKwargs } from '@tornado-ts/web';
import { WebSocketClosedError, WebSocketHandler, type WebSocketMessage } from '../src/index';
import { clientFrame, closeAll, deferred, RawClient, startApp } from './helpers';

afterEach(closeAll);

/** Reports the close code and reason it saw, through the `closed` kwarg. */
class ReportingHandler extends WebSocketHandler {
  closed: ((value: [number | null, string | null]) => void) | null = null;

  override initialize(kwargs: HandlerKwargs): void {
    this.closed = (kwargs.closed as typeof this.closed) ?? null;
  }

  override onClose(): void {
    this.closed?.([this.closeCode, this.closeReason]);
  }
}

class EchoHandler extends ReportingHandler {
  override async onMessage(message: WebSocketMessage): Promise<void> {
    try {
      await this.writeMessage(message);
    } catch (error) {
      if (!(error instanceof WebSocketClosedError)) throw error;
    }
  }
}

describe('messages', () => {
  it('echoes text, binary, unicode and JSON messages with their types', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const conn = await app.connect('/echo');
    await conn.writeMessage('hello');
    expect(await conn.readMessage()).toBe('hello');
    await conn.writeMessage(Buffer.from('hello \xe9', 'latin1'));
    expect(await conn.readMessage()).toEqual(Buffer.from([0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0xe9]));
    await conn.writeMessage('hello \u00e9 \u{1f600}');
    expect(await conn.readMessage()).toBe('hello \u00e9 \u{1f600}');
    await conn.writeMessage({ a: 1, b: ['x'] });
    expect(JSON.parse((await conn.readMessage()) as string)).toEqual({ a: 1, b: ['x'] });
    await conn.writeMessage('as bytes', { binary: true });
    expect(await conn.readMessage()).toEqual(Buffer.from('as bytes'));
    await conn.writeMessage(Buffer.from('as text'), { binary: false });
    expect(await conn.readMessage()).toBe('as text');
  });

  it('refuses arrays and other values that are no message', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const conn = await app.connect('/echo');
    expect(() => conn.writeMessage([1, 2] as unknown as string)).toThrow(TypeError);
    expect(() => conn.writeMessage(42 as unknown as string)).toThrow(TypeError);
  });

  it('renders templates inside a WebSocket handler', async () => {
    class RenderHandler extends WebSocketHandler {
      override onMessage(message: WebSocketMessage) {
        return this.writeMessage(this.renderString('message.html', { message }));
      }
    }
    const app = await startApp([['/render', RenderHandler]], { templatePath: fileURLToPath(new URL('./fixtures', import.meta.url)) });
    const conn = await app.connect('/render');
    await conn.writeMessage('hello');
    expect(await conn.readMessage()).toBe('<b>hello</b>');
  });

  it('passes the path arguments to open()', async () => {
    class PathArgsHandler extends WebSocketHandler {
      override open(arg: string) {
        void this.writeMessage(arg);
      }
    }
    const app = await startApp([['/path_args/(.*)', PathArgsHandler]]);
    const conn = await app.connect('/path_args/hello%20world');
    expect(await conn.readMessage()).toBe('hello world');
  });

  it('passes named groups to open() as one object', async () => {
    class NamedHandler extends WebSocketHandler {
      override open(groups: Record<string, string>) {
        void this.writeMessage(groups);
      }
    }
    const app = await startApp([['/rooms/(?<room>[a-z]+)', NamedHandler]]);
    const conn = await app.connect('/rooms/lobby');
    expect(JSON.parse((await conn.readMessage()) as string)).toEqual({ room: 'lobby' });
  });

  it('runs one async onMessage at a time, in order', async () => {
    class CoroutineHandler extends WebSocketHandler {
      sleeping = 0;
      override async onMessage(message: WebSocketMessage) {
        if (this.sleeping > 0) void this.writeMessage('another onMessage is already sleeping');
        this.sleeping++;
        await sleep(10);
        this.sleeping--;
        void this.writeMessage(message);
      }
    }
    const app = await startApp([['/coroutine', CoroutineHandler]]);
    const conn = await app.connect('/coroutine');
    await conn.writeMessage('hello1');
    await conn.writeMessage('hello2');
    expect(await conn.readMessage()).toBe('hello1');
    expect(await conn.readMessage()).toBe('hello2');
  });

  it('keeps messages sent in one packet in order behind an async onMessage', async () => {
    const seen: string[] = [];
    class SlowHandler extends WebSocketHandler {
      override async onMessage(message: WebSocketMessage) {
        seen.push(`start ${String(message)}`);
        await sleep(5);
        seen.push(`end ${String(message)}`);
        if (message === 'c') void this.writeMessage('done');
      }
    }
    const app = await startApp([['/slow', SlowHandler]]);
    const { client } = await RawClient.upgrade(app.port, '/slow');
    client.send(Buffer.concat(['a', 'b', 'c'].map((text) => clientFrame(1, Buffer.from(text)))));
    const frame = await client.readFrame();
    expect(frame.payload.toString()).toBe('done');
    expect(seen).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('delivers no message before an async open() finishes; messages sent meanwhile wait', async () => {
    const sent = deferred();
    const order: string[] = [];
    class OpenCoroutineHandler extends WebSocketHandler {
      openFinished = false;
      override async open() {
        await sent.promise;
        await sleep(10);
        order.push('open finished');
        this.openFinished = true;
      }
      override onMessage(message: WebSocketMessage) {
        order.push(`message ${String(message)}`);
        return this.writeMessage(this.openFinished ? 'ok' : 'onMessage before open finished');
      }
    }
    const app = await startApp([['/open_coroutine', OpenCoroutineHandler]]);
    const conn = await app.connect('/open_coroutine');
    await conn.writeMessage('hello');
    await conn.writeMessage('again');
    sent.resolve();
    expect(await conn.readMessage()).toBe('ok');
    expect(await conn.readMessage()).toBe('ok');
    expect(order).toEqual(['open finished', 'message hello', 'message again']);
  });

  it('sees frames the client sent in the same packet as its handshake', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const client = await RawClient.open(app.port);
    const { upgradeRequest } = await import('./helpers');
    client.send(Buffer.concat([Buffer.from(upgradeRequest(app.port, '/echo'), 'latin1'), clientFrame(1, Buffer.from('early'))]));
    expect(await client.readHead()).toMatch(/^HTTP\/1\.1 101 /);
    const frame = await client.readFrame();
    expect(frame.opcode).toBe(1);
    expect(frame.payload.toString()).toBe('early');
  });

  it('works after an async prepare()', async () => {
    class AsyncPrepareHandler extends WebSocketHandler {
      override async prepare() {
        await sleep(0);
      }
      override onMessage(message: WebSocketMessage) {
        return this.writeMessage(message);
      }
    }
    const app = await startApp([['/async_prepare', AsyncPrepareHandler]]);
    const conn = await app.connect('/async_prepare');
    await conn.writeMessage('hello');
    expect(await conn.readMessage()).toBe('hello');
  });

  it('sets TCP_NODELAY on request and still sends', async () => {
    class NoDelayHandler extends WebSocketHandler {
      override open() {
        this.setNodelay(true);
        void this.writeMessage('hello');
      }
    }
    const app = await startApp([['/nodelay', NoDelayHandler]]);
    const conn = await app.connect('/nodelay');
    expect(await conn.readMessage()).toBe('hello');
  });

  it('resolves writeMessage once the data reached the socket: a client that reads nothing holds the writer back', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const total = 64;
    let written = 0;
    const allWritten = deferred();
    class FloodHandler extends WebSocketHandler {
      override async open() {
        for (let i = 0; i < total; i++) {
          await this.writeMessage(chunk);
          written++;
        }
        allWritten.resolve();
      }
    }
    const app = await startApp([['/flood', FloodHandler]]);
    const { client } = await RawClient.upgrade(app.port, '/flood');
    client.socket.pause();
    await sleep(300);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(total); // the kernel buffers hold a few MiB, not 64
    client.discardIncoming();
    client.socket.resume();
    await allWritten.promise;
    expect(written).toBe(total);
  });

  it('a small write after a big one still waiting resolves after it (writes resolve in order)', async () => {
    const big = Buffer.alloc(32 * 1024 * 1024, 3);
    const order: string[] = [];
    const done = deferred();
    class OrderHandler extends WebSocketHandler {
      override open() {
        const first = this.writeMessage(big).then(() => order.push('big'));
        const second = this.writeMessage('small').then(() => order.push('small'));
        void Promise.all([first, second]).then(() => done.resolve());
      }
    }
    const app = await startApp([['/order', OrderHandler]]);
    const { client } = await RawClient.upgrade(app.port, '/order');
    client.socket.pause();
    await sleep(200);
    expect(order).toEqual([]); // the reader is paused: the big frame cannot all be in the kernel
    client.discardIncoming();
    client.socket.resume();
    await done.promise;
    expect(order).toEqual(['big', 'small']);
  });

  it('an echo handler returning writeMessage() answers many small messages in order', async () => {
    class ReturningEcho extends WebSocketHandler {
      override onMessage(message: WebSocketMessage): Promise<void> {
        return this.writeMessage(message);
      }
    }
    const app = await startApp([['/ret', ReturningEcho]]);
    const conn = await app.connect('/ret');
    const count = 200;
    for (let i = 0; i < count; i++) void conn.writeMessage(`m${i}`);
    for (let i = 0; i < count; i++) expect(await conn.readMessage()).toBe(`m${i}`);
  });

  it('sends and receives a 4 MiB binary message whole', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    const app = await startApp([['/echo', EchoHandler]]);
    const conn = await app.connect('/echo');
    await conn.writeMessage(big);
    const message = (await conn.readMessage()) as Buffer;
    expect(message.length).toBe(big.length);
    expect(message.equals(big)).toBe(true);
  });
});

describe('errors in callbacks', () => {
  it('logs an error in onMessage and drops the connection', async () => {
    class ErrorInOnMessageHandler extends WebSocketHandler {
      override onMessage() {
        throw new Error('boom');
      }
    }
    const app = await startApp([['/error_in_on_message', ErrorInOnMessageHandler]]);
    const conn = await app.connect('/error_in_on_message');
    await expectLog(appLog, /Uncaught exception in onMessage\(\)/, async () => {
      await conn.writeMessage('hello');
      expect(await conn.readMessage()).toBeNull();
    });
  });

  it.each([
    ['open() that throws', () => {
      throw new Error('boom');
    }],
    ['async open() that rejects', async () => {
      await sleep(0);
      throw new Error('boom');
    }],
  ])('logs an error in %s and drops the connection', async (_, open) => {
    class ErrorInOpenHandler extends WebSocketHandler {
      override open() {
        return open();
      }
    }
    const app = await startApp([['/error_in_open', ErrorInOpenHandler]]);
    await expectLog(appLog, /Uncaught exception in open\(\)/, async () => {
      const conn = await app.connect('/error_in_open');
      expect(await conn.readMessage()).toBeNull();
    });
  });

  it('logs an error in onClose without breaking the server', async () => {
    const closed = deferred();
    class BadCloseHandler extends WebSocketHandler {
      override onClose() {
        closed.resolve();
        throw new Error('boom');
      }
    }
    const app = await startApp([['/bad_close', BadCloseHandler], ['/echo', EchoHandler]]);
    await expectLog(appLog, /Uncaught exception in onClose\(\)/, async () => {
      const conn = await app.connect('/bad_close');
      await conn.close();
      await closed.promise;
    });
    const conn = await app.connect('/echo');
    await conn.writeMessage('still serving');
    expect(await conn.readMessage()).toBe('still serving');
  });
});

describe('HTTP methods after the upgrade', () => {
  it('refuses the HTTP output methods once upgraded, and passes request headers', async () => {
    const refused: string[] = [];
    class HeaderHandler extends WebSocketHandler {
      override open() {
        const attempts: [string, () => unknown][] = [
          ['write', () => this.write('This should not work')],
          ['redirect', () => this.redirect('http://localhost/elsewhere')],
          ['setHeader', () => this.setHeader('X-Test', '')],
          ['setCookie', () => this.setCookie('Chocolate', 'Chip')],
          ['setStatus', () => this.setStatus(503)],
          ['flush', () => this.flush()],
          ['finish', () => this.finish()],
        ];
        for (const [name, attempt] of attempts) {
          try {
            attempt();
          } catch (error) {
            if (error instanceof HandlerUsageError) refused.push(name);
          }
        }
        void this.writeMessage(this.request.headers.get('X-Test') ?? '');
      }
    }
    const app = await startApp([['/header', HeaderHandler]]);
    const conn = await app.connect('/header', { headers: { 'X-Test': 'hello' } });
    expect(await conn.readMessage()).toBe('hello');
    expect(refused).toEqual(['write', 'redirect', 'setHeader', 'setCookie', 'setStatus', 'flush', 'finish']);
  });
});

describe('closing', () => {
  it('gives the server close code and reason to the client, and the echo back to the server', async () => {
    const closed = deferred<[number | null, string | null]>();
    class CloseReasonHandler extends ReportingHandler {
      override open() {
        void this.close(1001, 'goodbye');
      }
    }
    const app = await startApp([['/close_reason', CloseReasonHandler, { closed: closed.resolve }]]);
    const conn = await app.connect('/close_reason');
    expect(await conn.readMessage()).toBeNull();
    expect(conn.closeCode).toBe(1001);
    expect(conn.closeReason).toBe('goodbye');
    const [code] = await closed.promise;
    expect(code).toBe(1001);
  });

  it('gives the client close code and reason to onClose', async () => {
    const closed = deferred<[number | null, string | null]>();
    const app = await startApp([['/echo', EchoHandler, { closed: closed.resolve }]]);
    const conn = await app.connect('/echo');
    await conn.close(1001, 'goodbye');
    expect(await closed.promise).toEqual([1001, 'goodbye']);
  });

  it('reports no code when the client closes without one, and 1000 with only a reason', async () => {
    const first = deferred<[number | null, string | null]>();
    const second = deferred<[number | null, string | null]>();
    const app = await startApp([
      ['/a', EchoHandler, { closed: first.resolve }],
      ['/b', EchoHandler, { closed: second.resolve }],
    ]);
    await (await app.connect('/a')).close();
    expect(await first.promise).toEqual([null, null]);
    await (await app.connect('/b')).close(undefined, 'only a reason');
    expect(await second.promise).toEqual([1000, 'only a reason']);
  });

  it('refuses writes on a closed connection, on both sides', async () => {
    const serverWrite = deferred<unknown>();
    class CloseThenWriteHandler extends WebSocketHandler {
      override async open() {
        await this.close(1001, 'goodbye');
        serverWrite.resolve(await this.writeMessage('late').then(() => 'written', (error: unknown) => error));
      }
    }
    const app = await startApp([['/close_reason', CloseThenWriteHandler], ['/echo', EchoHandler]]);
    const conn = await app.connect('/close_reason');
    expect(await conn.readMessage()).toBeNull();
    await expect(conn.writeMessage('hello')).rejects.toBeInstanceOf(WebSocketClosedError);
    expect(await serverWrite.promise).toBeInstanceOf(WebSocketClosedError);

    const other = await app.connect('/echo');
    void other.close();
    await expect(other.writeMessage('hello \u00e9')).rejects.toBeInstanceOf(WebSocketClosedError);
    await expect(other.ping()).rejects.toBeInstanceOf(WebSocketClosedError);
  });

  it('calls onClose after the messages that came before the close frame', async () => {
    const events: string[] = [];
    const closed = deferred();
    class OrderedHandler extends WebSocketHandler {
      override async onMessage(message: WebSocketMessage) {
        await sleep(5);
        events.push(String(message));
      }
      override onClose() {
        events.push(`close ${this.closeCode}`);
        closed.resolve();
      }
    }
    const app = await startApp([['/ordered', OrderedHandler]]);
    const { client } = await RawClient.upgrade(app.port, '/ordered');
    const close = Buffer.alloc(2);
    close.writeUInt16BE(1000);
    client.send(Buffer.concat([clientFrame(1, Buffer.from('one')), clientFrame(1, Buffer.from('two')), clientFrame(8, close)]));
    await closed.promise;
    expect(events).toEqual(['one', 'two', 'close 1000']);
  });

  it('survives a client that writes and vanishes without a close frame', async () => {
    const closed = deferred<[number | null, string | null]>();
    const app = await startApp([['/echo', EchoHandler, { closed: closed.resolve }]]);
    const { client } = await RawClient.upgrade(app.port, '/echo');
    client.send(Buffer.concat([clientFrame(1, Buffer.from('hello')), clientFrame(1, Buffer.from('world'))]));
    client.socket.destroy();
    expect(await closed.promise).toEqual([null, null]);
    const conn = await app.connect('/echo');
    await conn.writeMessage('still serving');
    expect(await conn.readMessage()).toBe('still serving');
  });

  it('refuses a close reason longer than a close frame can carry', async () => {
    const app = await startApp([['/echo', EchoHandler]]);
    const conn = await app.connect('/echo');
    expect(() => conn.close(1000, 'x'.repeat(124))).toThrow(RangeError);
  });
});

describe('ping and pong', () => {
  it('hands client pings to onPing as bytes and refuses pings over 125 bytes', async () => {
    class PingHandler extends WebSocketHandler {
      override onPing(data: Buffer) {
        void this.writeMessage(data);
      }
    }
    const app = await startApp([['/', PingHandler]]);
    const conn = await app.connect('/');
    expect(() => conn.ping('a'.repeat(126))).toThrow(RangeError);
    await conn.ping('hello');
    expect(await conn.readMessage()).toEqual(Buffer.from('hello'));
    await conn.ping(Buffer.from('binary hello'));
    expect(await conn.readMessage()).toEqual(Buffer.from('binary hello'));
  });

  it('hands the pong to onPong after the server pings', async () => {
    class PongHandler extends WebSocketHandler {
      override open() {
        void this.ping('are you there');
      }
      override onPong(data: Buffer) {
        void this.writeMessage(`pong: ${data.toString()}`);
      }
    }
    const app = await startApp([['/', PongHandler]]);
    const conn = await app.connect('/');
    expect(await conn.readMessage()).toBe('pong: are you there');
  });
});
