import { TimeoutError } from '@tornado-ts/ioloop';
import { IOStream, type SSLIOStream, type StartTlsOptions, StreamClosedError } from '@tornado-ts/iostream';
import { type ConnectAttempt, Connector, DEFAULT_HAPPY_EYEBALLS_DELAY } from './connector';
import { Deadline } from './deadline';
import { ResolveError, formatHostPort } from './errors';
import { type AddressFamily, DefaultResolver, type ResolvedAddress, type Resolver, assertFamily, assertPort } from './resolver';

/**
 * Node's TLS client options for `connect({ tls })` (`ca`, `rejectUnauthorized`, `ALPNProtocols`,
 * `cert`/`key`, ...). The certificate is verified against the host given to `connect`, which is
 * also sent as SNI unless it is an IP address; `serverHostname` names another host to verify.
 */
export type TLSClientOptions = Omit<StartTlsOptions, 'timeout' | 'signal'>;

/** Options of {@link TCPClient.connect}. */
export interface TCPClientConnectOptions {
  /** Only addresses of this family: 0 any (default), 4 or 6. */
  family?: AddressFamily;
  /** Speak TLS once connected: `true` for Node's defaults, or TLS options. */
  tls?: boolean | TLSClientOptions;
  /** Milliseconds for the whole connect (resolve, TCP, TLS handshake); TimeoutError when exceeded. */
  timeout?: number;
  /** Aborts the connect; it rejects with the signal's reason and every socket it opened is destroyed. */
  signal?: AbortSignal;
  /** Local address to connect from (say `'127.0.0.2'`). */
  sourceIp?: string;
  /** Local port to connect from. */
  sourcePort?: number;
  /** The stream's read buffer limit (IOStream's `maxBufferSize`). */
  maxBufferSize?: number;
  /** The stream's write buffer limit (IOStream's `maxWriteBufferSize`). */
  maxWriteBufferSize?: number;
  /** Milliseconds the first address family gets before the other family is tried as well (default 300). */
  happyEyeballsDelay?: number;
}

function assertDuration(value: number | undefined, what: string): void {
  if (value !== undefined && !(value >= 0)) throw new RangeError(`${what} must be a non-negative number of ms, got ${String(value)}`);
}

/** The socket error behind iostream's "Connection failed" wrapper, so callers see `ECONNREFUSED` and friends. */
function unwrapConnectFailure(error: unknown): never {
  throw error instanceof StreamClosedError && error.realError !== null ? error.realError : error;
}

/**
 * Opens TCP (and TLS) connections by host name: resolves the name, races the addresses with
 * happy eyeballs, and hands back an IOStream. Tornado's `tornado.tcpclient.TCPClient`.
 */
export class TCPClient {
  #resolver: Resolver;
  #ownsResolver: boolean;

  /** Uses `resolver` to look names up, or a {@link DefaultResolver} owned (and closed) by this client. */
  constructor(resolver?: Resolver) {
    this.#ownsResolver = resolver === undefined;
    this.#resolver = resolver ?? new DefaultResolver();
  }

  /** The resolver this client looks names up with. */
  get resolver(): Resolver {
    return this.#resolver;
  }

  /**
   * Connects to `host:port` and resolves with an IOStream, or an SSLIOStream after a verified
   * handshake when `tls` is set.
   * @throws {ResolveError} when the name has no address.
   * @throws {ConnectError} when every address failed (`cause`: the last socket error).
   * @throws {TimeoutError} when `timeout` passes first (ioloop's).
   * @throws {SSLHandshakeError} when the TLS handshake or the certificate check fails (iostream's).
   */
  connect(host: string, port: number, options: TCPClientConnectOptions & { tls: true | TLSClientOptions }): Promise<SSLIOStream>;
  connect(host: string, port: number, options?: TCPClientConnectOptions): Promise<IOStream>;
  async connect(host: string, port: number, options: TCPClientConnectOptions = {}): Promise<IOStream> {
    assertPort(port);
    assertFamily(options.family ?? 0);
    assertDuration(options.timeout, 'timeout');
    assertDuration(options.happyEyeballsDelay, 'happyEyeballsDelay');
    if (options.sourcePort !== undefined) assertPort(options.sourcePort, 'sourcePort');
    const { timeout, signal } = options;
    const deadline = new Deadline(
      { timeout, signal },
      () => new TimeoutError(`Timed out after ${String(timeout)} ms connecting to ${formatHostPort(host, port)}`),
    );
    try {
      // Aborted before starting: do not even ask the resolver.
      if (deadline.signal.aborted) throw deadline.signal.reason;
      const addresses = await this.#resolve(host, port, options.family ?? 0, deadline);
      const connector = new Connector(addresses, this.#attempt(options), {
        host,
        port,
        delay: options.happyEyeballsDelay ?? DEFAULT_HAPPY_EYEBALLS_DELAY,
        signal: deadline.signal,
      });
      const { stream } = await connector.start();
      if (options.tls === undefined || options.tls === false) return stream;
      const tlsOptions: TLSClientOptions = options.tls === true ? {} : options.tls;
      // The name the caller asked for, not an address or an override's replacement.
      return await stream.startTls(false, { ...tlsOptions, serverHostname: tlsOptions.serverHostname ?? host, signal: deadline.signal });
    } finally {
      deadline.dispose();
    }
  }

  /** Closes the resolver if this client created it; a resolver passed in belongs to the caller. */
  close(): void {
    if (this.#ownsResolver) this.#resolver.close?.();
  }

  async #resolve(host: string, port: number, family: AddressFamily, deadline: Deadline): Promise<ResolvedAddress[]> {
    let lookup: Promise<ResolvedAddress[]>;
    try {
      lookup = Promise.resolve(this.#resolver.resolve(host, port, family));
    } catch (error) {
      lookup = Promise.reject(error);
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await deadline.race(lookup);
    } catch (error) {
      if (deadline.signal.aborted && error === deadline.signal.reason) throw error;
      throw error instanceof ResolveError ? error : new ResolveError(host, { cause: error });
    }
    if (addresses.length === 0) throw new ResolveError(host);
    return addresses;
  }

  #attempt(options: TCPClientConnectOptions): ConnectAttempt<IOStream> {
    const settings = {
      localAddress: options.sourceIp,
      localPort: options.sourcePort,
      maxBufferSize: options.maxBufferSize,
      maxWriteBufferSize: options.maxWriteBufferSize,
    };
    // Always plain TCP first; TLS starts on the winner only.
    return (address, signal) =>
      IOStream.connect(address.port, address.address, { ...settings, family: address.family, signal }).catch(unwrapConnectFailure);
  }
}
