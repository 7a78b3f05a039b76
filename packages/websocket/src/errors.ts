import type { HTTPHeaders } from '@tornado-ts/httputil';

/** Base class of this package's errors (Tornado's `WebSocketError`): catch it to catch them all. */
export class WebSocketError extends Error {
  override name = 'WebSocketError';
  readonly code: string = 'TORNADO_ERR_WEBSOCKET';
}

/** A write, ping or other operation on a WebSocket that is closed or closing. */
export class WebSocketClosedError extends WebSocketError {
  override name = 'WebSocketClosedError';
  override readonly code: string = 'TORNADO_ERR_WEBSOCKET_CLOSED';

  constructor(message = 'WebSocket is closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `websocketConnect` failed: the network (refused, reset, DNS) is in `cause`. */
export class WebSocketConnectError extends WebSocketError {
  override name = 'WebSocketConnectError';
  override readonly code: string = 'TORNADO_ERR_WEBSOCKET_CONNECT';
}

/** Options of {@link WebSocketHandshakeError}: what the server answered instead of 101. */
export interface WebSocketHandshakeErrorOptions {
  /** The HTTP status of the answer (0 when none could be read). */
  status?: number;
  /** The answer's headers. */
  headers?: HTTPHeaders | null;
  cause?: unknown;
}

/**
 * The server answered the upgrade request with something other than `101 Switching Protocols`
 * (a 404, a 403 from `checkOrigin`, a 200 from a plain page, a redirect): `status` says which.
 */
export class WebSocketHandshakeError extends WebSocketConnectError {
  override name = 'WebSocketHandshakeError';
  override readonly code: string = 'TORNADO_ERR_WEBSOCKET_HANDSHAKE';
  /** The HTTP status the server answered with (0 when none could be read). */
  readonly status: number;
  /** The headers of that answer, when there was one. */
  readonly headers: HTTPHeaders | null;

  constructor(message: string, options: WebSocketHandshakeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? 0;
    this.headers = options.headers ?? null;
  }
}

/** `websocketConnect` did not complete the opening handshake within `connectTimeout`. */
export class WebSocketConnectTimeoutError extends WebSocketConnectError {
  override name = 'WebSocketConnectTimeoutError';
  override readonly code: string = 'TORNADO_ERR_WEBSOCKET_CONNECT_TIMEOUT';
}

/** Options of {@link WebSocketProtocolError}. */
export interface WebSocketProtocolErrorOptions {
  /** The close code sent to the peer because of it (1002, 1007, 1008, 1009). */
  closeCode?: number;
  /** The `ws` package's `WS_ERR_...` code, when ws detected it. */
  wsCode?: string;
  cause?: unknown;
}

/**
 * The peer broke the WebSocket protocol (bad frame, invalid UTF-8, bad close code...); the
 * connection was closed with `closeCode`. Found on `closeError` of the handler or the client.
 */
export class WebSocketProtocolError extends WebSocketError {
  override name = 'WebSocketProtocolError';
  override readonly code: string = 'TORNADO_ERR_WEBSOCKET_PROTOCOL';
  /** The close code sent to the peer (1002 protocol error, 1007 invalid data, 1009 too big...). */
  readonly closeCode: number;
  /** The ws package's `WS_ERR_...` code, or null. */
  readonly wsCode: string | null;

  constructor(message: string, options: WebSocketProtocolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.closeCode = options.closeCode ?? 1002;
    this.wsCode = options.wsCode ?? null;
  }
}

/** A message (after decompression) was larger than `maxMessageSize`; the connection was closed with 1009. */
export class WebSocketMessageTooBigError extends WebSocketProtocolError {
  override name = 'WebSocketMessageTooBigError';
  override readonly code: string = 'TORNADO_ERR_WEBSOCKET_MESSAGE_TOO_BIG';

  constructor(message: string, options: WebSocketProtocolErrorOptions = {}) {
    super(message, { closeCode: 1009, ...options });
  }
}

/** The close status ws sends for each of its documented protocol error codes (doc/ws.md); 1002 otherwise. */
const WS_CLOSE_CODES: Readonly<Record<string, number>> = {
  WS_ERR_INVALID_UTF8: 1007,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
};

/** Turns an error emitted by a ws socket (a protocol error carries a `WS_ERR_...` code) into one of our classes. */
export function fromWsError(error: Error): WebSocketError {
  const wsCode = (error as { code?: unknown }).code;
  if (typeof wsCode !== 'string' || !wsCode.startsWith('WS_ERR_')) return new WebSocketClosedError(error.message, { cause: error });
  const options = { cause: error, wsCode, closeCode: WS_CLOSE_CODES[wsCode] ?? 1002 };
  if (options.closeCode === 1009) return new WebSocketMessageTooBigError(error.message, options);
  return new WebSocketProtocolError(error.message, options);
}
