// The two small interfaces that divide the HTTP stack (Tornado's httputil): the codec parses bytes
// and calls only these methods; servers, applications and clients implement them.
//
// Flow control is by returned promises: while a promise returned by `headersReceived` or
// `dataReceived` is pending, the connection reads no more of the body.

import type { BaseIOStream } from '@tornado-ts/iostream';
import type { HTTPHeaders } from './http-headers';

/** A parsed request line: `GET /path?q HTTP/1.1`. */
export interface RequestStartLine {
  readonly method: string;
  /** The request target exactly as sent (origin form `/a?b`, absolute form, `*`, ...). */
  readonly path: string;
  readonly version: string;
}

/** A parsed status line: `HTTP/1.1 200 OK`. */
export interface ResponseStartLine {
  readonly version: string;
  readonly code: number;
  readonly reason: string;
}

/**
 * Where a request came from, as the connection saw it (Tornado's `_HTTPRequestContext`).
 * `HTTPServerRequest` copies `remoteIp` and `protocol` from it; with `xheaders` the server
 * overrides both from `X-Real-Ip` / `X-Forwarded-For` / `X-Scheme` before the request is built.
 */
export interface HTTPRequestContext {
  /** The peer's IP address, or null when unknown (e.g. a Unix socket). */
  remoteIp: string | null;
  /** `http` or `https`. */
  protocol: string;
}

/**
 * One request/response exchange on a connection, as the application sees it: write the response
 * (server) or request (client) through it. Implemented by the HTTP/1.1 codec.
 */
export interface HTTPConnection {
  /** Where the message came from; read by `HTTPServerRequest`. Absent on client connections. */
  readonly context?: HTTPRequestContext;
  /**
   * Writes the start line and header block, plus an optional first body chunk in the same write.
   * The `version` of a response start line is ignored. Resolves when the bytes are handed to the stream.
   */
  writeHeaders(
    startLine: RequestStartLine | ResponseStartLine,
    headers: HTTPHeaders,
    chunk?: Buffer,
  ): Promise<void>;
  /** Writes a body chunk; resolves when handed to the stream (await it for backpressure). */
  write(chunk: Buffer): Promise<void>;
  /**
   * Marks the message complete (with `trailers` after a chunked body, where the codec supports them);
   * may return a promise that settles once the last bytes are written.
   */
  finish(trailers?: HTTPHeaders): void | Promise<void>;
  /** Runs `callback` once if the connection closes before the exchange finishes; null clears it. */
  setCloseCallback(callback: (() => void) | null): void;
  /** Takes the underlying stream away from the codec (e.g. for a WebSocket upgrade). */
  detach(): BaseIOStream;
  /** Overrides the server's `maxBodySize` for this request; only before the body is read. */
  setMaxBodySize(bytes: number): void;
  /** Overrides the server's `bodyTimeout` (ms) for this request; only before the body is read. */
  setBodyTimeout(ms: number): void;
}

/** Handles one HTTP message (request on a server, response on a client) as the codec parses it. */
export interface HTTPMessageDelegate {
  /** The start line and headers have arrived. Return a promise to hold back the body until it settles. */
  headersReceived(
    startLine: RequestStartLine | ResponseStartLine,
    headers: HTTPHeaders,
  ): void | Promise<void>;
  /** A chunk of the body has arrived. Return a promise to hold back the next chunk until it settles. */
  dataReceived(chunk: Buffer): void | Promise<void>;
  /**
   * The whole message has arrived. Exactly one of `finish` / `onConnectionClose` follows
   * `headersReceived`. A returned promise holds back the connection's next message until it settles.
   */
  finish(): void | Promise<void>;
  /** The connection closed before the message was complete. */
  onConnectionClose(): void;
}

/** Receives each request of a server connection (`web`'s `Application` is one). */
export interface HTTPServerConnectionDelegate {
  /**
   * A new request has started on `serverConn` (an opaque long-lived connection object);
   * `requestConn` is used to answer it. Returns the delegate that receives the request.
   */
  startRequest(serverConn: object, requestConn: HTTPConnection): HTTPMessageDelegate;
  /** `serverConn`, seen before by `startRequest`, has closed. */
  onClose(serverConn: object): void;
}
