import type net from 'node:net';
import {
  HTTP1ConnectionParameters,
  HTTP1ServerConnection,
  type HTTPConnection,
  type HTTPMessageDelegate,
  type HTTPServerConnectionDelegate,
} from '@tornado-ts/httputil';
import { SSLIOStream, type IOStream } from '@tornado-ts/iostream';
import { bindSockets, TCPServer, type BindOptions, type ForkOptions } from '@tornado-ts/tcpserver';
import { CallableAdapter, type RequestCallback } from './callable-adapter';
import { resolveServerOptions, type HTTPServerOptions } from './options';
import { ServerRequestContext } from './request-context';
import { XHeadersAdapter } from './xheaders';

/** Options of {@link HTTPServer.close}. */
export interface CloseOptions {
  /** Ms to let in-flight requests finish before their connections are closed anyway (default 30 000; Infinity: wait). */
  timeout?: number;
}

const DEFAULT_CLOSE_TIMEOUT = 30_000;

function isConnectionDelegate(value: unknown): value is HTTPServerConnectionDelegate {
  return typeof value === 'object' && value !== null && typeof (value as HTTPServerConnectionDelegate).startRequest === 'function';
}

/**
 * A non-blocking HTTP/1.1 server (Tornado's `HTTPServer`): a `TCPServer` that hands each accepted
 * stream to the httputil codec (`HTTP1ServerConnection`) and each request to `app`, an
 * `HTTPServerConnectionDelegate` (web's `Application` is one) or a plain callback that receives
 * the finished `HTTPServerRequest`. Keep-alive, pipelining, chunked bodies and `Expect:
 * 100-continue` come from the codec; xheaders and the callback form are delegate wrappers.
 */
// #private fields kept: per request only startRequest runs here (see CallableAdapter for the profile).
export class HTTPServer extends TCPServer implements HTTPServerConnectionDelegate {
  readonly #delegate: HTTPServerConnectionDelegate | null;
  readonly #callback: RequestCallback | null;
  readonly #params: HTTP1ConnectionParameters;
  readonly #xheaders: boolean;
  readonly #trustedDownstream: ReadonlySet<string>;
  readonly #protocol: string | null;
  readonly #connections = new Set<HTTP1ServerConnection>();
  #bound: net.Server[] = [];
  #closing = false;

  /**
   * @throws {TypeError} when `app` is neither a delegate nor a function, or an option is unknown or of the wrong type.
   * @throws {RangeError} when a size or timeout is out of range. A bad TLS key or certificate throws here too.
   */
  constructor(app: HTTPServerConnectionDelegate | RequestCallback, options?: HTTPServerOptions) {
    const resolved = resolveServerOptions(options);
    super(resolved.tcp);
    if (typeof app === 'function') {
      this.#callback = app;
      this.#delegate = null;
    } else if (isConnectionDelegate(app)) {
      this.#delegate = app;
      this.#callback = null;
    } else {
      throw new TypeError('HTTPServer needs an HTTPServerConnectionDelegate (an object with startRequest) or a request callback');
    }
    this.#params = new HTTP1ConnectionParameters(resolved.connection);
    this.#xheaders = resolved.xheaders;
    this.#trustedDownstream = resolved.trustedDownstream;
    this.#protocol = resolved.protocol;
  }

  /** Serves one accepted connection: builds its context and runs the codec on it until it closes. */
  override handleStream(stream: IOStream, address: net.AddressInfo): void {
    const protocol = this.#protocol ?? (stream instanceof SSLIOStream ? 'https' : 'http');
    const connection = new HTTP1ServerConnection(stream, this.#params, new ServerRequestContext(address, protocol));
    this.#connections.add(connection);
    connection.startServing(this);
    // Accepted (or done with its TLS handshake) while closing: served only if a request is already under way.
    if (this.#closing) void connection.close();
  }

  /** Called by the codec for each request: the delegate that receives it (wrapped for xheaders). */
  startRequest(serverConnection: object, requestConnection: HTTPConnection): HTTPMessageDelegate {
    const delegate =
      this.#callback !== null
        ? new CallableAdapter(this.#callback, serverConnection, requestConnection)
        : (this.#delegate as HTTPServerConnectionDelegate).startRequest(serverConnection, requestConnection);
    return this.#xheaders ? new XHeadersAdapter(delegate, requestConnection, this.#trustedDownstream) : delegate;
  }

  /** Called by the codec when a connection has closed. */
  onClose(serverConnection: object): void {
    this.#connections.delete(serverConnection as HTTP1ServerConnection);
    this.#delegate?.onClose(serverConnection);
  }

  /**
   * Binds `port` on `host` now and accepts from {@link start}: Tornado's `bind` + `start(n)`.
   * With several processes the primary binds and forks, and each worker accepts on the shared sockets.
   */
  async bind(port: number, host?: string, options?: BindOptions): Promise<void> {
    this.#bound.push(...(await bindSockets(port, host, options)));
  }

  /**
   * Runs the server in `numProcesses` processes (one per CPU when 0 or omitted; 1: this process
   * only), accepting on what {@link bind} bound. Resolves with the task id in a worker; in the
   * primary of several it resolves only when the workers are gone (see `TCPServer.start`).
   */
  override async start(numProcesses?: number, options?: ForkOptions): Promise<number | null> {
    const id = await super.start(numProcesses, options);
    const bound = this.#bound;
    this.#bound = [];
    // In the primary of a multi-process server the sockets are closed by now: the workers accept.
    if (bound.length > 0 && (numProcesses === 1 || id !== null)) this.addSockets(bound);
    return id;
  }

  /**
   * Shuts down gracefully: stops accepting, closes idle keep-alive connections at once, lets each
   * in-flight request finish its response and then closes its connection; after `timeout` ms
   * whatever is still open is closed. Resolves when every connection is closed.
   * @throws {RangeError} for a negative or NaN timeout.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const timeout = options.timeout ?? DEFAULT_CLOSE_TIMEOUT;
    if (typeof timeout !== 'number' || !(timeout >= 0)) throw new RangeError(`close timeout must be a non-negative number of ms, got ${String(timeout)}`);
    this.#closing = true;
    for (const socket of this.#bound) socket.close();
    this.#bound = [];
    const stopped = this.stop({ grace: timeout });
    for (const connection of this.#connections) void connection.close();
    await stopped;
  }
}
