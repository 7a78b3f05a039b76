import { describe, expect, it } from 'vitest';
import {
  WebSocketClosedError,
  WebSocketConnectError,
  WebSocketConnectTimeoutError,
  WebSocketError,
  WebSocketHandshakeError,
  WebSocketMessageTooBigError,
  WebSocketProtocolError,
} from '../src/index';
import { fromWsError } from '../src/errors';

function wsError(message: string, code: string, Base: typeof Error = RangeError): Error {
  return Object.assign(new Base(message), { code });
}

describe('error classes', () => {
  it('form one family under WebSocketError', () => {
    for (const error of [
      new WebSocketClosedError(),
      new WebSocketConnectError('x'),
      new WebSocketHandshakeError('x', { status: 404 }),
      new WebSocketConnectTimeoutError('x'),
      new WebSocketProtocolError('x'),
      new WebSocketMessageTooBigError('x'),
    ]) {
      expect(error).toBeInstanceOf(WebSocketError);
      expect(error.name).toBe(error.constructor.name);
    }
    expect(new WebSocketHandshakeError('x')).toBeInstanceOf(WebSocketConnectError);
    expect(new WebSocketConnectTimeoutError('x')).toBeInstanceOf(WebSocketConnectError);
    expect(new WebSocketMessageTooBigError('x')).toBeInstanceOf(WebSocketProtocolError);
  });

  it('carry the handshake status and the protocol close code', () => {
    expect(new WebSocketHandshakeError('x', { status: 403 }).status).toBe(403);
    expect(new WebSocketHandshakeError('x').status).toBe(0);
    expect(new WebSocketMessageTooBigError('x').closeCode).toBe(1009);
    expect(new WebSocketProtocolError('x').closeCode).toBe(1002);
  });
});

describe('fromWsError (ws WS_ERR_ codes to our classes)', () => {
  it.each([
    ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', WebSocketMessageTooBigError, 1009],
    ['WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', WebSocketMessageTooBigError, 1009],
    ['WS_ERR_INVALID_UTF8', WebSocketProtocolError, 1007],
    ['WS_ERR_TOO_MANY_BUFFERED_PARTS', WebSocketProtocolError, 1008],
    ['WS_ERR_INVALID_OPCODE', WebSocketProtocolError, 1002],
    ['WS_ERR_EXPECTED_MASK', WebSocketProtocolError, 1002],
  ] as const)('maps %s', (code, ErrorClass, closeCode) => {
    const cause = wsError('bad frame', code);
    const error = fromWsError(cause) as WebSocketProtocolError;
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.closeCode).toBe(closeCode);
    expect(error.wsCode).toBe(code);
    expect(error.cause).toBe(cause);
  });

  it('maps socket errors (no WS_ERR_ code) to WebSocketClosedError', () => {
    const cause = wsError('read ECONNRESET', 'ECONNRESET', Error);
    const error = fromWsError(cause);
    expect(error).toBeInstanceOf(WebSocketClosedError);
    expect(error.cause).toBe(cause);
  });
});
