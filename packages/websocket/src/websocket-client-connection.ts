import type { HTTPHeaders } from '@tornado-ts/httputil';
import { appLog, Deque } from '@tornado-ts/ioloop';
import type { WebSocket } from 'ws';
import { WebSocketError } from './errors';
import {
  WebSocketChannel,
  type ChannelOwner,
  type KeepAlive,
  type OutgoingMessage,
  type WebSocketMessage,
  type WriteMessageOptions,
} from './ws-channel';

/** Receives every message, then null once the connection is closed (instead of `readMessage`). */
export type OnMessageCallback = (message: WebSocketMessage | null) => void;

type Reader = (message: WebSocketMessage | null) => void;

/** Wraps an open ws client socket (for websocket-connect.ts; not exported from the package). */
export let createClientConnection: (
  ws: WebSocket,
  headers: HTTPHeaders,
  keepAlive: KeepAlive | null,
  callback: OnMessageCallback | null,
) => WebSocketClientConnection;

/**
 * The client side of a WebSocket (Tornado's `WebSocketClientConnection`), made by
 * `websocketConnect`. Read with `readMessage()` or `for await (const message of conn)`; both
 * end (null, or the loop's end) once the connection is closed and the messages before it read.
 */
export class WebSocketClientConnection implements ChannelOwner, AsyncIterable<WebSocketMessage> {
  /** The headers of the server's 101 answer. */
  readonly headers: HTTPHeaders;
  readonly #channel: WebSocketChannel;
  readonly #callback: OnMessageCallback | null;
  readonly #messages = new Deque<WebSocketMessage>();
  readonly #readers = new Deque<Reader>();
  #closed = false;

  static {
    createClientConnection = (ws, headers, keepAlive, callback) => new WebSocketClientConnection(ws, headers, keepAlive, callback);
  }

  // Private, so that the public types never mention ws's (users need no @types/ws): made by websocketConnect.
  private constructor(ws: WebSocket, headers: HTTPHeaders, keepAlive: KeepAlive | null, callback: OnMessageCallback | null) {
    this.headers = headers;
    this.#callback = callback;
    this.#channel = new WebSocketChannel(ws, this);
    this.#channel.startKeepAlive(keepAlive);
  }

  /** The subprotocol the server chose, or null. */
  get selectedSubprotocol(): string | null {
    return this.#channel.protocol;
  }

  /** The close code the server sent, or null (none yet, none sent, or the connection dropped). */
  get closeCode(): number | null {
    return this.#channel.closeCode;
  }

  /** The close reason the server sent, or null. */
  get closeReason(): string | null {
    return this.#channel.closeReason;
  }

  /** Why the connection ended when not cleanly: a `WebSocketProtocolError`, a ping timeout... */
  get closeError(): WebSocketError | null {
    return this.#channel.closeError;
  }

  /**
   * The next message, or null once the connection is closed and every earlier message was read.
   * Messages wait here unread (the socket pauses while one is waiting: backpressure).
   * @throws {WebSocketError} when the connection was made with `onMessageCallback`.
   */
  readMessage(): Promise<WebSocketMessage | null> {
    if (this.#callback !== null) throw new WebSocketError('readMessage() is not available with onMessageCallback');
    const message = this.#messages.shift();
    if (message !== undefined) {
      if (this.#messages.length === 0 && !this.#closed) this.#channel.resume();
      return Promise.resolve(message);
    }
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  /** Sends a message (bytes go binary unless `binary: false`; objects as JSON); resolves once flushed. */
  writeMessage(message: OutgoingMessage, options?: WriteMessageOptions): Promise<void> {
    return this.#channel.write(message, options);
  }

  /** Sends a ping with up to 125 bytes of data. @throws {RangeError} for longer data. */
  ping(data?: string | Uint8Array): Promise<void> {
    return this.#channel.ping(data);
  }

  /** Starts the closing handshake (`code` 1000 when only a reason is given); resolves once closed. */
  close(code?: number, reason?: string): Promise<void> {
    return this.#channel.close(code, reason);
  }

  /** Each message until the connection closes; leaving the loop early keeps the connection open. */
  async *[Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    for (;;) {
      const message = await this.readMessage();
      if (message === null) return;
      yield message;
    }
  }

  /** @internal */
  channelMessage(message: WebSocketMessage): void {
    if (this.#callback !== null) {
      this.#runCallback(message);
      return;
    }
    const reader = this.#readers.shift();
    if (reader !== undefined) {
      reader(message);
      return;
    }
    this.#messages.push(message);
    this.#channel.pause();
  }

  /** @internal */
  channelPing(): void {}

  /** @internal */
  channelPong(): void {}

  /** @internal */
  channelClosed(): void {
    this.#closed = true;
    if (this.#callback !== null) {
      this.#runCallback(null);
      return;
    }
    for (let reader = this.#readers.shift(); reader !== undefined; reader = this.#readers.shift()) reader(null);
  }

  #runCallback(message: WebSocketMessage | null): void {
    try {
      (this.#callback as OnMessageCallback)(message);
    } catch (error) {
      appLog.error('Uncaught exception in onMessageCallback', error);
    }
  }
}
