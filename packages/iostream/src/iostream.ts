import net from 'node:net';
import type tls from 'node:tls';
import type { WaitOptions } from '@tornado-ts/ioloop';
import { BaseIOStream, type IOStreamOptions } from './base-iostream';
import { StreamClosedError } from './errors';
import { quietRejection } from './pending-writes';
import { connectWithSharedReadBuffer } from './shared-read-buffer';
import type { SSLIOStream } from './ssl-iostream';
import { whenReady } from './when-ready';

/** Options of `IOStream.connect`: the stream's limits, a deadline, and where to connect from. */
export interface ConnectOptions extends IOStreamOptions, WaitOptions {
  /** Local interface to connect from. */
  localAddress?: string;
  /** Local port to connect from. */
  localPort?: number;
  /** 4 or 6 to restrict the address family of `host`. */
  family?: number;
  /** Host name lookup to use instead of `dns.lookup`. */
  lookup?: net.LookupFunction;
}

/**
 * Options of `startTls`: Node's TLS options (`key`/`cert`/`secureContext` on the server side,
 * `ca`/`rejectUnauthorized`/`ALPNProtocols`/... on either) plus a deadline for the handshake.
 */
export interface StartTlsOptions extends Omit<tls.ConnectionOptions, 'socket' | 'host' | 'port' | 'path' | 'timeout'>, WaitOptions {
  /** Client side: the name to verify the server certificate against and to send as SNI (an IP address is only verified). */
  serverHostname?: string;
}

function noop(): void {}

/**
 * An {@link BaseIOStream} over a TCP `net.Socket`: Tornado's `IOStream`, with `connect` and an
 * upgrade to TLS (`startTls`, for STARTTLS-style protocols).
 */
export class IOStream<S extends net.Socket = net.Socket> extends BaseIOStream<S> {
  /**
   * Opens a TCP connection to `host:port` and resolves with its stream once connected. Rejects with
   * StreamClosedError (the socket error as `realError`) or ioloop's TimeoutError / the abort reason.
   */
  static connect(port: number, host: string, options: ConnectOptions = {}): Promise<IOStream> {
    const socket = connectWithSharedReadBuffer({
      port,
      host,
      localAddress: options.localAddress,
      localPort: options.localPort,
      family: options.family,
      lookup: options.lookup,
    });
    return whenReady(socket, 'connect', options, () => new IOStream(socket, options), connectFailure);
  }

  /**
   * Converts this idle stream to TLS and resolves with the new stream after the handshake; this
   * one is unusable afterwards and its close callback moves to the new stream. Bytes the peer sent
   * before the upgrade that are still unread are an error (they would be plaintext posing as TLS).
   * Rejects with SSLHandshakeError when the handshake fails.
   * @throws {StreamNotIdleError} when a read, a write or unread bytes are pending.
   */
  startTls(serverSide: boolean, options: StartTlsOptions = {}): Promise<SSLIOStream> {
    if (this.closed()) return quietRejection(new StreamClosedError(this.error));
    const { socket, closeCallback } = this.releaseIdleSocket('startTls');
    // TLS takes over the socket's handle; the plain socket must never emit an unheard error.
    socket.on('error', noop);
    const settings: IOStreamOptions = {
      maxBufferSize: this.maxBufferSize,
      maxWriteBufferSize: this.maxWriteBufferSize,
      readChunkSize: this.readChunkSize,
    };
    // ssl-iostream extends this module, so it is loaded here rather than imported at the top.
    return import('./ssl-iostream').then((module) => module.upgradeToTls(socket, serverSide, options, settings, closeCallback));
  }
}

function connectFailure(error: Error | null): Error {
  return new StreamClosedError(error, 'Connection failed');
}
