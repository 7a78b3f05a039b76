import { HTTPHeaders, HTTPOutputError, formatTimestamp, validateOutgoingHeader, type HTTPHeadersInit } from '@tornado-ts/httputil';
import type { TLSClientOptions } from '@tornado-ts/tcpclient';
import type { BodyProducer } from './body-producer';

/** Called with each header line as it arrives: the status line, each field, then `\r\n` (Tornado's `header_callback`). */
export type HeaderCallback = (line: string) => void;
/** Called with each piece of the body instead of buffering it; a returned promise holds back the next piece. */
export type StreamingCallback = (chunk: Buffer) => void | Promise<void>;

/** PEM text or bytes, one or several, as Node's `tls.connect` takes them. */
export type PEMInput = string | Buffer | readonly (string | Buffer)[];

/**
 * The settings of a request that a client's `defaults` may also give (Tornado's `HTTPRequest`
 * keyword arguments, camelCase, durations in ms). Unset fields fall back to the client's defaults.
 */
export interface HTTPRequestSettings {
  /** Username for HTTP authentication (with `authPassword`). */
  authUsername?: string;
  authPassword?: string;
  /** Only `basic` is supported (the default); anything else fails the fetch. */
  authMode?: string;
  /** Ms to establish a connection (resolve, TCP, TLS, proxy tunnel); 0: no limit (default 20 000). */
  connectTimeout?: number;
  /** Ms for the whole fetch, time queued for `maxClients` included; 0: no limit (default 20 000). */
  requestTimeout?: number;
  /** Follow 301/302/303/307/308 redirects (default true). */
  followRedirects?: boolean;
  /** Most redirects followed before the 3xx response is returned (default 5). */
  maxRedirects?: number;
  /** Sent as `User-Agent` (default `tornado-ts/<version>` unless the headers have one). */
  userAgent?: string;
  /** Ask for gzip, deflate or br and decompress the body (default true); the decompressed size counts toward `maxBodySize`. */
  decompressResponse?: boolean;
  /** Local IP address to connect from (Tornado's `network_interface`). */
  networkInterface?: string;
  /** Receives the body piece by piece; `response.body` stays empty. */
  streamingCallback?: StreamingCallback;
  /** Receives each header line of the final response as it arrives. */
  headerCallback?: HeaderCallback;
  /** HTTP proxy host; `http` URLs go through it in absolute form, `https` ones through a CONNECT tunnel. */
  proxyHost?: string;
  proxyPort?: number;
  proxyUsername?: string;
  proxyPassword?: string;
  /** Only `basic` (the default). */
  proxyAuthMode?: string;
  /** Allow methods other than GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, and bodies where they are unusual (default false). */
  allowNonstandardMethods?: boolean;
  /** Verify the server's certificate and name for `https` (default true). */
  validateCert?: boolean;
  /** CA certificates (PEM) to verify the server with, instead of Node's bundled ones. */
  ca?: PEMInput;
  /** Client private key (PEM) for TLS client authentication. */
  clientKey?: PEMInput;
  /** Client certificate chain (PEM) for TLS client authentication. */
  clientCert?: PEMInput;
  /** Further Node TLS options (Tornado's `ssl_options`); they win over validateCert, ca and the client pair. */
  tls?: TLSClientOptions;
  /** Connect over IPv6 when the name has such addresses (default true). */
  allowIpv6?: boolean;
}

/** Everything `new HTTPRequest(url, options)` and `client.fetch(url, options)` accept. */
export interface HTTPRequestOptions extends HTTPRequestSettings {
  /** Default `GET`. */
  method?: string;
  headers?: HTTPHeadersInit | null;
  /** The whole body; a string is sent as UTF-8. Exclusive with `bodyProducer`. */
  body?: Buffer | Uint8Array | string | null;
  /** Writes the body piece by piece (chunked unless the headers give a Content-Length). */
  bodyProducer?: BodyProducer | null;
  /** Adds `If-Modified-Since` (a Date or ms since the epoch). */
  ifModifiedSince?: Date | number;
  /** Send `Expect: 100-continue` and the body only once the server says `100 Continue`. */
  expect100Continue?: boolean;
  /** Aborts the fetch: it rejects with the signal's reason and the connection is closed. */
  signal?: AbortSignal | null;
}

/** The values every unset setting falls back to (Tornado's `HTTPRequest._DEFAULTS`). */
export const REQUEST_DEFAULTS: Readonly<HTTPRequestSettings> = Object.freeze({
  connectTimeout: 20_000,
  requestTimeout: 20_000,
  followRedirects: true,
  maxRedirects: 5,
  decompressResponse: true,
  proxyPassword: '',
  allowNonstandardMethods: false,
  validateCert: true,
});

function toBody(body: Buffer | Uint8Array | string | null | undefined): Buffer | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('body must be a Buffer, a Uint8Array or a string');
}

/**
 * Outgoing headers from what the caller gave: an HTTPHeaders is copied (the caller's object is
 * never changed); other forms are checked as outgoing fields first.
 * @throws {HTTPOutputError} for a name that is not a token or a value with CR, LF, NUL or another control character.
 */
export function outgoingHeaders(init: HTTPHeadersInit | null | undefined): HTTPHeaders {
  if (init === undefined || init === null) return new HTTPHeaders();
  if (init instanceof HTTPHeaders) return new HTTPHeaders(init);
  const headers = new HTTPHeaders();
  const pairs: Iterable<readonly [string, string | readonly string[]]> =
    typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? (init as Iterable<readonly [string, string]>)
      : Object.entries(init as Record<string, string | readonly string[]>);
  for (const [name, value] of pairs) {
    for (const item of typeof value === 'string' ? [value] : value) {
      if (typeof item !== 'string') throw new HTTPOutputError(`Header ${JSON.stringify(name)} must be a string`);
      validateOutgoingHeader(name, item);
      headers.add(name, item);
    }
  }
  return headers;
}

/**
 * One HTTP request to fetch (Tornado's `HTTPRequest`): the URL, method, headers and body, plus
 * per-request settings; those left undefined take the client's defaults at fetch time.
 */
export class HTTPRequest implements HTTPRequestOptions {
  url: string;
  method: string;
  /** The request's own headers; fetch sends a copy with Host, User-Agent and the like added. */
  headers: HTTPHeaders;
  body: Buffer | null;
  bodyProducer: BodyProducer | null;
  expect100Continue: boolean;
  signal: AbortSignal | null;
  authUsername: string | undefined;
  authPassword: string | undefined;
  authMode: string | undefined;
  connectTimeout: number | undefined;
  requestTimeout: number | undefined;
  followRedirects: boolean | undefined;
  maxRedirects: number | undefined;
  userAgent: string | undefined;
  decompressResponse: boolean | undefined;
  networkInterface: string | undefined;
  streamingCallback: StreamingCallback | undefined;
  headerCallback: HeaderCallback | undefined;
  proxyHost: string | undefined;
  proxyPort: number | undefined;
  proxyUsername: string | undefined;
  proxyPassword: string | undefined;
  proxyAuthMode: string | undefined;
  allowNonstandardMethods: boolean | undefined;
  validateCert: boolean | undefined;
  ca: PEMInput | undefined;
  clientKey: PEMInput | undefined;
  clientCert: PEMInput | undefined;
  tls: TLSClientOptions | undefined;
  allowIpv6: boolean | undefined;
  /** Wall-clock ms (Date.now()) when this request was created. */
  readonly startTime: number;

  /**
   * @throws {HTTPOutputError} for a header with CR, LF, NUL or another control character.
   * @throws {TypeError} when both `body` and `bodyProducer` are given.
   */
  constructor(url: string, options: HTTPRequestOptions = {}) {
    this.url = url;
    this.method = options.method ?? 'GET';
    this.headers = outgoingHeaders(options.headers);
    this.body = toBody(options.body);
    this.bodyProducer = options.bodyProducer ?? null;
    if (this.body !== null && this.bodyProducer !== null) throw new TypeError('Give either body or bodyProducer, not both');
    this.expect100Continue = options.expect100Continue === true;
    this.signal = options.signal ?? null;
    this.authUsername = options.authUsername;
    this.authPassword = options.authPassword;
    this.authMode = options.authMode;
    this.connectTimeout = options.connectTimeout;
    this.requestTimeout = options.requestTimeout;
    this.followRedirects = options.followRedirects;
    this.maxRedirects = options.maxRedirects;
    this.userAgent = options.userAgent;
    this.decompressResponse = options.decompressResponse;
    this.networkInterface = options.networkInterface;
    this.streamingCallback = options.streamingCallback;
    this.headerCallback = options.headerCallback;
    this.proxyHost = options.proxyHost;
    this.proxyPort = options.proxyPort;
    this.proxyUsername = options.proxyUsername;
    this.proxyPassword = options.proxyPassword;
    this.proxyAuthMode = options.proxyAuthMode;
    this.allowNonstandardMethods = options.allowNonstandardMethods;
    this.validateCert = options.validateCert;
    this.ca = options.ca;
    this.clientKey = options.clientKey;
    this.clientCert = options.clientCert;
    this.tls = options.tls;
    this.allowIpv6 = options.allowIpv6;
    this.startTime = Date.now();
    if (options.ifModifiedSince !== undefined) this.headers.set('If-Modified-Since', formatTimestamp(options.ifModifiedSince));
  }
}

/** The option names of HTTPRequest (for telling a misspelt option from a real one). */
export const REQUEST_OPTION_NAMES: ReadonlySet<string> = new Set([
  'method', 'headers', 'body', 'bodyProducer', 'ifModifiedSince', 'expect100Continue', 'signal', 'authUsername',
  'authPassword', 'authMode', 'connectTimeout', 'requestTimeout', 'followRedirects', 'maxRedirects', 'userAgent',
  'decompressResponse', 'networkInterface', 'streamingCallback', 'headerCallback', 'proxyHost', 'proxyPort',
  'proxyUsername', 'proxyPassword', 'proxyAuthMode', 'allowNonstandardMethods', 'validateCert', 'ca', 'clientKey',
  'clientCert', 'tls', 'allowIpv6',
]);
