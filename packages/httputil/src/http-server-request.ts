import { parseBodyArguments, type ParseBodyOptions } from './body-arguments';
import { parseCookie } from './cookies';
import type { HTTPConnection, HTTPRequestContext, RequestStartLine } from './delegates';
import { describeInput, HTTPInputError } from './errors';
import { parseHostHeader } from './host';
import { HTTPHeaders } from './http-headers';
import type { FileMap } from './multipart';
import { appendArgument, createArgumentMap, parseQueryString, type ArgumentMap } from './query-string';

/** What `new HTTPServerRequest(...)` takes; everything but `uri` (or `startLine`) is optional. */
export interface HTTPServerRequestInit {
  /** Default `GET`. */
  method?: string;
  /** The request target; required unless `startLine` is given. */
  uri?: string;
  /** Default `HTTP/1.0` (the only version that may omit `Host`). */
  version?: string;
  /** `method`, `uri` and `version` in one, as the codec parsed them; wins over the separate fields. */
  startLine?: RequestStartLine;
  /** Default: empty. */
  headers?: HTTPHeaders;
  /** Default: empty; the server usually sets `body` later, once it has arrived. */
  body?: Buffer;
  /** Default: empty; filled by `parseBody()`. */
  files?: FileMap;
  /** The exchange to answer through; its `context` gives `remoteIp` and `protocol`. */
  connection?: HTTPConnection | null;
  /** The long-lived connection object the server passed to `startRequest` (opaque here). */
  serverConnection?: unknown;
  /** The most query-string arguments accepted (default 1000). */
  maxArguments?: number;
}

/** Names Python's `SimpleCookie` refuses: attribute names, and characters outside its legal set. */
const RESERVED_COOKIE_NAMES = new Set([
  'expires', 'path', 'comment', 'domain', 'max-age', 'secure', 'httponly', 'version', 'samesite', 'partitioned',
]);
const LEGAL_COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;

const TIME_ORIGIN = performance.timeOrigin;
/** Shared by requests built without a body (it holds no bytes to change). */
const EMPTY_BODY = Buffer.alloc(0);

/** Wall-clock milliseconds with sub-millisecond resolution, for `startTime` / `finishTime`. */
function now(): number {
  return TIME_ORIGIN + performance.now();
}

/** The single `Host` value, null when absent; throws for several (no copy of the list in the usual case). */
function singleHost(headers: HTTPHeaders): string | null {
  const joined = headers.get('Host');
  if (joined === undefined) return null;
  // Several lines arrive joined with `,`, which the Host grammar refuses anyway: count them to say so.
  if (joined.indexOf(',') !== -1 && headers.getList('Host').length > 1) throw new HTTPInputError('Multiple Host headers');
  return joined;
}

let lastHost = '';
let lastHostName: string | null = '';

/** parseHostHeader, remembering the last answer: a server sees the same Host over and over. */
function hostNameOf(host: string): string | null {
  if (host !== lastHost) {
    lastHostName = parseHostHeader(host);
    lastHost = host;
  }
  return lastHostName;
}

/**
 * One HTTP request as a server sees it (Tornado's `HTTPServerRequest`). Built by the server once
 * the headers are in; `body` is filled in and `parseBody()` called when the body has arrived.
 * Argument values are raw bytes (`Buffer`); `web` decodes them.
 */
export class HTTPServerRequest {
  /** `GET`, `POST`, ... (any token). */
  method: string;
  /** The request target as sent: path plus query. */
  uri: string;
  /** `uri` before the first `?`. */
  path: string;
  /** `uri` after the first `?` (empty when there is none). */
  query: string;
  /** `HTTP/1.0` or `HTTP/1.1`. */
  version: string;
  headers: HTTPHeaders;
  /** The whole body once it has arrived (empty until then, and for streamed bodies). */
  body: Buffer;
  /** The client's IP (from `X-Real-Ip` / `X-Forwarded-For` when the server trusts xheaders); null if unknown. */
  remoteIp: string | null;
  /** `http` or `https` (from `X-Scheme` / `X-Forwarded-Proto` with xheaders). */
  protocol: string;
  /** The `Host` header, or `127.0.0.1` for an HTTP/1.0 request without one. */
  host: string;
  /** `host` lower-cased, without the port. */
  hostName: string;
  // The argument maps and files are made on first use (most requests have neither a query nor a form body).
  #arguments: ArgumentMap | null = null;
  #queryArguments: ArgumentMap | null = null;
  #bodyArguments: ArgumentMap | null = null;
  #files: FileMap | null;
  /** Where to write the response; null for a request built by hand. */
  connection: HTTPConnection | null;
  /** The long-lived connection object (opaque), as passed to `startRequest`. */
  serverConnection: unknown;
  /** When the request object was created, in wall-clock milliseconds. */
  startTime: number;
  /** When the response finished (set by `markFinished()`), or null while it runs. */
  finishTime: number | null = null;
  #cookies: Record<string, string> | null = null;

  /**
   * @throws {HTTPInputError} (400) for a missing Host on HTTP/1.1, several Host headers, a Host
   * that breaks the RFC grammar, or more than `maxArguments` query arguments.
   */
  constructor(init: HTTPServerRequestInit) {
    const start = init.startLine;
    this.method = start?.method ?? init.method ?? 'GET';
    this.uri = start?.path ?? init.uri ?? '';
    this.version = start?.version ?? init.version ?? 'HTTP/1.0';
    if (start === undefined && init.uri === undefined) throw new TypeError('HTTPServerRequest needs a uri');
    this.headers = init.headers ?? new HTTPHeaders();
    this.body = init.body ?? EMPTY_BODY;
    this.connection = init.connection ?? null;
    this.serverConnection = init.serverConnection ?? null;
    const context = this.connection?.context;
    this.remoteIp = context?.remoteIp ?? null;
    this.protocol = context?.protocol ?? 'http';

    const host = singleHost(this.headers);
    if (host === null && this.version !== 'HTTP/1.0') throw new HTTPInputError('Missing Host header');
    this.host = host ?? '127.0.0.1';
    const hostName = hostNameOf(this.host);
    if (hostName === null) throw new HTTPInputError(`Invalid Host header ${describeInput(this.host)}`);
    this.hostName = hostName;

    this.#files = init.files ?? null;
    this.startTime = now();

    const question = this.uri.indexOf('?');
    this.path = question === -1 ? this.uri : this.uri.slice(0, question);
    this.query = question === -1 ? '' : this.uri.slice(question + 1);
    // No query string, no arguments: the maps wait until asked for (the usual GET).
    if (this.query !== '') {
      const queryArguments = parseQueryString(this.query, { maxArguments: init.maxArguments });
      const all = createArgumentMap();
      for (const name of Object.keys(queryArguments)) appendArgument(all, name, ...queryArguments[name]);
      this.#queryArguments = queryArguments;
      this.#arguments = all;
    }
  }

  /** Query and body arguments together (query first). */
  get arguments(): ArgumentMap {
    return (this.#arguments ??= createArgumentMap());
  }

  set arguments(value: ArgumentMap) {
    this.#arguments = value;
  }

  /** Arguments from the query string only. */
  get queryArguments(): ArgumentMap {
    return (this.#queryArguments ??= createArgumentMap());
  }

  set queryArguments(value: ArgumentMap) {
    this.#queryArguments = value;
  }

  /** Arguments from the body only; filled by `parseBody()`. */
  get bodyArguments(): ArgumentMap {
    return (this.#bodyArguments ??= createArgumentMap());
  }

  set bodyArguments(value: ArgumentMap) {
    this.#bodyArguments = value;
  }

  /** Uploaded files by field name; filled by `parseBody()`. */
  get files(): FileMap {
    return (this.#files ??= Object.create(null) as FileMap);
  }

  set files(value: FileMap) {
    this.#files = value;
  }

  /** The connection's context (remote address and protocol as it saw them), if any. */
  get context(): HTTPRequestContext | null {
    return this.connection?.context ?? null;
  }

  /**
   * Cookies sent in the `Cookie` header(s), parsed once on first access. Names Python's
   * `SimpleCookie` would refuse (attribute names such as `Domain`, illegal characters, the empty
   * name) are dropped, as in Tornado.
   */
  get cookies(): Readonly<Record<string, string>> {
    if (this.#cookies === null) {
      const cookies: Record<string, string> = Object.create(null);
      const header = this.headers.get('Cookie');
      if (header !== undefined) {
        const parsed = parseCookie(header);
        for (const name of Object.keys(parsed)) {
          if (LEGAL_COOKIE_NAME.test(name) && !RESERVED_COOKIE_NAMES.has(name.toLowerCase())) {
            cookies[name] = parsed[name];
          }
        }
      }
      this.#cookies = cookies;
    }
    return this.#cookies;
  }

  /**
   * Parses `body` by its `Content-Type` into `bodyArguments` and `files`, and adds the body
   * arguments to `arguments`. Called once the whole body has arrived.
   * @throws {HTTPInputError} (400) for a malformed form body or one over the limits.
   */
  parseBody(options: ParseBodyOptions = {}): void {
    parseBodyArguments(
      this.headers.get('Content-Type', ''),
      this.body,
      this.bodyArguments,
      this.files,
      this.headers,
      options,
    );
    for (const name of Object.keys(this.bodyArguments)) {
      appendArgument(this.arguments, name, ...this.bodyArguments[name]);
    }
  }

  /** The full URL: `protocol://host` + `uri`. */
  fullUrl(): string {
    return `${this.protocol}://${this.host}${this.uri}`;
  }

  /** How long the request took (or has taken so far), in milliseconds. */
  requestTime(): number {
    return (this.finishTime ?? now()) - this.startTime;
  }

  /** Records the finish time; `requestTime()` is fixed from then on. */
  markFinished(): void {
    this.finishTime = now();
  }

  /** A short description without headers (they may hold credentials). */
  toString(): string {
    const fields: [string, unknown][] = [
      ['protocol', this.protocol],
      ['host', this.host],
      ['method', this.method],
      ['uri', this.uri],
      ['version', this.version],
      ['remoteIp', this.remoteIp],
    ];
    return `HTTPServerRequest(${fields.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})`;
  }

  /** `util.inspect` / `console.log` show the same short form, without headers. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
