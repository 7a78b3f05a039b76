/** Options of the HTTP/1.x codec (Tornado's `HTTP1ConnectionParameters` keyword arguments); all optional. */
export interface HTTP1ConnectionOptions {
  /** Close the connection after each message instead of keeping it alive (default false). */
  noKeepAlive?: boolean;
  /** Largest body piece handed to `dataReceived` at once, in bytes (default 64 KiB). */
  chunkSize?: number;
  /** Largest header block (start line + fields), in bytes; more is answered 431 (default 64 KiB). */
  maxHeaderSize?: number;
  /** Most header fields in one block; more is answered 431 (default 100). */
  maxHeaderCount?: number;
  /** Ms a header block may take once its first bytes have arrived (slowloris defence); null: no limit. */
  headerTimeout?: number | null;
  /** Largest body in bytes, checked before reading (Content-Length) or as it arrives (chunked); 413 (default 100 MiB). */
  maxBodySize?: number;
  /** Ms the whole body may take to arrive; null: no limit. */
  bodyTimeout?: number | null;
  /** Inflate `Content-Encoding: gzip` bodies for the delegate, capped at `maxBodySize` inflated bytes (default false). */
  decompress?: boolean;
  /**
   * Server side: ms a connection may sit with no request in progress before it is closed
   * (before the first request and between kept-alive ones); null: `headerTimeout`, or no limit.
   */
  idleConnectionTimeout?: number | null;
}

const KiB = 1024;

function limit(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new RangeError(`${name} must be a number >= ${min}, got ${String(value)}`);
  }
  return value;
}

function timeout(name: string, value: number | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`${name} must be a positive number of ms or null, got ${String(value)}`);
  return value;
}

/**
 * The codec's settings, validated once with defaults filled in, so a server builds one and shares
 * it among all its connections (Tornado's `HTTP1ConnectionParameters`).
 * @throws {RangeError} when a size or timeout is negative or not a number.
 */
export class HTTP1ConnectionParameters {
  readonly noKeepAlive: boolean;
  readonly chunkSize: number;
  readonly maxHeaderSize: number;
  readonly maxHeaderCount: number;
  readonly headerTimeout: number | null;
  readonly maxBodySize: number;
  readonly bodyTimeout: number | null;
  readonly decompress: boolean;
  readonly idleConnectionTimeout: number | null;

  constructor(options: HTTP1ConnectionOptions = {}) {
    this.noKeepAlive = options.noKeepAlive === true;
    this.chunkSize = Math.floor(limit('chunkSize', options.chunkSize, 64 * KiB, 1));
    this.maxHeaderSize = Math.floor(limit('maxHeaderSize', options.maxHeaderSize, 64 * KiB, 16));
    this.maxHeaderCount = Math.floor(limit('maxHeaderCount', options.maxHeaderCount, 100, 0));
    this.headerTimeout = timeout('headerTimeout', options.headerTimeout);
    this.maxBodySize = limit('maxBodySize', options.maxBodySize, 100 * KiB * KiB, 0);
    this.bodyTimeout = timeout('bodyTimeout', options.bodyTimeout);
    this.decompress = options.decompress === true;
    this.idleConnectionTimeout = timeout('idleConnectionTimeout', options.idleConnectionTimeout);
  }

  /** `params` itself when it is already an instance, else a new one from the options. */
  static from(params?: HTTP1ConnectionParameters | HTTP1ConnectionOptions | null): HTTP1ConnectionParameters {
    return params instanceof HTTP1ConnectionParameters ? params : new HTTP1ConnectionParameters(params ?? {});
  }
}
