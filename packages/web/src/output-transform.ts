import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { HTTPHeaders, HTTPServerRequest } from '@tornado-ts/httputil';

/**
 * Rewrites responses on their way out (Tornado's `OutputTransform`): one instance per request,
 * shown the status, headers and first chunk, then each later chunk. The base class changes nothing.
 */
export class OutputTransform {
  constructor(_request: HTTPServerRequest) {}

  /** Sees the status, headers (changeable in place) and first body chunk; returns the status and chunk to send. */
  transformFirstChunk(statusCode: number, _headers: HTTPHeaders, chunk: Buffer, _finishing: boolean): [number, Buffer] {
    return [statusCode, chunk];
  }

  /** Transforms each later body chunk; `finishing` is true for the last. */
  transformChunk(chunk: Buffer, _finishing: boolean): Buffer {
    return chunk;
  }
}

/** A transform class as the `transforms` setting lists it. */
export type OutputTransformClass = new (request: HTTPServerRequest) => OutputTransform;

const COMPRESSIBLE_TYPES = new Set([
  'application/javascript',
  'application/x-javascript',
  'application/xml',
  'application/atom+xml',
  'application/json',
  'application/xhtml+xml',
  'image/svg+xml',
]);
/** The gzip member header: magic, deflate, no flags, no mtime, no extra flags, unknown OS. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const SYNC_FLUSH = { finishFlush: constants.Z_SYNC_FLUSH, level: 6 };
const FINISH = { finishFlush: constants.Z_FINISH, level: 6 };

/** True when the request's Accept-Encoding lists gzip with a non-zero q. */
function acceptsGzip(request: HTTPServerRequest): boolean {
  const header = request.headers.get('Accept-Encoding');
  if (header === undefined) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';');
    const name = coding.trim().toLowerCase();
    if (name !== 'gzip' && name !== '*' && name !== 'x-gzip') continue;
    const q = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return name !== '*' || true;
  }
  return false;
}

/**
 * Gzips responses of compressible types (text/*, JSON, JavaScript, XML, SVG) for clients that
 * accept it (Tornado's `GZipContentEncoding`, enabled by `compressResponse`); bodies finished in
 * one piece under {@link GZipContentEncoding.MIN_LENGTH} bytes are left alone. Adds
 * `Vary: Accept-Encoding` to every response. A flushed (streamed) response is compressed chunk by
 * chunk, each piece sync-flushed so the client can decode it at once.
 */
export class GZipContentEncoding extends OutputTransform {
  /** Smaller complete bodies are not worth compressing. */
  static MIN_LENGTH = 1024;
  #gzipping: boolean;
  #crc = 0;
  #size = 0;

  constructor(request: HTTPServerRequest) {
    super(request);
    this.#gzipping = acceptsGzip(request);
  }

  /** True for the content types worth compressing. */
  static isCompressibleType(contentType: string): boolean {
    return contentType.startsWith('text/') || COMPRESSIBLE_TYPES.has(contentType);
  }

  override transformFirstChunk(statusCode: number, headers: HTTPHeaders, chunk: Buffer, finishing: boolean): [number, Buffer] {
    const vary = headers.get('Vary');
    headers.set('Vary', vary === undefined || vary === '' ? 'Accept-Encoding' : `${vary}, Accept-Encoding`);
    if (this.#gzipping) {
      const contentType = (headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
      this.#gzipping = GZipContentEncoding.isCompressibleType(contentType) &&
        (!finishing || chunk.length >= GZipContentEncoding.MIN_LENGTH) &&
        !headers.has('Content-Encoding');
    }
    if (!this.#gzipping) return [statusCode, chunk];
    headers.set('Content-Encoding', 'gzip');
    if (finishing) {
      const body = gzipSync(chunk);
      if (headers.has('Content-Length')) headers.set('Content-Length', String(body.length));
      return [statusCode, body];
    }
    headers.delete('Content-Length');
    return [statusCode, Buffer.concat([GZIP_HEADER, this.#deflate(chunk, false)])];
  }

  override transformChunk(chunk: Buffer, finishing: boolean): Buffer {
    return this.#gzipping ? this.#deflate(chunk, finishing) : chunk;
  }

  /** One piece of the deflate stream; the last piece ends it and appends the gzip trailer. */
  #deflate(chunk: Buffer, finishing: boolean): Buffer {
    if (chunk.length === 0) {
      if (!finishing) return chunk;
      // Node 20's zlib, given a shared empty Buffer, leaves crc32() of that Buffer returning 0 from then on:
      // never hand it a buffer others reuse, and skip the CRC of empty chunks.
      chunk = Buffer.allocUnsafe(0);
    } else {
      this.#crc = crc32(chunk, this.#crc);
      this.#size = (this.#size + chunk.length) >>> 0;
      if (!finishing) return deflateRawSync(chunk, SYNC_FLUSH);
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.#crc >>> 0, 0);
    trailer.writeUInt32LE(this.#size, 4);
    return Buffer.concat([deflateRawSync(chunk, FINISH), trailer]);
  }
}
