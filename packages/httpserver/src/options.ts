import { isValidIp, type HTTP1ConnectionOptions } from '@tornado-ts/httputil';
import type { TCPServerOptions } from '@tornado-ts/tcpserver';

/**
 * Options of {@link HTTPServer}; all optional. Sizes are bytes, durations milliseconds. The limits
 * are the codec's (`HTTP1ConnectionOptions`), the TLS and buffer settings the TCP layer's.
 */
export interface HTTPServerOptions
  extends Pick<HTTP1ConnectionOptions, 'noKeepAlive' | 'chunkSize' | 'maxHeaderSize' | 'maxHeaderCount' | 'maxBodySize' | 'bodyTimeout'>,
    Pick<TCPServerOptions, 'tls' | 'handshakeTimeout' | 'maxBufferSize' | 'maxWriteBufferSize'> {
  /** Take the client's address and scheme from `X-Real-Ip` / `X-Forwarded-For` and `X-Scheme` / `X-Forwarded-Proto` (default false). */
  xheaders?: boolean;
  /** Proxy addresses skipped when reading `X-Forwarded-For` from the right (default none). */
  trustedDownstream?: readonly string[];
  /** Force `request.protocol` (say `https` behind a TLS-terminating proxy that sends no scheme header). */
  protocol?: 'http' | 'https';
  /** Inflate `Content-Encoding: gzip` request bodies before the application sees them (default false). */
  decompressRequest?: boolean;
  /** Ms a request head may take once it has started arriving: the slowloris defence (default 60 000; null: no limit). */
  headerTimeout?: number | null;
  /** Ms a connection may wait for its next request before it is closed (default 3 600 000, as Tornado; null: no limit). */
  idleConnectionTimeout?: number | null;
}

/** The options, validated and split by the layer that uses them. */
export interface ResolvedServerOptions {
  readonly connection: HTTP1ConnectionOptions;
  readonly tcp: TCPServerOptions;
  readonly xheaders: boolean;
  readonly trustedDownstream: ReadonlySet<string>;
  readonly protocol: string | null;
}

/** Defaults HTTPServer chooses where the codec's own default is "no limit". */
export const DEFAULT_HEADER_TIMEOUT = 60_000;
export const DEFAULT_IDLE_CONNECTION_TIMEOUT = 3_600_000;

const KNOWN_OPTIONS: ReadonlySet<string> = new Set<keyof HTTPServerOptions>([
  'xheaders',
  'trustedDownstream',
  'protocol',
  'decompressRequest',
  'tls',
  'handshakeTimeout',
  'noKeepAlive',
  'chunkSize',
  'maxHeaderSize',
  'maxHeaderCount',
  'headerTimeout',
  'maxBodySize',
  'bodyTimeout',
  'idleConnectionTimeout',
  'maxBufferSize',
  'maxWriteBufferSize',
]);

/** Tornado's keyword arguments whose camelCase form is not our name. */
const RENAMED: Readonly<Record<string, keyof HTTPServerOptions>> = {
  sslOptions: 'tls',
  ssl: 'tls',
  decompress: 'decompressRequest',
};

function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Edit distance, stopping early once it passes `limit`. */
function withinEdits(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      best = Math.min(best, current[j]);
    }
    if (best > limit) return false;
    previous = current;
  }
  return previous[b.length] <= limit;
}

function suggestion(name: string): string {
  const camel = camelCase(name);
  const renamed = RENAMED[camel];
  if (renamed !== undefined) return ` (did you mean '${renamed}'?)`;
  const near = [...KNOWN_OPTIONS].find((known) => known === camel || withinEdits(camel, known, 2));
  return near === undefined ? '' : ` (did you mean '${near}'?)`;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function flag(options: HTTPServerOptions, name: 'xheaders' | 'decompressRequest' | 'noKeepAlive'): boolean {
  const value = options[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`HTTPServer option ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

type IntegerOption = 'chunkSize' | 'maxHeaderSize' | 'maxHeaderCount' | 'maxBodySize' | 'maxBufferSize' | 'maxWriteBufferSize' | 'handshakeTimeout';

function integer(options: HTTPServerOptions, name: IntegerOption, min: number): number | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`HTTPServer option ${name} must be a number, got ${describe(value)}`);
  if (!(value >= min) || (value !== Infinity && !Number.isInteger(value))) {
    throw new RangeError(`HTTPServer option ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

type TimeoutOption = 'headerTimeout' | 'bodyTimeout' | 'idleConnectionTimeout';

function timeout(options: HTTPServerOptions, name: TimeoutOption, fallback: number | null): number | null {
  const value = options[name];
  if (value === undefined) return fallback;
  if (value === null) return null;
  if (typeof value !== 'number') throw new TypeError(`HTTPServer option ${name} must be a number of ms or null, got ${describe(value)}`);
  if (!(value > 0) || value === Infinity) throw new RangeError(`HTTPServer option ${name} must be a positive, finite number of ms or null, got ${value}`);
  return value;
}

function trusted(options: HTTPServerOptions): ReadonlySet<string> {
  const value = options.trustedDownstream;
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) throw new TypeError(`HTTPServer option trustedDownstream must be an array of IP addresses, got ${describe(value)}`);
  for (const ip of value as unknown[]) {
    if (typeof ip !== 'string' || !isValidIp(ip)) {
      throw new TypeError(`HTTPServer option trustedDownstream must hold IP addresses only, got ${describe(ip)}`);
    }
  }
  return new Set(value as string[]);
}

/**
 * Checks every option once, at construction, and splits them between the codec and the TCP layer.
 * @throws {TypeError} for an unknown option or a value of the wrong type (the message names the option).
 * @throws {RangeError} for a size or timeout out of range.
 */
export function resolveServerOptions(options: HTTPServerOptions | undefined): ResolvedServerOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new TypeError(`HTTPServer options must be an object, got ${describe(options)}`);
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new TypeError(`Unknown HTTPServer option '${name}'${suggestion(name)}`);
    }
  }
  const protocol = options.protocol;
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'https') {
    throw new TypeError(`HTTPServer option protocol must be 'http' or 'https', got ${describe(protocol)}`);
  }
  if (options.tls !== undefined && (typeof options.tls !== 'object' || options.tls === null)) {
    throw new TypeError(`HTTPServer option tls must be TLS server options or a tls.SecureContext, got ${describe(options.tls)}`);
  }
  const connection: HTTP1ConnectionOptions = {
    noKeepAlive: flag(options, 'noKeepAlive'),
    decompress: flag(options, 'decompressRequest'),
    chunkSize: integer(options, 'chunkSize', 1),
    maxHeaderSize: integer(options, 'maxHeaderSize', 16),
    maxHeaderCount: integer(options, 'maxHeaderCount', 0),
    maxBodySize: integer(options, 'maxBodySize', 0),
    headerTimeout: timeout(options, 'headerTimeout', DEFAULT_HEADER_TIMEOUT),
    bodyTimeout: timeout(options, 'bodyTimeout', null),
    idleConnectionTimeout: timeout(options, 'idleConnectionTimeout', DEFAULT_IDLE_CONNECTION_TIMEOUT),
  };
  const tcp: TCPServerOptions = {
    tls: options.tls,
    handshakeTimeout: integer(options, 'handshakeTimeout', 1),
    maxBufferSize: integer(options, 'maxBufferSize', 1),
    maxWriteBufferSize: integer(options, 'maxWriteBufferSize', 1),
  };
  return {
    connection,
    tcp,
    xheaders: flag(options, 'xheaders'),
    trustedDownstream: trusted(options),
    protocol: protocol ?? null,
  };
}
