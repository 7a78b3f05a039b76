// One open ws WebSocket as both our server handler and our client see it: writes that resolve
// once flushed, close codes in Tornado's terms, ws errors as our classes, and the keep-alive pings.
// Every listener is a method bound once per connection; a write costs one promise and no closure.

import { Deque } from '@tornado-ts/ioloop';
import type { RawData, WebSocket } from 'ws';
import { fromWsError, WebSocketClosedError, type WebSocketError } from './errors';

/** A received message: text as a string, binary as a Buffer. */
export type WebSocketMessage = string | Buffer;
/** What `writeMessage` sends: a string (text), bytes (binary), or a plain object (text, as JSON). */
export type OutgoingMessage = string | Uint8Array | Record<string, unknown>;

/** Options of `writeMessage`. */
export interface WriteMessageOptions {
  /** Send a binary frame (true) or a text frame (false); by default bytes go binary, text and objects as text. */
  binary?: boolean;
}

/** What a channel reports to its owner (the handler or the client connection). */
export interface ChannelOwner {
  channelMessage(message: WebSocketMessage): void;
  channelPing(data: Buffer): void;
  channelPong(data: Buffer): void;
  channelClosed(): void;
}

/** ws's open state (`WebSocket.OPEN`), without importing the runtime class here. */
const OPEN = 1;
const SEND_TEXT = { binary: false };
const SEND_BINARY = { binary: true };
const NO_DATA = Buffer.alloc(0);
/** The largest reason that fits a close frame (125 bytes less the 2-byte code). */
const MAX_CLOSE_REASON_BYTES = 123;
/** The largest payload of a control frame (ping, pong). */
const MAX_CONTROL_PAYLOAD = 125;
/** ws's codes for "no status in the close frame" and "no close frame at all": Tornado's None. */
const NO_STATUS_RECEIVED = 1005;
const ABNORMAL_CLOSURE = 1006;

type Resolve = () => void;
type Reject = (reason: unknown) => void;
const noop = (): void => {};

/**
 * What `write` returns for a message that was in the kernel when `send` returned: one resolved
 * promise shared by all of them (awaiting it still waits a microtask, as any promise does).
 */
export const FLUSHED: Promise<void> = Promise.resolve();

/** Keep-alive settings: ping every `interval` ms, give up after `timeout` ms without a pong. */
export interface KeepAlive {
  interval: number;
  timeout: number;
}

/** Tornado's default ping timeout: three intervals, and never under 30 s. */
export function keepAliveOf(interval: number | undefined | null, timeout: number | undefined | null): KeepAlive | null {
  if (interval === undefined || interval === null || interval <= 0) return null;
  return { interval, timeout: timeout ?? Math.max(3 * interval, 30_000) };
}

/** A ws WebSocket in the shape our handler and client need (see the file comment). */
export class WebSocketChannel {
  readonly #ws: WebSocket;
  readonly #owner: ChannelOwner;
  readonly #resolvers = new Deque<Resolve>();
  readonly #rejecters = new Deque<Reject>();
  #resolve: Resolve = noop;
  #reject: Reject = noop;
  /** Writes whose promise waits for ws's send callback. */
  #waiting = 0;
  /** permessage-deflate was negotiated: ws may hold a message while it compresses it. */
  readonly #compressing: boolean;
  #closed = false;
  /** Set by close(): reading goes on regardless of pause(), or the peer's close frame would never be seen. */
  #closingLocally = false;
  #closeCode: number | null = null;
  #closeReason: string | null = null;
  #closeError: WebSocketError | null = null;
  #whenClosed: Promise<void>;
  #markClosed: Resolve = noop;
  #keepAlive: KeepAlive | null = null;
  #pinger: NodeJS.Timeout | null = null;
  #lastPing = 0;
  #lastPong = 0;

  readonly #capture = (resolve: Resolve, reject: Reject): void => {
    this.#resolve = resolve;
    this.#reject = reject;
  };

  constructor(ws: WebSocket, owner: ChannelOwner) {
    this.#ws = ws;
    this.#owner = owner;
    this.#compressing = ws.extensions !== '';
    this.#whenClosed = new Promise<void>((resolve) => {
      this.#markClosed = resolve;
    });
    ws.on('message', this.#onMessage);
    ws.on('ping', this.#onPing);
    ws.on('pong', this.#onPong);
    ws.on('error', this.#onError);
    ws.on('close', this.#onClose);
  }

  /** The close code the peer sent, or null (none sent, or the connection dropped). */
  get closeCode(): number | null {
    return this.#closeCode;
  }

  /** The close reason the peer sent, or null. */
  get closeReason(): string | null {
    return this.#closeReason;
  }

  /** Why the connection closed when it was not a clean close (protocol error, ping timeout). */
  get closeError(): WebSocketError | null {
    return this.#closeError;
  }

  /** True once closed or closing: writes are refused from then on. */
  get closing(): boolean {
    return this.#closed || this.#ws.readyState !== OPEN;
  }

  /** Resolves once the connection is closed (never rejects). */
  get whenClosed(): Promise<void> {
    return this.#whenClosed;
  }

  /** The subprotocol agreed in the handshake, or null. */
  get protocol(): string | null {
    return this.#ws.protocol === '' ? null : this.#ws.protocol;
  }

  /** The negotiated extensions header value ('' when none). */
  get extensions(): string {
    return this.#ws.extensions;
  }

  /**
   * Sends one message; resolves once ws handed it to the socket (so awaiting each write keeps
   * memory bounded). Rejects with WebSocketClosedError when closed; a rejection nobody awaits is not reported.
   */
  write(message: OutgoingMessage, options?: WriteMessageOptions): Promise<void> {
    if (this.closing) return quietRejection(new WebSocketClosedError());
    let data: string | Uint8Array;
    let binary: boolean;
    if (typeof message === 'string') {
      data = message;
      binary = options?.binary ?? false;
    } else if (message instanceof Uint8Array) {
      data = message;
      binary = options?.binary ?? true;
    } else if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
      data = JSON.stringify(message);
      binary = options?.binary ?? false;
    } else {
      throw new TypeError('writeMessage() takes a string, a Buffer or a plain object');
    }
    const ws = this.#ws;
    ws.send(data, binary ? SEND_BINARY : SEND_TEXT, this.#onSent);
    // Nothing left in ws's queue or the socket's buffer: the frame is in the kernel already, so it
    // needs no promise of its own. Only when no earlier write is still waiting, so that writes
    // resolve in order; with compression ws may still be deflating (and holds the bytes elsewhere).
    if (this.#waiting === 0 && !this.#compressing && ws.bufferedAmount === 0) {
      this.#resolvers.push(noop);
      this.#rejecters.push(noop);
      return FLUSHED;
    }
    const promise = new Promise<void>(this.#capture);
    this.#resolvers.push(this.#resolve);
    this.#rejecters.push(this.#reject);
    this.#waiting++;
    return promise;
  }

  // ws calls send callbacks in the order of the sends (socket writes complete in order; on an
  // error it fails the pending ones in queue order), so the oldest pending entry is the one due.
  readonly #onSent = (error?: Error | null): void => {
    const resolve = this.#resolvers.shift() as Resolve;
    const reject = this.#rejecters.shift() as Reject;
    if (resolve === noop) return; // settled when sent (see write)
    this.#waiting--;
    if (error) reject(new WebSocketClosedError(`WebSocket write failed: ${error.message}`, { cause: error }));
    else resolve();
  };

  /** Sends a ping with up to 125 bytes of `data`. @throws {RangeError} for longer data. */
  ping(data: string | Uint8Array = NO_DATA): Promise<void> {
    if (Buffer.byteLength(data) > MAX_CONTROL_PAYLOAD) throw new RangeError(`A ping carries at most ${MAX_CONTROL_PAYLOAD} bytes`);
    if (this.closing) return quietRejection(new WebSocketClosedError());
    return new Promise<void>((resolve, reject) => {
      this.#ws.ping(data, undefined, (error?: Error) => (error ? reject(new WebSocketClosedError(error.message, { cause: error })) : resolve()));
    });
  }

  /**
   * Starts the closing handshake (code 1000 when only a reason is given); resolves once closed.
   * ws destroys the socket if the peer does not answer within its close timeout.
   * @throws {RangeError} for a reason over 123 bytes. @throws {TypeError} for a code a close frame may not carry.
   */
  close(code?: number | null, reason?: string | null): Promise<void> {
    if (reason !== undefined && reason !== null && Buffer.byteLength(reason) > MAX_CLOSE_REASON_BYTES) {
      throw new RangeError(`A close reason is at most ${MAX_CLOSE_REASON_BYTES} bytes`);
    }
    if (!this.#closed) {
      const status = code ?? (reason ? 1000 : undefined);
      this.#ws.close(status, status === undefined ? undefined : (reason ?? undefined));
      this.#closingLocally = true;
      this.#ws.resume();
    }
    return this.#whenClosed;
  }

  /** Drops the connection without a closing handshake (a failed callback, a dead peer). */
  abort(): void {
    this.#ws.terminate();
  }

  /** Stops reading (backpressure); frames wait in the kernel. Ignored once `close()` was called. */
  pause(): void {
    if (!this.#closingLocally) this.#ws.pause();
  }

  /** Reads again after `pause()`. */
  resume(): void {
    this.#ws.resume();
  }

  /** Pings every `interval` and closes the connection when no pong came for `timeout` (Tornado's periodic_ping). */
  startKeepAlive(keepAlive: KeepAlive | null): void {
    if (keepAlive === null || this.#closed) return;
    this.#keepAlive = keepAlive;
    this.#lastPing = this.#lastPong = performance.now();
    this.#pinger = setInterval(this.#periodicPing, keepAlive.interval);
    this.#pinger.unref();
  }

  readonly #periodicPing = (): void => {
    const keepAlive = this.#keepAlive as KeepAlive;
    if (this.closing) return this.#stopKeepAlive();
    const now = performance.now();
    // A late timer (a blocked loop) is no proof that the peer is dead: only judge right after a ping.
    if (now - this.#lastPing < 2 * keepAlive.interval && now - this.#lastPong > keepAlive.timeout) {
      this.#closeError = new WebSocketClosedError(`No pong within ${keepAlive.timeout} ms: the peer is gone`);
      this.#stopKeepAlive();
      this.#ws.terminate();
      return;
    }
    this.#ws.ping();
    this.#lastPing = now;
  };

  #stopKeepAlive(): void {
    if (this.#pinger !== null) clearInterval(this.#pinger);
    this.#pinger = null;
  }

  readonly #onMessage = (data: RawData, isBinary: boolean): void => {
    const bytes = data as Buffer; // binaryType stays 'nodebuffer'
    this.#owner.channelMessage(isBinary ? bytes : bytes.toString('utf8'));
  };

  readonly #onPing = (data: Buffer): void => {
    this.#owner.channelPing(data);
  };

  readonly #onPong = (data: Buffer): void => {
    this.#lastPong = performance.now();
    this.#owner.channelPong(data);
  };

  readonly #onError = (error: Error): void => {
    this.#closeError ??= fromWsError(error);
  };

  readonly #onClose = (code: number, reason: Buffer): void => {
    this.#closed = true;
    this.#stopKeepAlive();
    this.#closeCode = code === NO_STATUS_RECEIVED || code === ABNORMAL_CLOSURE ? null : code;
    this.#closeReason = reason.length > 0 ? reason.toString('utf8') : null;
    this.#markClosed();
    this.#owner.channelClosed();
  };
}

/** A rejected promise that is not reported as unhandled when the caller does not await it (fire-and-forget writes). */
export function quietRejection(error: Error): Promise<void> {
  const promise = Promise.reject(error);
  promise.catch(noop);
  return promise;
}
