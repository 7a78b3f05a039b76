// Message size limits and permessage-deflate, after Tornado's websocket_test.py MaxMessageSizeTest
// and the CompressionTestMixin family (NoCompression, ServerOnly, ClientOnly, DefaultCompression),
// plus SECURITY-HISTORY 5.1: the limit applies after decompression (a deflate bomb closes 1009).
//
// Not applicable as written: test_message_sizes counts the bytes in and out of Tornado's protocol
// object (`_wire_bytes_in`...), which ws does not expose. The same facts are checked on the wire
// with a raw client: whether the extension is agreed, RSV1 on compressed frames, and their size.
import { deflateRawSync, inflateRawSync, constants as zlib } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { HandlerKwargs } from '@tornado-ts/web';
import {
  WebSocketHandler,
  WebSocketMessageTooBigError,
  WebSocketProtocolError,
  type CompressionOptions,
  type WebSocketMessage,
} from '../src/index';
import { clientFrame, closeAll, deferred, RawClient, startApp } from './helpers';

afterEach(closeAll);

/** Echoes; takes its compression options and a close reporter from the route kwargs. */
class EchoHandler extends WebSocketHandler {
  compression: CompressionOptions | null = null;
  closed: ((handler: WebSocketHandler) => void) | null = null;

  override initialize(kwargs: HandlerKwargs) {
    this.compression = (kwargs.compression as CompressionOptions | undefined) ?? null;
    this.closed = (kwargs.closed as typeof this.closed) ?? null;
  }
  override getCompressionOptions() {
    return this.compression;
  }
  override onMessage(message: WebSocketMessage) {
    return this.writeMessage(message);
  }
  override onClose() {
    this.closed?.(this);
  }
}

/** Answers with the length of each message; accepts at most 1024 bytes. */
class LimitedHandler extends EchoHandler {
  override get maxMessageSize() {
    return 1024;
  }
  override onMessage(message: WebSocketMessage) {
    return this.writeMessage(String(message.length));
  }
}

/** A permessage-deflate payload as a client sends it: raw deflate without the 00 00 ff ff tail. */
function deflated(data: Buffer): Buffer {
  const out = deflateRawSync(data, { finishFlush: zlib.Z_SYNC_FLUSH });
  return out.subarray(0, out.length - 4);
}

function inflated(payload: Buffer): Buffer {
  return inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: zlib.Z_SYNC_FLUSH });
}

describe('maxMessageSize', () => {
  it('accepts a message at the limit and closes with 1009 above it', async () => {
    const closed = deferred<WebSocketHandler>();
    const app = await startApp([['/', EchoHandler, { closed: closed.resolve }]], { websocketMaxMessageSize: 1024 });
    const conn = await app.connect('/');
    const message = 'a'.repeat(1024);
    await conn.writeMessage(message);
    expect(await conn.readMessage()).toBe(message);
    await conn.writeMessage(`${message}b`);
    expect(await conn.readMessage()).toBeNull();
    expect(conn.closeCode).toBe(1009);
    const handler = await closed.promise;
    expect(handler.closeError).toBeInstanceOf(WebSocketMessageTooBigError);
    expect(handler.closeError).toBeInstanceOf(WebSocketProtocolError);
    expect((handler.closeError as WebSocketProtocolError).closeCode).toBe(1009);
    expect((handler.closeError as WebSocketProtocolError).wsCode).toMatch(/^WS_ERR_/);
  });

  it('counts a message split over continuation frames as a whole', async () => {
    const app = await startApp([['/', EchoHandler]], { websocketMaxMessageSize: 1024 });
    const { client } = await RawClient.upgrade(app.port, '/');
    client.send(clientFrame(1, Buffer.alloc(600, 0x61), { fin: false }));
    client.send(clientFrame(0, Buffer.alloc(600, 0x61)));
    const frame = await client.readFrame();
    expect(frame.opcode).toBe(8);
    expect(frame.payload.readUInt16BE(0)).toBe(1009);
  });

  it('defaults to 10 MiB', async () => {
    const app = await startApp([['/', EchoHandler]]);
    const conn = await app.connect('/', { maxMessageSize: 20 * 1024 * 1024 });
    const atLimit = Buffer.alloc(10 * 1024 * 1024, 1);
    await conn.writeMessage(atLimit);
    expect(((await conn.readMessage()) as Buffer).length).toBe(atLimit.length);
    await conn.writeMessage(Buffer.alloc(10 * 1024 * 1024 + 1, 1));
    expect(await conn.readMessage()).toBeNull();
    expect(conn.closeCode).toBe(1009);
  });

  it('limits what the client accepts too (maxMessageSize of websocketConnect)', async () => {
    const closed = deferred<WebSocketHandler>();
    class BigTalker extends EchoHandler {
      override open() {
        void this.writeMessage('x'.repeat(2048));
      }
    }
    const app = await startApp([['/', BigTalker, { closed: closed.resolve }]]);
    const conn = await app.connect('/', { maxMessageSize: 1024 });
    expect(await conn.readMessage()).toBeNull();
    expect(conn.closeError).toBeInstanceOf(WebSocketMessageTooBigError);
    expect((await closed.promise).closeCode).toBe(1009);
  });

  it('applies the limit after decompression (our client compressing)', async () => {
    const app = await startApp([['/limited', LimitedHandler, { compression: {} }]]);
    const conn = await app.connect('/limited', { compressionOptions: { threshold: 0 } });
    await conn.writeMessage('a'.repeat(128));
    expect(await conn.readMessage()).toBe('128');
    // Compresses to a few bytes, far under the limit; inflates past it.
    await conn.writeMessage('a'.repeat(2048));
    expect(await conn.readMessage()).toBeNull();
    expect(conn.closeCode).toBe(1009);
  });

  it('closes with 1009 on a deflate bomb: a small frame that inflates past the limit (SECURITY-HISTORY 5.1)', async () => {
    const app = await startApp([['/', EchoHandler, { compression: {} }]], { websocketMaxMessageSize: 64 * 1024 });
    const { client, head } = await RawClient.upgrade(app.port, '/', ['Sec-WebSocket-Extensions: permessage-deflate']);
    expect(head).toMatch(/Sec-WebSocket-Extensions: permessage-deflate/i);
    const bomb = deflated(Buffer.alloc(16 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(64 * 1024);
    client.send(clientFrame(1, bomb, { rsv1: true }));
    const frame = await client.readFrame();
    expect(frame.opcode).toBe(8);
    expect(frame.payload.readUInt16BE(0)).toBe(1009);
    await client.readUntilClose();
  });

  it('accepts a compressed message that inflates to exactly the limit', async () => {
    const app = await startApp([['/', EchoHandler, { compression: {} }]], { websocketMaxMessageSize: 4096 });
    const { client } = await RawClient.upgrade(app.port, '/', ['Sec-WebSocket-Extensions: permessage-deflate']);
    client.send(clientFrame(1, deflated(Buffer.alloc(4096, 0x62)), { rsv1: true }));
    const frame = await client.readFrame();
    expect(frame.opcode).toBe(1);
    expect(frame.rsv1).toBe(true);
    expect(inflated(frame.payload).equals(Buffer.alloc(4096, 0x62))).toBe(true);
  });
});

describe('compression negotiation', () => {
  const MESSAGE = 'Hello world. Testing 123 123';

  it.each([
    ['neither side', null, null, false],
    ['only the server', {}, null, false],
    ['only the client', null, {}, false],
    ['both sides', {}, {}, true],
  ] as const)('with %s asking, agrees on permessage-deflate: %s', async (_, server, client, agreed) => {
    const app = await startApp([['/echo', EchoHandler, { compression: server }]]);
    const conn = await app.connect('/echo', { compressionOptions: client });
    expect((conn.headers.get('Sec-WebSocket-Extensions') ?? '').includes('permessage-deflate')).toBe(agreed);
    for (let i = 0; i < 3; i++) {
      await conn.writeMessage(MESSAGE);
      expect(await conn.readMessage()).toBe(MESSAGE);
    }
  });

  it('sends compressed frames (RSV1) that are smaller than the message', async () => {
    const app = await startApp([['/echo', EchoHandler, { compression: { threshold: 0 } }]]);
    const { client } = await RawClient.upgrade(app.port, '/echo', ['Sec-WebSocket-Extensions: permessage-deflate']);
    const text = 'Hello world. Testing 123 123 '.repeat(20);
    client.send(clientFrame(1, Buffer.from(text)));
    const frame = await client.readFrame();
    expect(frame.rsv1).toBe(true);
    expect(frame.payload.length).toBeLessThan(text.length / 4);
  });

  it('sends small messages uncompressed under the threshold when the server keeps no context', async () => {
    const compression = { threshold: 1024, serverNoContextTakeover: true };
    const app = await startApp([['/echo', EchoHandler, { compression }]]);
    const { client, head } = await RawClient.upgrade(app.port, '/echo', ['Sec-WebSocket-Extensions: permessage-deflate']);
    expect(head).toMatch(/server_no_context_takeover/);
    client.send(clientFrame(1, Buffer.from('small')));
    const small = await client.readFrame();
    expect(small.rsv1).toBe(false);
    expect(small.payload.toString()).toBe('small');
    client.send(clientFrame(1, Buffer.alloc(2048, 0x61)));
    const large = await client.readFrame();
    expect(large.rsv1).toBe(true);
    expect(inflated(large.payload).equals(Buffer.alloc(2048, 0x61))).toBe(true);
  });

  it('passes compressionLevel to zlib', async () => {
    async function echoedSize(compressionLevel: number): Promise<number> {
      const app = await startApp([['/echo', EchoHandler, { compression: { threshold: 0, compressionLevel } }]]);
      const { client } = await RawClient.upgrade(app.port, '/echo', ['Sec-WebSocket-Extensions: permessage-deflate']);
      client.send(clientFrame(1, Buffer.from('abcabcabc'.repeat(200))));
      return (await client.readFrame()).payload.length;
    }
    const stored = await echoedSize(0);
    const best = await echoedSize(9);
    expect(stored).toBeGreaterThan(1800); // level 0 stores the bytes as they are
    expect(best).toBeLessThan(100);
  });

  it('reads client frames compressed with context takeover across messages', async () => {
    const app = await startApp([['/echo', EchoHandler, { compression: {} }]]);
    const conn = await app.connect('/echo', { compressionOptions: { threshold: 0 } });
    for (let i = 0; i < 5; i++) {
      await conn.writeMessage(`${MESSAGE} ${i}`);
      expect(await conn.readMessage()).toBe(`${MESSAGE} ${i}`);
    }
  });
});
