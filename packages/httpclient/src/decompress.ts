import type { Transform } from 'node:stream';
import { constants as zlib, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { HTTPInputError } from '@tornado-ts/httputil';

/** What the client asks for when `decompressResponse` is on. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const KIND_GZIP = 1;
const KIND_DEFLATE = 2;
const KIND_BR = 3;

/** The decoder kind for a `Content-Encoding` value, 0 for one we leave alone (identity, unknown, several). */
export function decoderKind(encoding: string): number {
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return KIND_GZIP;
    case 'deflate':
      return KIND_DEFLATE;
    case 'br':
      return KIND_BR;
    default:
      return 0;
  }
}

/** Receives decompressed pieces in order; a returned promise holds back the next one. */
export type DecodedSink = (piece: Buffer) => void | Promise<void>;

function noop(): void {}

/**
 * Decompresses one response body as it streams in (gzip, deflate in zlib or raw form, br) and
 * hands the output to a sink, failing with a 413 HTTPInputError as soon as the output passes
 * `maxSize`: a small compressed body cannot make us hold a huge one (the gzip bomb of
 * CVE-2026-49855). Corrupt data fails with a 400 HTTPInputError.
 */
export class BodyDecoder {
  #kind: number;
  #sink: DecodedSink;
  #maxSize: number;
  #chunkSize: number;
  #stream: Transform | null = null;
  #pump: Promise<void> | null = null;
  #output = 0;
  #input = 0;
  #error: unknown = null;
  #rejectWrite: ((error: unknown) => void) | null = null;

  constructor(kind: number, sink: DecodedSink, maxSize: number, chunkSize: number) {
    this.#kind = kind;
    this.#sink = sink;
    this.#maxSize = maxSize;
    this.#chunkSize = Math.max(zlib.Z_MIN_CHUNK, chunkSize);
  }

  /** Total decompressed bytes so far. */
  get outputSize(): number {
    return this.#output;
  }

  /** Feeds compressed bytes; resolves once zlib took them (as fast as the sink drains). */
  write(chunk: Buffer): Promise<void> {
    if (this.#error !== null) return Promise.reject(this.#error);
    if (chunk.length === 0) return Promise.resolve();
    const stream = this.#stream ?? this.#start(chunk);
    this.#input += chunk.length;
    return new Promise<void>((resolve, reject) => {
      this.#rejectWrite = reject;
      stream.write(chunk, (error: Error | null | undefined) => {
        this.#rejectWrite = null;
        if (error) reject(this.#fail(error));
        else resolve();
      });
    });
  }

  /** Ends the input; resolves once all output reached the sink. @throws {HTTPInputError} for truncated or corrupt data. */
  async end(): Promise<void> {
    if (this.#error !== null) throw this.#error;
    const stream = this.#stream;
    // An empty body stays empty rather than being called truncated (as Tornado).
    if (stream === null || this.#input === 0) return;
    stream.end();
    await this.#pump;
    if (this.#error !== null) throw this.#error;
  }

  /** Stops decoding (the response was abandoned). */
  destroy(): void {
    if (this.#error === null) this.#error = new HTTPInputError('Response abandoned');
    const stream = this.#stream;
    if (stream !== null) {
      stream.on('error', noop);
      stream.destroy();
    }
  }

  #start(first: Buffer): Transform {
    const options = { chunkSize: this.#chunkSize };
    let stream: Transform;
    if (this.#kind === KIND_GZIP) stream = createGunzip(options);
    else if (this.#kind === KIND_BR) stream = createBrotliDecompress(options);
    // "deflate" is zlib-wrapped by the RFC, but some servers send raw deflate: a zlib header has
    // compression method 8 in its low nibble and a header checksum divisible by 31.
    else if ((first[0] & 0x0f) === 8 && first.length > 1 && ((first[0] << 8) | first[1]) % 31 === 0) stream = createInflate(options);
    else stream = createInflateRaw(options);
    this.#stream = stream;
    this.#pump = this.#deliver(stream);
    return stream;
  }

  async #deliver(stream: Transform): Promise<void> {
    let inSink = false;
    try {
      for await (const piece of stream as AsyncIterable<Buffer>) {
        this.#output += piece.length;
        if (this.#output > this.#maxSize) {
          throw new HTTPInputError(`Decompressed body too large (over ${this.#maxSize} bytes)`, { status: 413 });
        }
        inSink = true;
        const result = this.#sink(piece);
        if (result) await result;
        inSink = false;
      }
    } catch (error) {
      // The sink's own errors pass as they are; zlib's become input errors.
      this.#fail(error, !inSink);
    }
  }

  #fail(error: unknown, fromZlib = true): unknown {
    if (this.#error !== null) return this.#error;
    this.#error =
      fromZlib && !(error instanceof HTTPInputError)
        ? new HTTPInputError(`Invalid compressed body: ${(error as Error).message}`, { cause: error })
        : error;
    const stream = this.#stream;
    if (stream !== null) {
      stream.on('error', noop);
      stream.destroy();
    }
    const reject = this.#rejectWrite;
    this.#rejectWrite = null;
    reject?.(this.#error);
    return this.#error;
  }
}
