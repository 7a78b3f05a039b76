import type { Duplex } from 'node:stream';
import { appLog, genLog } from '@tornado-ts/ioloop';
import { StreamClosedError } from '@tornado-ts/iostream';
import {
  HandlerUsageError,
  RequestHandler,
  type CookieOptions,
  type ErrorDetails,
  type HeaderValue,
  type ResponseChunk,
} from '@tornado-ts/web';
import type { CompressionOptions } from './compression';
import { WebSocketClosedError, type WebSocketError } from './errors';
import { offeredSubprotocols, refuseHandshake, sameOrigin } from './handshake';
import { upgradeToWebSocket } from './server-upgrade';
import {
  FLUSHED,
  keepAliveOf,
  quietRejection,
  WebSocketChannel,
  type ChannelOwner,
  type OutgoingMessage,
  type WebSocketMessage,
  type WriteMessageOptions,
} from './ws-channel';

/** Tornado's default `websocket_max_message_size`: 10 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024;

/** Headers of the 101 answer that ws writes itself, or that make no sense on it. */
const HEADERS_NOT_FORWARDED = new Set([
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
]);

const NOT_SUPPORTED = 'Method not supported for WebSockets';

/**
 * A WebSocket endpoint (Tornado's `WebSocketHandler`), routed like any handler. Override `open`,
 * `onMessage` and `onClose`; send with `writeMessage`. The upgrade is checked by `get()` (400,
 * 426, 403 from `checkOrigin`), then the connection leaves HTTP and is driven by the `ws` package.
 * `open()` and each `onMessage()` may be async: no message is delivered until the previous
 * callback settled, and `onClose()` always comes last.
 */
export class WebSocketHandler extends RequestHandler implements ChannelOwner {
  #channel: WebSocketChannel | null = null;
  #socket: Duplex | null = null;
  #selectedSubprotocol: string | null = null;
  #upgraded = false;
  /** True while open() or an onMessage() is pending (messages then wait in #queue). */
  #busy = true;
  /** True while reading is paused because messages wait in #queue. */
  #paused = false;
  #queue: WebSocketMessage[] = [];
  #closePending = false;
  #closeNotified = false;

  // --- Hooks to override ------------------------------------------------------------------------

  /** Runs once the connection is open, with the route's path arguments; may be async (messages wait for it). */
  open(..._pathArgs: unknown[]): void | Promise<void> {}

  /** Receives each message: text as a string, binary as a Buffer; may be async (the next waits for it). */
  onMessage(_message: WebSocketMessage): void | Promise<void> {}

  /** Runs once when the connection is closed, by either side; `closeCode`/`closeReason` tell what the peer sent. */
  onClose(): void {}

  /** Runs when a ping arrives (ws has already answered with a pong). */
  onPing(_data: Buffer): void {}

  /** Runs when a pong arrives (after `ping()` or a keep-alive ping). */
  onPong(_data: Buffer): void {}

  /**
   * Picks one of the subprotocols the client offered (called even when it offered none), or null
   * for none. Must return a member of `subprotocols`.
   */
  selectSubprotocol(_subprotocols: string[]): string | null {
    return null;
  }

  /**
   * True to accept a handshake from `origin` (the Origin header). By default only the same host
   * and port as the request's Host: browsers send Origin, so this blocks cross-site pages.
   */
  checkOrigin(origin: string): boolean {
    return sameOrigin(origin, this.request.headers.get('Host') ?? '');
  }

  /** permessage-deflate options to offer, or null (the default) for no compression. */
  getCompressionOptions(): CompressionOptions | null {
    return null;
  }

  /** The largest message accepted, after decompression: the `websocketMaxMessageSize` setting, else 10 MiB. */
  get maxMessageSize(): number {
    return this.settings.websocketMaxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  /** Milliseconds between keep-alive pings: the `websocketPingInterval` setting (unset or 0: none). */
  get pingInterval(): number | undefined {
    return this.settings.websocketPingInterval;
  }

  /** Milliseconds without a pong before the connection is dropped: `websocketPingTimeout`, else max(3 intervals, 30 s). */
  get pingTimeout(): number | undefined {
    return this.settings.websocketPingTimeout;
  }

  // --- The connection -----------------------------------------------------------------------------

  /** The subprotocol `selectSubprotocol` chose, or null. */
  get selectedSubprotocol(): string | null {
    return this.#selectedSubprotocol;
  }

  /** The close code the client sent, or null (none, or the connection dropped). */
  get closeCode(): number | null {
    return this.#channel?.closeCode ?? null;
  }

  /** The close reason the client sent, or null. */
  get closeReason(): string | null {
    return this.#channel?.closeReason ?? null;
  }

  /** Why the connection ended when not cleanly: a `WebSocketProtocolError` (1009 too big...), a ping timeout. */
  get closeError(): WebSocketError | null {
    return this.#channel?.closeError ?? null;
  }

  /**
   * Sends a message (bytes go binary unless `binary: false`; a plain object is sent as JSON text);
   * resolves once handed to the socket, so awaiting it applies backpressure.
   * Rejects with `WebSocketClosedError` when the connection is closed or not open yet.
   */
  writeMessage(message: OutgoingMessage, options?: WriteMessageOptions): Promise<void> {
    const channel = this.#channel;
    if (channel === null) return quietRejection(new WebSocketClosedError('WebSocket is not open'));
    return channel.write(message, options);
  }

  /** Sends a ping (up to 125 bytes of data). Rejects with `WebSocketClosedError` when closed. */
  ping(data?: string | Uint8Array): Promise<void> {
    const channel = this.#channel;
    if (channel === null) return quietRejection(new WebSocketClosedError('WebSocket is not open'));
    return channel.ping(data);
  }

  /** Starts the closing handshake with `code` and `reason` (both optional); resolves once closed. */
  close(code?: number, reason?: string): Promise<void> {
    const channel = this.#channel;
    if (channel === null) return Promise.resolve();
    return channel.close(code, reason);
  }

  /** Turns Nagle's algorithm off (true) so small messages leave at once, or on. */
  setNodelay(value: boolean): void {
    const socket = this.#socket as (Duplex & { setNoDelay?: (noDelay?: boolean) => unknown }) | null;
    if (socket !== null && typeof socket.setNoDelay === 'function') socket.setNoDelay(value);
  }

  // --- The handshake ------------------------------------------------------------------------------

  /**
   * Checks the upgrade request and hands the connection to ws. Not meant to be overridden; use
   * `prepare()` for authentication (it runs first and may refuse with an HTTPError).
   * @throws {HandlerUsageError} (500) when `selectSubprotocol` returns a protocol that was not offered.
   */
  get(...pathArgs: unknown[]): void {
    const request = this.request;
    const refusal = refuseHandshake(request);
    if (refusal !== null) {
      genLog.debug('WebSocket handshake refused (%d %s): %s', refusal.status, refusal.message, this.requestSummary());
      this.setStatus(refusal.status);
      if (refusal.header !== undefined) this.setHeader(refusal.header[0], refusal.header[1]);
      void this.finish(refusal.message);
      return;
    }
    const origin = request.headers.get('Origin') ?? request.headers.get('Sec-WebSocket-Origin');
    if (origin !== undefined && !this.checkOrigin(origin)) {
      this.setStatus(403);
      void this.finish('Cross origin websockets not allowed');
      return;
    }
    const offered = offeredSubprotocols(request);
    const selected = this.selectSubprotocol(offered);
    if (selected !== null && selected !== undefined && !offered.includes(selected)) {
      throw new HandlerUsageError(`selectSubprotocol() returned ${JSON.stringify(selected)}, which the client did not offer`);
    }
    this.#selectedSubprotocol = selected ?? null;
    const compression = this.getCompressionOptions();
    const maxMessageSize = this.maxMessageSize;

    let detached;
    try {
      detached = this.detach().detach();
    } catch (error) {
      if (error instanceof StreamClosedError) return; // the client left before the answer
      throw error;
    }
    const { socket, buffered } = detached;
    const ws = upgradeToWebSocket({
      request,
      socket,
      head: buffered,
      maxMessageSize,
      compression,
      subprotocol: this.#selectedSubprotocol,
      addHeaders: (lines) => this.#addResponseHeaders(lines),
    });
    if (ws === null) {
      genLog.debug('WebSocket handshake refused by ws: %s', this.requestSummary());
      return;
    }
    // The access log line, as for any request (Tornado logs its upgrades as 101 too).
    this.setStatus(101);
    this.application.logRequest(this);
    this.#upgraded = true;
    this.#socket = socket;
    this.#channel = new WebSocketChannel(ws, this);
    // The socket is still paused (a detached stream comes back paused): nothing is read until
    // open() has finished, so messages cannot overtake it.
    this.#runOpen(pathArgs);
  }

  #addResponseHeaders(lines: string[]): void {
    for (const [name, value] of this.responseHeaders) {
      if (!HEADERS_NOT_FORWARDED.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
    }
    // Formatted once, by setCookie: the values an HTTP response would carry.
    for (const cookie of this.pendingSetCookies()) lines.push(`Set-Cookie: ${cookie}`);
  }

  #runOpen(pathArgs: unknown[]): void {
    let result: unknown;
    try {
      result = this.open(...pathArgs);
    } catch (error) {
      this.#callbackFailed('open', error);
      return;
    }
    if (isPromiseLike(result)) result.then(this.#opened, this.#openFailed);
    else this.#opened();
  }

  readonly #opened = (): void => {
    const channel = this.#channel as WebSocketChannel;
    channel.startKeepAlive(keepAliveOf(this.pingInterval, this.pingTimeout));
    this.#drain();
    channel.resume();
  };

  readonly #openFailed = (error: unknown): void => this.#callbackFailed('open', error);

  // --- Channel events (ChannelOwner; not for users) -----------------------------------------------

  /** @internal */
  channelMessage(message: WebSocketMessage): void {
    if (this.#busy) {
      // A backlog: stop reading until it is worked off (not on every async onMessage, which
      // would cost a pause and a resume of the socket per message).
      this.#queue.push(message);
      if (!this.#paused) {
        this.#paused = true;
        (this.#channel as WebSocketChannel).pause();
      }
      return;
    }
    this.#deliver(message);
  }

  #deliver(message: WebSocketMessage): void {
    let result: unknown;
    try {
      result = this.onMessage(message);
    } catch (error) {
      this.#callbackFailed('onMessage', error);
      return;
    }
    // `return this.writeMessage(...)` of a message already in the kernel is done: no then() needed.
    if (result !== FLUSHED && isPromiseLike(result)) {
      this.#busy = true;
      result.then(this.#delivered, this.#messageFailed);
    }
  }

  readonly #delivered = (): void => {
    this.#drain();
    if (!this.#busy && this.#paused) {
      this.#paused = false;
      (this.#channel as WebSocketChannel).resume();
    }
  };

  readonly #messageFailed = (error: unknown): void => this.#callbackFailed('onMessage', error);

  /** Delivers the waiting messages until one is async; then, when idle, a pending close. */
  #drain(): void {
    this.#busy = false;
    const queue = this.#queue;
    while (queue.length > 0 && !this.#busy) this.#deliver(queue.shift() as WebSocketMessage);
    if (!this.#busy && this.#closePending) this.#notifyClose();
  }

  /** A callback threw: log it and drop the connection, as Tornado does. */
  #callbackFailed(name: string, error: unknown): void {
    appLog.error('Uncaught exception in %s() of %s', name, this.requestSummary(), error);
    this.#queue.length = 0;
    this.#busy = false;
    this.#channel?.abort();
    if (this.#closePending) this.#notifyClose();
  }

  /** @internal */
  channelPing(data: Buffer): void {
    this.#runHook('onPing', data);
  }

  /** @internal */
  channelPong(data: Buffer): void {
    this.#runHook('onPong', data);
  }

  #runHook(name: 'onPing' | 'onPong', data: Buffer): void {
    try {
      this[name](data);
    } catch (error) {
      this.#callbackFailed(name, error);
    }
  }

  /** @internal */
  channelClosed(): void {
    if (this.#busy) this.#closePending = true;
    else this.#notifyClose();
  }

  #notifyClose(): void {
    if (this.#closeNotified) return;
    this.#closeNotified = true;
    this.#closePending = false;
    try {
      this.onClose();
    } catch (error) {
      appLog.error('Uncaught exception in onClose() of %s', this.requestSummary(), error);
    }
  }

  // --- HTTP output: allowed during the handshake (prepare), refused once upgraded ------------------

  override setCookie(name: string, value: string, options?: CookieOptions): void {
    this.#refuseAfterUpgrade();
    super.setCookie(name, value, options);
  }

  override write(chunk: ResponseChunk): void {
    this.#refuseAfterUpgrade();
    super.write(chunk);
  }

  override setHeader(name: string, value: HeaderValue): void {
    this.#refuseAfterUpgrade();
    super.setHeader(name, value);
  }

  override addHeader(name: string, value: HeaderValue): void {
    this.#refuseAfterUpgrade();
    super.addHeader(name, value);
  }

  override clearHeader(name: string): void {
    this.#refuseAfterUpgrade();
    super.clearHeader(name);
  }

  override setStatus(code: number, reason?: string): void {
    this.#refuseAfterUpgrade();
    super.setStatus(code, reason);
  }

  override flush(): Promise<void> {
    this.#refuseAfterUpgrade();
    return super.flush();
  }

  override finish(chunk?: ResponseChunk): Promise<void> {
    this.#refuseAfterUpgrade();
    return super.finish(chunk);
  }

  override redirect(url: string, permanent?: boolean, status?: number): void {
    this.#refuseAfterUpgrade();
    super.redirect(url, permanent, status);
  }

  /** Before the upgrade, an error page as usual; after it, HTTP is gone and the connection is dropped. */
  override sendError(statusCode?: number, details?: ErrorDetails): void {
    if (this.#upgraded) {
      this.#channel?.abort();
      return;
    }
    super.sendError(statusCode, details);
  }

  #refuseAfterUpgrade(): void {
    if (this.#upgraded) throw new HandlerUsageError(NOT_SUPPORTED);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
