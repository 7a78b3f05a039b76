import net from 'node:net';
import tls from 'node:tls';
import { appLog, genLog } from '@tornado-ts/ioloop';
import { IOStream, type IOStreamOptions, SSLIOStream, StreamClosedError, useSharedReadBuffer } from '@tornado-ts/iostream';
import { type BindOptions, bindSockets } from './bind-sockets';
import { HandleStreamNotImplementedError, ServerAlreadyStartedError, ServerStoppedError } from './errors';
import { type ForkOptions, forkProcesses, taskId } from './fork-processes';
import { TLSAcceptor, type TLSServerOptions } from './tls-acceptor';
import { rememberBinding } from './worker-handoff';

/**
 * Called with each accepted connection's stream and the peer's address (for a unix socket:
 * address '', family 'unix', port 0). May be async; a throw or rejection is logged and closes that stream.
 */
export type StreamHandler = (stream: IOStream, address: net.AddressInfo) => void | Promise<void>;

/** Options of {@link TCPServer}. */
export interface TCPServerOptions extends IOStreamOptions {
  /** Handles each connection, instead of overriding `handleStream` in a subclass. */
  handler?: StreamHandler;
  /** Serve TLS: certificate options (`key`, `cert`, `ca`, `requestCert`, `ALPNProtocols`...) or a `tls.SecureContext`. */
  tls?: TLSServerOptions | tls.SecureContext;
  /** Milliseconds a TLS client may take over the handshake before it is dropped and logged (default 30 000; tls.Server's is 120 000). */
  handshakeTimeout?: number;
}

/** Options of {@link TCPServer.stop}. */
export interface StopOptions {
  /**
   * Also wait for the open connections to close, closing those still open after this many ms
   * (0: at once; Infinity: never). Without it, open connections are left alone.
   */
  grace?: number;
}

const DEFAULT_HANDSHAKE_TIMEOUT = 30_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The peer of a connected socket; a unix socket (no remote family) gets address '', family 'unix', port 0. */
function peerAddress(socket: net.Socket): net.AddressInfo {
  const family = socket.remoteFamily;
  if (family === undefined) return { address: '', family: 'unix', port: 0 };
  return { address: socket.remoteAddress ?? '', family, port: socket.remotePort ?? 0 };
}

function logListenerError(error: Error): void {
  genLog.error('Error on a listening socket: %s', error.message);
}

/**
 * A TCP (or TLS) server that hands each accepted connection to `handleStream` as an IOStream:
 * Tornado's `TCPServer`. Subclass it and override `handleStream`, or pass `{ handler }`; then
 * `listen`, or `addSockets` servers from `bindSockets`, and `start(n)` to run n processes.
 */
export class TCPServer {
  #handler: StreamHandler | null;
  #streamOptions: IOStreamOptions;
  #tls: TLSAcceptor | null;
  #listeners = new Set<net.Server>();
  /** Open connections, as the accepted plain sockets: they close however the connection ends (TLS included). */
  #connections = new Set<net.Socket>();
  #drainWaiters: (() => void)[] = [];
  #started = false;
  #stopped = false;
  // One listener of each kind per server rather than a closure per connection; the close listener
  // is told which socket closed through `this`.
  readonly #onConnection: (socket: net.Socket) => void;
  readonly #onSocketClose: (this: net.Socket) => void;

  constructor(options: TCPServerOptions = {}) {
    this.#handler = options.handler ?? null;
    this.#streamOptions = {
      maxBufferSize: options.maxBufferSize,
      maxWriteBufferSize: options.maxWriteBufferSize,
      readChunkSize: options.readChunkSize,
    };
    this.#tls =
      options.tls === undefined
        ? null
        : new TLSAcceptor(options.tls, options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT, (socket) => {
            this.#serve(new SSLIOStream(socket, this.#streamOptions), peerAddress(socket));
          });
    this.#onConnection = (socket) => this.#accept(socket);
    const owner = this;
    this.#onSocketClose = function (this: net.Socket): void {
      owner.#forget(this);
    };
  }

  /**
   * Handles one connection: override in a subclass (async allowed). With TLS it runs after the
   * handshake. The default calls the `handler` option.
   * @throws {HandleStreamNotImplementedError} when neither was given.
   */
  handleStream(stream: IOStream, address: net.AddressInfo): void | Promise<void> {
    if (this.#handler === null) throw new HandleStreamNotImplementedError();
    return this.#handler(stream, address);
  }

  /**
   * Binds `port` on `host` (every interface when omitted; port 0 picks a free port, see `port`)
   * with {@link bindSockets} and starts accepting; resolves with this server once listening.
   * @throws {HandleStreamNotImplementedError} @throws {ServerStoppedError}
   */
  async listen(port: number, host?: string, options?: BindOptions): Promise<this> {
    this.#checkCanAccept('listen');
    const servers = await bindSockets(port, host, options);
    try {
      this.addSockets(servers);
    } catch (error) {
      for (const server of servers) server.close();
      throw error;
    }
    return this;
  }

  /**
   * Starts accepting connections on these listening `net.Server`s (from `bindSockets`,
   * `bindUnixSocket` or `net.createServer().listen()`); TLS comes from this server's options.
   * @throws {HandleStreamNotImplementedError} @throws {ServerStoppedError}
   */
  addSockets(servers: Iterable<net.Server>): void {
    this.#checkCanAccept('addSockets');
    const added = [...servers];
    for (const server of added) {
      if (server instanceof tls.Server) throw new TypeError('addSockets takes plain net.Server listeners; TLS comes from the tls option');
    }
    for (const server of added) {
      if (this.#listeners.has(server)) continue;
      this.#listeners.add(server);
      if (this.#tls === null) useSharedReadBuffer(server);
      server.on('connection', this.#onConnection);
      server.on('error', logListenerError);
    }
    // A primary that forks afterwards closes these: its workers accept instead.
    rememberBinding(null, 0, added);
  }

  /** Singular {@link addSockets}. */
  addSocket(server: net.Server): void {
    this.addSockets([server]);
  }

  /**
   * Runs this server in `numProcesses` processes (one per CPU when 0 or omitted) with
   * {@link forkProcesses}; 1 serves in this process only. In a worker it resolves with the task id
   * while the server accepts on the shared sockets; the primary closes its own and supervises.
   * @throws {ServerAlreadyStartedError} @throws {ServerStoppedError} @throws {ForkError}
   */
  async start(numProcesses?: number, options?: ForkOptions): Promise<number | null> {
    if (this.#stopped) throw new ServerStoppedError('start');
    if (this.#started) throw new ServerAlreadyStartedError();
    this.#started = true;
    if (numProcesses === 1) return taskId();
    return forkProcesses(numProcesses, options);
  }

  /**
   * Stops accepting at once (the listening sockets close before this returns). Open connections
   * stay until they close, unless `grace` is given: then the promise also waits for them and closes
   * those still open after `grace` ms. Calling it again is harmless.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      for (const server of this.#listeners) {
        server.off('connection', this.#onConnection);
        server.close();
      }
      this.#listeners.clear();
    }
    const grace = options.grace;
    if (grace === undefined) return;
    if (!(grace >= 0)) throw new RangeError(`grace must be a non-negative number of ms, got ${grace}`);
    await this.#drain(grace);
  }

  /**
   * Closes every open connection now, TLS handshakes in progress and detached streams included;
   * pending reads and writes on their streams fail with StreamClosedError.
   */
  closeAllConnections(): void {
    for (const socket of this.#connections) socket.destroy();
  }

  /** Connections accepted and not yet closed, TLS handshakes in progress included. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** The addresses being listened on: `{ address, family, port }`, or a path for a unix socket. */
  addresses(): (net.AddressInfo | string)[] {
    const found: (net.AddressInfo | string)[] = [];
    for (const server of this.#listeners) {
      const address = server.address();
      if (address !== null) found.push(address);
    }
    return found;
  }

  /** The port of the first TCP address listened on (the one port 0 picked), or null when none. */
  get port(): number | null {
    for (const address of this.addresses()) if (typeof address !== 'string') return address.port;
    return null;
  }

  #checkCanAccept(operation: string): void {
    if (this.#stopped) throw new ServerStoppedError(operation);
    if (this.#handler === null && this.handleStream === TCPServer.prototype.handleStream) throw new HandleStreamNotImplementedError();
  }

  #accept(socket: net.Socket): void {
    if (this.#stopped) {
      socket.destroy();
      return;
    }
    this.#connections.add(socket);
    socket.on('close', this.#onSocketClose);
    if (this.#tls === null) this.#serve(new IOStream(socket, this.#streamOptions), peerAddress(socket));
    else this.#tls.accept(socket);
  }

  #serve(stream: IOStream, address: net.AddressInfo): void {
    let result: void | Promise<void>;
    try {
      result = this.handleStream(stream, address);
    } catch (error) {
      this.#handlerFailed(stream, error);
      return;
    }
    if (typeof (result as PromiseLike<void> | undefined)?.then === 'function') {
      (result as PromiseLike<void>).then(undefined, (error: unknown) => this.#handlerFailed(stream, error));
    }
  }

  #handlerFailed(stream: IOStream, error: unknown): void {
    // The peer hanging up mid-read is how most connections end, and a stream closed by its own
    // limits (StreamBufferFullError, ...) has already logged why: neither is an application error.
    if (stream.closed() && (error instanceof StreamClosedError || error === stream.error)) {
      genLog.debug('Connection closed in handleStream: %s', (error as Error).message);
    } else {
      appLog.error('Error in connection callback', error);
    }
    stream.close();
  }

  #forget(socket: net.Socket): void {
    socket.off('close', this.#onSocketClose);
    this.#connections.delete(socket);
    if (this.#connections.size === 0 && this.#drainWaiters.length > 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  async #drain(grace: number): Promise<void> {
    if (this.#connections.size === 0) return;
    const drained = new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    let timer: NodeJS.Timeout | null = null;
    if (grace === 0) this.closeAllConnections();
    else if (grace !== Infinity) timer = setTimeout(() => this.closeAllConnections(), Math.min(grace, MAX_TIMER_MS));
    try {
      await drained;
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
  }
}
