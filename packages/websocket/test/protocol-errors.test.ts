// Hostile frames from a raw client: each closes the connection with the status RFC 6455 names, the
// handler sees a WebSocketProtocolError on `closeError`, and the server keeps serving others.
// (Tornado's websocket_test.py has no such cases; they follow DESIGN section 5.)
import { afterEach, describe, expect, it } from 'vitest';
import type { HandlerKwargs } from '@tornado-ts/web';
import { WebSocketHandler, WebSocketProtocolError, type WebSocketMessage } from '../src/index';
import { clientFrame, closeAll, deferred, RawClient, startApp } from './helpers';

afterEach(closeAll);

class EchoHandler extends WebSocketHandler {
  closed: ((handler: WebSocketHandler) => void) | null = null;
  override initialize(kwargs: HandlerKwargs) {
    this.closed = (kwargs.closed as typeof this.closed) ?? null;
  }
  override onMessage(message: WebSocketMessage) {
    return this.writeMessage(message);
  }
  override onClose() {
    this.closed?.(this);
  }
}

function unmaskedFrame(opcode: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

describe('protocol errors', () => {
  it.each([
    ['a text message that is not UTF-8', () => clientFrame(1, Buffer.from([0x68, 0xc3, 0x28])), 1007, 'WS_ERR_INVALID_UTF8'],
    ['an unmasked frame', () => unmaskedFrame(1, Buffer.from('hi')), 1002, 'WS_ERR_EXPECTED_MASK'],
    ['a reserved opcode', () => clientFrame(3, Buffer.from('hi')), 1002, 'WS_ERR_INVALID_OPCODE'],
    ['RSV1 without permessage-deflate', () => clientFrame(1, Buffer.from('hi'), { rsv1: true }), 1002, 'WS_ERR_UNEXPECTED_RSV_1'],
    ['a fragmented ping', () => clientFrame(9, Buffer.from('hi'), { fin: false }), 1002, 'WS_ERR_EXPECTED_FIN'],
    ['a continuation with nothing to continue', () => clientFrame(0, Buffer.from('hi')), 1002, 'WS_ERR_INVALID_OPCODE'],
    ['a close frame with an invalid code', () => clientFrame(8, Buffer.from([0x03, 0xe7])), 1002, 'WS_ERR_INVALID_CLOSE_CODE'],
  ])('closes on %s with %i', async (_, frame, status, wsCode) => {
    const closed = deferred<WebSocketHandler>();
    const app = await startApp([['/', EchoHandler, { closed: closed.resolve }]]);
    const { client } = await RawClient.upgrade(app.port, '/');
    client.send(frame());
    const answer = await client.readFrame();
    expect(answer.opcode).toBe(8);
    expect(answer.payload.readUInt16BE(0)).toBe(status);
    const handler = await closed.promise;
    expect(handler.closeError).toBeInstanceOf(WebSocketProtocolError);
    expect((handler.closeError as WebSocketProtocolError).closeCode).toBe(status);
    expect((handler.closeError as WebSocketProtocolError).wsCode).toBe(wsCode);

    const conn = await app.connect('/');
    await conn.writeMessage('still serving');
    expect(await conn.readMessage()).toBe('still serving');
  });

  it('reassembles a message fragmented over many frames, with pings in between', async () => {
    const app = await startApp([['/', EchoHandler]]);
    const { client } = await RawClient.upgrade(app.port, '/');
    const parts = ['frag', 'men', 'ted ', 'mess', 'age'];
    client.send(
      Buffer.concat(
        parts.flatMap((part, i) => [
          clientFrame(i === 0 ? 1 : 0, Buffer.from(part), { fin: i === parts.length - 1 }),
          ...(i === 1 ? [clientFrame(9, Buffer.from('ping'))] : []),
        ]),
      ),
    );
    const pong = await client.readFrame();
    expect(pong.opcode).toBe(10);
    expect(pong.payload.toString()).toBe('ping');
    const echo = await client.readFrame();
    expect(echo.payload.toString()).toBe(parts.join(''));
  });

  it('feeds frames split at every byte boundary', async () => {
    const app = await startApp([['/', EchoHandler]]);
    const { client } = await RawClient.upgrade(app.port, '/');
    const frame = clientFrame(1, Buffer.from('byte by byte'));
    for (let i = 0; i < frame.length; i++) {
      client.send(frame.subarray(i, i + 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await client.readFrame()).payload.toString()).toBe('byte by byte');
  });
});
