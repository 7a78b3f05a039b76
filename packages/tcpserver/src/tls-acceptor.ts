import net from 'node:net';
import tls from 'node:tls';
import { genLog } from '@tornado-ts/ioloop';

/**
 * Server-side TLS settings: what `tls.createServer` takes (`key`/`cert`/`pfx`, `ca`, `requestCert`,
 * `rejectUnauthorized`, `ALPNProtocols`, `SNICallback`, `ticketKeys`...), less the TCP options.
 */
export type TLSServerOptions = Omit<tls.TlsOptions, keyof net.ServerOpts>;

const QUIET_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT']);
const HANDSHAKE_TIMEOUT = 'ERR_TLS_HANDSHAKE_TIMEOUT';

function noop(): void {}

function isSecureContext(value: TLSServerOptions | tls.SecureContext): value is tls.SecureContext {
  return 'context' in value && value.context !== undefined;
}

function describePeer(socket: net.Socket): string {
  const address = socket.remoteAddress;
  if (address === undefined) return 'a client';
  return net.isIPv6(address) ? `[${address}]:${socket.remotePort}` : `${address}:${socket.remotePort}`;
}

/**
 * Does the server side of the TLS handshake for accepted plain sockets and hands each secured
 * socket to `onSecure`. A handshake that fails, is abandoned or takes longer than the timeout
 * destroys its socket and is logged (warning for TLS errors and timeouts, debug for clients that
 * just left), never thrown. With options, Node's `tls.Server` does the work (client certificate
 * checks, SNI, session tickets); with a ready `SecureContext`, a `TLSSocket` per connection.
 */
export class TLSAcceptor {
  #server: tls.Server | null = null;
  #context: tls.SecureContext | null = null;
  #handshakeTimeout: number;
  #onSecure: (socket: tls.TLSSocket) => void;

  /** Validates the settings now (a bad key or certificate throws here, not per connection). */
  constructor(option: TLSServerOptions | tls.SecureContext, handshakeTimeout: number, onSecure: (socket: tls.TLSSocket) => void) {
    if (!(handshakeTimeout > 0)) throw new RangeError(`handshakeTimeout must be a positive number of ms, got ${handshakeTimeout}`);
    this.#handshakeTimeout = handshakeTimeout;
    this.#onSecure = onSecure;
    const context = isSecureContext(option) ? option : option.secureContext;
    if (context !== undefined) {
      // tls.Server ignores a secureContext option, so a given context gets a TLSSocket of its own.
      if (!isSecureContext(option) && option.requestCert === true) {
        throw new TypeError('requestCert needs the certificate options (key, cert, ca), not a secureContext');
      }
      this.#context = context;
      return;
    }
    // Never listens: accepted sockets are injected with emit('connection'), as tls.Server documents.
    const server = tls.createServer({ ...option, handshakeTimeout });
    server.on('secureConnection', onSecure);
    server.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => {
      this.#failed(error, socket, describePeer(socket));
    });
    this.#server = server;
  }

  /** Starts the handshake on an accepted socket; the socket is the TLS socket's to report on from now on. */
  accept(socket: net.Socket): void {
    socket.on('error', noop);
    if (this.#server !== null) this.#server.emit('connection', socket);
    else this.#handshakeAlone(socket, this.#context as tls.SecureContext);
  }

  #handshakeAlone(socket: net.Socket, secureContext: tls.SecureContext): void {
    const peer = describePeer(socket);
    const tlsSocket = new tls.TLSSocket(socket, { isServer: true, secureContext });
    // A standalone TLSSocket's own handshakeTimeout emits no event we may use: keep a timer here.
    const timer = setTimeout(() => settle(Object.assign(new Error('TLS handshake timeout'), { code: HANDSHAKE_TIMEOUT })), this.#handshakeTimeout);
    const settle = (error: Error | null): void => {
      clearTimeout(timer);
      tlsSocket.off('secure', onSecure);
      tlsSocket.off('error', settle);
      tlsSocket.off('close', onClose);
      if (error === null) this.#onSecure(tlsSocket);
      else this.#failed(error, tlsSocket, peer);
    };
    const onSecure = (): void => settle(null);
    const onClose = (): void => settle(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    tlsSocket.once('secure', onSecure);
    tlsSocket.on('error', settle);
    tlsSocket.once('close', onClose);
  }

  #failed(error: NodeJS.ErrnoException & { reason?: string }, socket: tls.TLSSocket, peer: string): void {
    // Late errors from the dying socket have nobody left to tell.
    socket.on('error', noop);
    socket.destroy();
    const code = error.code ?? '';
    if (code === HANDSHAKE_TIMEOUT) {
      genLog.warn('SSL handshake with %s timed out after %d ms', peer, this.#handshakeTimeout);
    } else if (socket.authorizationError) {
      // tls.Server hangs up on a client whose certificate did not verify, and says why here.
      genLog.warn('SSL Error on %s: client certificate rejected: %s', peer, String(socket.authorizationError));
    } else if (QUIET_CODES.has(code)) {
      genLog.debug('Connection from %s closed before the SSL handshake completed (%s)', peer, error.message);
    } else {
      // OpenSSL's message carries its source path; the reason and the code say what went wrong.
      genLog.warn('SSL Error on %s: %s', peer, error.reason === undefined ? error.message.trim() : `${error.reason} (${code})`);
    }
  }
}
