import net from 'node:net';
import tls from 'node:tls';
import type { CloseCallback, IOStreamOptions } from './base-iostream';
import { SSLHandshakeError, StreamClosedError } from './errors';
import { IOStream, type ConnectOptions, type StartTlsOptions } from './iostream';
import { whenReady } from './when-ready';

/** Options of `SSLIOStream.connect`: those of `IOStream.connect` plus Node's TLS client options. */
export interface SSLConnectOptions extends ConnectOptions, Omit<StartTlsOptions, 'timeout' | 'signal'> {}

const HANDSHAKE_PENDING = 0;
const HANDSHAKE_DONE = 1;
const HANDSHAKE_FAILED = 2;

/**
 * An {@link IOStream} over a `tls.TLSSocket`. Reads and writes wait for the handshake by
 * themselves; `waitForHandshake` reports when it is done (or why it failed), after which the
 * peer certificate and the ALPN protocol are known.
 */
export class SSLIOStream extends IOStream<tls.TLSSocket> {
  #handshake = HANDSHAKE_PENDING;
  #handshakeError: SSLHandshakeError | null = null;
  #waiting: Promise<this> | null = null;
  #resolveWait: (stream: this) => void = () => {};
  #rejectWait: (reason: unknown) => void = () => {};

  /** Wraps a TLS socket whose handshake may be pending or done (as in a server's `secureConnection`). */
  constructor(socket: tls.TLSSocket, options?: IOStreamOptions) {
    super(socket, options);
    if (socket.destroyed) {
      this.#failHandshake();
    } else if (socket.alpnProtocol !== null) {
      // alpnProtocol turns from null to a string or false when the handshake completes.
      this.#handshake = HANDSHAKE_DONE;
    } else {
      socket.on('secure', this.#onSecure);
      socket.on('close', this.#onSocketClose);
    }
  }

  /**
   * Opens a TLS connection and resolves once the handshake succeeded and the certificate was
   * verified against `serverHostname` (default: `host`). Rejects with StreamClosedError when the
   * TCP connection fails, SSLHandshakeError when TLS does, or TimeoutError / the abort reason.
   */
  static override connect(port: number, host: string, options: SSLConnectOptions = {}): Promise<SSLIOStream> {
    const { serverHostname, signal, timeout, maxBufferSize, maxWriteBufferSize, readChunkSize, ...tlsOptions } = options;
    let connected = false;
    const socket = tls.connect({ ...tlsOptions, port, host, ...verifyAs(serverHostname ?? host, tlsOptions) });
    socket.once('connect', () => {
      connected = true;
    });
    const settings = { maxBufferSize, maxWriteBufferSize, readChunkSize };
    return whenReady(
      socket,
      'secureConnect',
      { signal, timeout },
      () => new SSLIOStream(socket, settings),
      (error) => (connected ? handshakeFailure(error) : new StreamClosedError(error, 'Connection failed')),
    );
  }

  /** Resolves with this stream once the handshake has completed; rejects with SSLHandshakeError if it fails. */
  waitForHandshake(): Promise<this> {
    if (this.#handshake === HANDSHAKE_DONE) return Promise.resolve(this);
    if (this.#handshake === HANDSHAKE_FAILED) return Promise.reject(this.#handshakeError);
    this.#waiting ??= new Promise<this>((resolve, reject) => {
      this.#resolveWait = resolve;
      this.#rejectWait = reject;
    });
    return this.#waiting;
  }

  /** The protocol chosen by ALPN, or null when none was (or the handshake is not done). */
  get alpnProtocol(): string | null {
    const protocol = this.socket.alpnProtocol;
    return typeof protocol === 'string' ? protocol : null;
  }

  /** True when the peer's certificate was verified (always false for a server that did not ask for one). */
  get authorized(): boolean {
    return this.socket.authorized;
  }

  /** The peer's certificate (with its issuer chain when `detailed`), or null when it sent none. */
  getPeerCertificate(detailed = false): tls.PeerCertificate | null {
    const certificate = this.socket.getPeerCertificate(detailed);
    return certificate && Object.keys(certificate).length > 0 ? certificate : null;
  }

  #onSecure = (): void => {
    // A client socket from tls.connect verifies the peer in an earlier 'secure' listener and is
    // destroyed there when verification fails; the error and close events follow.
    if (this.socket.destroyed || this.#handshake !== HANDSHAKE_PENDING) return;
    this.#handshake = HANDSHAKE_DONE;
    this.#stopWatching();
    this.#resolveWait(this);
  };

  #onSocketClose = (): void => {
    if (this.#handshake === HANDSHAKE_PENDING) this.#failHandshake();
  };

  #failHandshake(): void {
    this.#handshake = HANDSHAKE_FAILED;
    this.#handshakeError = handshakeFailure(this.error);
    this.#stopWatching();
    this.#rejectWait(this.#handshakeError);
  }

  #stopWatching(): void {
    this.socket.off('secure', this.#onSecure);
    this.socket.off('close', this.#onSocketClose);
  }
}

/** TLS client options that verify the server certificate against `name` and send it as SNI (unless an IP). */
function verifyAs(name: string, options: tls.ConnectionOptions): tls.ConnectionOptions {
  const check = options.checkServerIdentity ?? tls.checkServerIdentity;
  return {
    ...(net.isIP(name) === 0 ? { servername: name } : {}),
    checkServerIdentity: (_host, certificate) => check(name, certificate),
  };
}

function handshakeFailure(error: Error | null): SSLHandshakeError {
  return error === null
    ? new SSLHandshakeError('TLS connection closed before the handshake completed')
    : new SSLHandshakeError(`TLS handshake failed: ${error.message}`, { cause: error });
}

/** `IOStream.startTls`: wraps the released plain socket and waits for the handshake. */
export function upgradeToTls(
  socket: net.Socket,
  serverSide: boolean,
  options: StartTlsOptions,
  settings: IOStreamOptions,
  closeCallback: CloseCallback | null,
): Promise<SSLIOStream> {
  const { serverHostname, signal, timeout, ...tlsOptions } = options;
  if (socket.destroyed) return Promise.reject(new StreamClosedError(socket.errored));
  const tlsSocket = serverSide
    ? new tls.TLSSocket(socket, { ...tlsOptions, isServer: true })
    : tls.connect({ ...tlsOptions, ...(serverHostname === undefined ? {} : verifyAs(serverHostname, tlsOptions)), socket });
  return whenReady(
    tlsSocket,
    serverSide ? 'secure' : 'secureConnect',
    { signal, timeout },
    () => {
      const stream = new SSLIOStream(tlsSocket, settings);
      stream.setCloseCallback(closeCallback);
      return stream;
    },
    handshakeFailure,
  );
}
