import { createGunzip, constants as zlibConstants, type Gunzip } from 'node:zlib';
import type { HTTPMessageDelegate, RequestStartLine, ResponseStartLine } from './delegates';
import { HTTPInputError } from './errors';
import type { HTTPHeaders } from './http-headers';

/** Options of {@link GzipMessageDelegate}. */
export interface GzipMessageDelegateOptions {
  /** Largest inflated piece handed to the wrapped delegate at once (default 64 KiB). */
  chunkSize?: number;
  /**
   * Most inflated bytes a message may have; past it the message fails with a 413 HTTPInputError
   * (a gzip bomb stops there). A function is asked each time, so per-request limits apply. Default 100 MiB.
   */
  maxDecompressedSize?: number | (() => number);
}

const DEFAULT_CHUNK_SIZE = 64 * 1024;
const DEFAULT_MAX_SIZE = 100 * 1024 * 1024;

function isGzip(encoding: string): boolean {
  const lower = encoding.toLowerCase();
  return lower === 'gzip' || lower === 'x-gzip';
}

function noop(): void {}

/**
 * Wraps a message delegate so it sees `Content-Encoding: gzip` bodies inflated (Tornado's
 * `_GzipMessageDelegate`): the header becomes `X-Consumed-Content-Encoding`, the body is inflated
 * as it streams in, and the wrapped delegate's returned promises still hold back the input.
 * Corrupt or truncated data fails with HTTPInputError (400), too much inflated data with 413.
 * Other encodings and plain bodies pass through untouched.
 */
export class GzipMessageDelegate implements HTTPMessageDelegate {
  #delegate: HTTPMessageDelegate;
  #chunkSize: number;
  #maxSize: number | (() => number);
  #inflater: Gunzip | null = null;
  #pump: Promise<void> | null = null;
  #inflated = 0;
  #received = 0;
  #error: unknown = null;
  /** Set when we end the inflater ourselves and its complaints no longer matter. */
  #quiet = false;
  /** Rejects the promise of the write zlib is working on. */
  #rejectWrite: ((error: unknown) => void) | null = null;

  constructor(delegate: HTTPMessageDelegate, options: GzipMessageDelegateOptions = {}) {
    this.#delegate = delegate;
    this.#chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
    this.#maxSize = options.maxDecompressedSize ?? DEFAULT_MAX_SIZE;
  }

  headersReceived(startLine: RequestStartLine | ResponseStartLine, headers: HTTPHeaders): void | Promise<void> {
    const encoding = headers.get('Content-Encoding');
    if (encoding !== undefined && isGzip(encoding)) {
      const inflater = createGunzip({ chunkSize: Math.max(zlibConstants.Z_MIN_CHUNK, this.#chunkSize) });
      this.#inflater = inflater;
      this.#pump = this.#deliver(inflater);
      // Downstream sees only inflated bytes, so the encoding header no longer describes them.
      headers.add('X-Consumed-Content-Encoding', encoding);
      headers.delete('Content-Encoding');
    }
    return this.#delegate.headersReceived(startLine, headers);
  }

  dataReceived(chunk: Buffer): void | Promise<void> {
    const inflater = this.#inflater;
    if (inflater === null) return this.#delegate.dataReceived(chunk);
    if (this.#error !== null) throw this.#error;
    this.#received += chunk.length;
    // Resolves once zlib has taken the whole chunk, which it does only as fast as #deliver drains
    // it. A zlib error destroys the stream without calling back, so #fail rejects it then.
    return new Promise<void>((resolve, reject) => {
      this.#rejectWrite = reject;
      inflater.write(chunk, (error) => {
        this.#rejectWrite = null;
        if (error) reject(this.#fail(error));
        else resolve();
      });
    });
  }

  finish(): void | Promise<void> {
    const inflater = this.#inflater;
    if (inflater === null) return this.#delegate.finish();
    return this.#finishInflating(inflater);
  }

  onConnectionClose(): void {
    if (this.#inflater !== null) this.#fail(new HTTPInputError('Connection closed'));
    this.#delegate.onConnectionClose();
  }

  async #finishInflating(inflater: Gunzip): Promise<void> {
    if (this.#error !== null) throw this.#error;
    if (this.#received === 0) {
      // An empty body is left as it is (as Tornado's decompressor does), not called truncated.
      this.#quiet = true;
      inflater.destroy();
    } else {
      inflater.end();
    }
    await this.#pump;
    if (this.#error !== null) throw this.#error;
    await this.#delegate.finish();
  }

  /** Hands each inflated piece to the wrapped delegate, awaiting it; zlib pauses while we wait. */
  async #deliver(inflater: Gunzip): Promise<void> {
    try {
      for await (const out of inflater as AsyncIterable<Buffer>) {
        this.#inflated += out.length;
        const max = typeof this.#maxSize === 'number' ? this.#maxSize : this.#maxSize();
        if (this.#inflated > max) {
          throw new HTTPInputError(`Decompressed body too large (over ${max} bytes)`, { status: 413 });
        }
        for (let start = 0; start < out.length; start += this.#chunkSize) {
          const piece = start === 0 && out.length <= this.#chunkSize ? out : out.subarray(start, start + this.#chunkSize);
          const result = this.#delegate.dataReceived(piece);
          if (result) await result;
        }
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Records the first failure (zlib's own errors become HTTPInputError 400) and returns it. */
  #fail(error: unknown): unknown {
    if (this.#error !== null || this.#quiet) return this.#error;
    const code = (error as { code?: unknown } | null)?.code;
    this.#error = typeof code === 'string' && code.startsWith('Z_')
      ? new HTTPInputError(`Invalid gzip data: ${(error as Error).message}`, { cause: error })
      : error;
    const inflater = this.#inflater;
    if (inflater !== null) {
      inflater.on('error', noop);
      inflater.destroy();
    }
    const reject = this.#rejectWrite;
    this.#rejectWrite = null;
    reject?.(this.#error);
    return this.#error;
  }
}
