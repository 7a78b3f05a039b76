import type { OverrideMapping, Resolver } from '@tornado-ts/tcpclient';
import { HTTPRequest, type HTTPRequestOptions, type HTTPRequestSettings, REQUEST_DEFAULTS } from './http-request';
import type { HTTPResponse } from './http-response';

/**
 * Options of an {@link AsyncHTTPClient}: `defaults` for every implementation, the others for
 * SimpleAsyncHTTPClient (Tornado's `initialize` keyword arguments, plus the pool's); another
 * implementation reads what it knows.
 */
export interface AsyncHTTPClientOptions {
  /** Settings for every request that does not set them itself (Tornado's `defaults`). */
  defaults?: HTTPRequestSettings;
  /** Most fetches in progress at once; more wait in a queue (default 10). */
  maxClients?: number;
  /** Most connections per pool key (scheme, host, port, proxy, TLS identity); default `maxClients`. */
  maxConnectionsPerHost?: number;
  /** Ms an unused keep-alive connection is kept open (default 4000, below common server timeouts). */
  idleConnectionTimeout?: number;
  /** Names (or name and port) looked up as other addresses, e.g. `{ 'www.example.com': '127.0.0.1' }`. */
  hostnameMapping?: OverrideMapping;
  /** Resolver for host names (default: Node's lookup); a resolver passed in is not closed by `close()`. */
  resolver?: Resolver;
  /** Read buffer limit of each connection in bytes (default 100 MiB). */
  maxBufferSize?: number;
  /** Largest response head in bytes (default 64 KiB). */
  maxHeaderSize?: number;
  /** Largest response body in bytes, after decompression (default 100 MiB). */
  maxBodySize?: number;
}

/** Options of one `fetch` besides the request's own. */
export interface FetchOptions {
  /** Throw an HTTPClientError for a non-2xx response (default true); network errors always throw. */
  raiseError?: boolean;
}

/** A class that `AsyncHTTPClient.configure` can install. */
export type AsyncHTTPClientClass = new (options?: AsyncHTTPClientOptions) => AsyncHTTPClient;

let configuredImpl: AsyncHTTPClientClass | null = null;
let configuredOptions: AsyncHTTPClientOptions = {};
let defaultImpl: AsyncHTTPClientClass | null = null;

/**
 * A non-blocking HTTP client (Tornado's `AsyncHTTPClient`). `new AsyncHTTPClient(options)` builds
 * the configured implementation (SimpleAsyncHTTPClient unless `configure` chose another) with the
 * configured options under the given ones. Subclasses implement `fetchImpl`.
 */
export class AsyncHTTPClient {
  /** The request settings every fetch of this client falls back to, over REQUEST_DEFAULTS. */
  readonly defaults!: Readonly<HTTPRequestSettings>;
  #closed = false;

  constructor(options: AsyncHTTPClientOptions = {}) {
    if (new.target === AsyncHTTPClient) {
      const Impl = configuredImpl ?? defaultImpl;
      if (Impl === null) throw new TypeError('No AsyncHTTPClient implementation is configured');
      const merged = { ...configuredOptions, ...options };
      merged.defaults = { ...configuredOptions.defaults, ...options.defaults };
      // A constructor may return another object: this is how Tornado's configurable classes behave.
      return new Impl(merged);
    }
    this.defaults = Object.freeze({ ...REQUEST_DEFAULTS, ...options.defaults });
  }

  /**
   * Chooses the class `new AsyncHTTPClient()` builds (null: the default, SimpleAsyncHTTPClient)
   * and options given to every such construction (`defaults`, `maxClients`, ...).
   */
  static configure(impl: AsyncHTTPClientClass | null, options: AsyncHTTPClientOptions = {}): void {
    if (impl !== null && !(impl.prototype instanceof AsyncHTTPClient)) throw new TypeError('configure() needs a subclass of AsyncHTTPClient');
    configuredImpl = impl;
    configuredOptions = { ...options };
  }

  /** The class and options `configure` installed (for saving and restoring them, as tests do). */
  static configuration(): { impl: AsyncHTTPClientClass | null; options: AsyncHTTPClientOptions } {
    return { impl: configuredImpl, options: configuredOptions };
  }

  /** Registers the implementation used when none is configured (done by SimpleAsyncHTTPClient's module). */
  static setDefaultImplementation(impl: AsyncHTTPClientClass): void {
    defaultImpl = impl;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Fetches `request` (a URL, with `options` as the request's settings, or an HTTPRequest) and
   * resolves with its HTTPResponse.
   * @throws {HTTPClientError} for a non-2xx status (unless `raiseError` is false), and with status
   * 599 when no response arrived (HTTPTimeoutError, HTTPStreamClosedError, or the network error as `cause`).
   * @throws {HTTPOutputError} for an invalid header (CR, LF, NUL...). @throws {TypeError} for invalid options.
   * An aborted `signal` rejects with its reason.
   */
  async fetch(request: string | HTTPRequest, options: HTTPRequestOptions & FetchOptions = {}): Promise<HTTPResponse> {
    if (this.#closed) throw new TypeError('fetch() called on a closed AsyncHTTPClient');
    const raiseError = options.raiseError !== false;
    let httpRequest: HTTPRequest;
    if (typeof request === 'string') {
      // HTTPRequest reads only its own option names, so raiseError among them does no harm.
      httpRequest = new HTTPRequest(request, options);
    } else if (request instanceof HTTPRequest) {
      for (const key in options) {
        if (key !== 'raiseError') throw new TypeError(`Options such as ${key} cannot be combined with an HTTPRequest object`);
      }
      httpRequest = request;
    } else {
      throw new TypeError('fetch() takes a URL string or an HTTPRequest');
    }
    const response = await this.fetchImpl(httpRequest);
    const error = response.error;
    if (error !== null && (raiseError || !response.errorIsResponseCode)) throw error;
    return response;
  }

  /**
   * Runs one request; resolves with its response, whose `error` is set when it failed (never
   * rejects). Implementations override it.
   */
  protected fetchImpl(_request: HTTPRequest): Promise<HTTPResponse> {
    return Promise.reject(new TypeError(`${this.constructor.name} does not implement fetchImpl()`));
  }

  /** Frees the client's resources; fetch() refuses afterwards. Implementations extend it. */
  close(): void {
    this.#closed = true;
  }
}
