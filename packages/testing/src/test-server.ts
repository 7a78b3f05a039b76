import { AsyncHTTPClient, type AsyncHTTPClientOptions, type FetchOptions, type HTTPRequestOptions, type HTTPResponse } from '@tornado-ts/httpclient';
import { HTTPServer, type HTTPServerOptions, type RequestCallback } from '@tornado-ts/httpserver';
import type { HTTPServerConnectionDelegate } from '@tornado-ts/httputil';
import type { Application } from '@tornado-ts/web';
import { bindUnusedPort } from './bind-unused-port';
import { defaultTlsOptions } from './test-certificate';

/** What a test server serves: a web `Application`, any connection delegate, or a request callback. */
export type TestServerTarget = Application | HTTPServerConnectionDelegate | RequestCallback;

/** Options of {@link startTestServer}: the HTTPServer's, plus where to listen and how `fetch` behaves. */
export interface TestServerOptions extends Omit<HTTPServerOptions, 'tls'> {
  /** Address to listen on (default `127.0.0.1`); `::1` for IPv6. */
  host?: string;
  /** Serve HTTPS: TLS server options, or `true` for the bundled self-signed certificate. */
  tls?: HTTPServerOptions['tls'] | true;
  /** Options of the AsyncHTTPClient behind `fetch` (its `defaults` go over the test defaults). */
  client?: AsyncHTTPClientOptions;
}

/** Options of one {@link TestServer.fetch}: the request's settings and `raiseError` (default false here). */
export type TestFetchOptions = HTTPRequestOptions & FetchOptions;

/** Options of {@link TestServer.close}. */
export interface TestServerCloseOptions {
  /** Ms to let requests in flight finish before their connections are cut (default 0: cut at once, as Tornado's tearDown). */
  timeout?: number;
}

/** A running test server (Tornado's `AsyncHTTPTestCase` as a value): its address, a client, and `close()`. */
export interface TestServer {
  /** The HTTPServer serving the target. */
  readonly server: HTTPServer;
  /** The port it listens on (picked by the system). */
  readonly port: number;
  /** The address it listens on. */
  readonly host: string;
  /** `https` when TLS is on, else `http`. */
  readonly protocol: 'http' | 'https';
  /** The AsyncHTTPClient `fetch` uses (made on first use; closed by `close()`). */
  readonly client: AsyncHTTPClient;
  /** The absolute URL of `path` on this server; an `http://` or `https://` URL is returned unchanged. */
  url(path?: string): string;
  /** The WebSocket URL (`ws://` or `wss://`) of `path` on this server, for `websocketConnect`. */
  wsUrl(path?: string): string;
  /**
   * Fetches `path` (or an absolute URL) with AsyncHTTPClient. Unlike the client's defaults, a
   * non-2xx status resolves (`raiseError: false`) and redirects are returned, not followed;
   * certificates are not verified when the server uses TLS. Errors without a response still throw.
   * @throws {TypeError} after `close()`.
   */
  fetch(path: string, options?: TestFetchOptions): Promise<HTTPResponse>;
  /** Closes the client, stops accepting, closes every connection and resolves once all are gone. Idempotent. */
  close(options?: TestServerCloseOptions): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function isAbsoluteUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/**
 * Serves `target` on a free port of `options.host` (default `127.0.0.1`) over real sockets and
 * resolves once it accepts connections. Close it in `afterEach` with `close()`.
 * @throws {TypeError} @throws {RangeError} for invalid HTTPServer options (as `new HTTPServer`).
 */
export async function startTestServer(target: TestServerTarget, options: TestServerOptions = {}): Promise<TestServer> {
  const { host = '127.0.0.1', tls, client: clientOptions, ...serverOptions } = options;
  const tlsOptions = tls === true ? defaultTlsOptions() : tls;
  const server = new HTTPServer(target, tlsOptions === undefined ? serverOptions : { ...serverOptions, tls: tlsOptions });
  const { server: socket, port } = await bindUnusedPort(host);
  try {
    server.addSocket(socket);
  } catch (error) {
    socket.close();
    throw error;
  }
  const protocol = tlsOptions === undefined ? 'http' : 'https';
  const authority = `${hostForUrl(host)}:${port}`;
  const origin = `${protocol}://${authority}`;
  const wsOrigin = `${protocol === 'https' ? 'wss' : 'ws'}://${authority}`;
  let client: AsyncHTTPClient | null = null;
  let closing: Promise<void> | null = null;

  const getClient = (): AsyncHTTPClient => {
    if (client === null) {
      client = new AsyncHTTPClient({
        ...clientOptions,
        defaults: { followRedirects: false, validateCert: protocol === 'http', ...clientOptions?.defaults },
      });
      // Made after close(): born closed, so it holds nothing open.
      if (closing !== null) client.close();
    }
    return client;
  };
  const url = (path = '/'): string => {
    if (isAbsoluteUrl(path)) return path;
    return path.startsWith('/') ? origin + path : `${origin}/${path}`;
  };
  const wsUrl = (path = '/'): string => (path.startsWith('/') ? wsOrigin + path : `${wsOrigin}/${path}`);

  return {
    server,
    port,
    host,
    protocol,
    get client() {
      return getClient();
    },
    url,
    wsUrl,
    fetch: async (path, fetchOptions) => {
      if (closing !== null) throw new TypeError(`fetch(${JSON.stringify(path)}) called on a closed test server`);
      return getClient().fetch(url(path), { raiseError: false, ...fetchOptions });
    },
    close: (closeOptions) => {
      if (closing === null) {
        (client as AsyncHTTPClient | null)?.close();
        closing = server.close({ timeout: closeOptions?.timeout ?? 0 });
      }
      return closing;
    },
  };
}
