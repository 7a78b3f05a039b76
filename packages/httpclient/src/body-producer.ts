/** Writes one piece of a streamed request body; resolves once it is handed to the socket (await it for backpressure). */
export type BodyWriter = (chunk: Buffer | Uint8Array | string) => Promise<void>;

/**
 * Produces a request body piece by piece (Tornado's `body_producer`): called with a writer once the
 * head is sent; the body ends when its promise resolves. Without a `Content-Length` header the
 * body is sent chunked.
 */
export type BodyProducer = (write: BodyWriter) => void | Promise<void>;

/** A chunk as the codec takes it: strings become UTF-8. */
export function bodyChunk(chunk: Buffer | Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('A body chunk must be a Buffer, a Uint8Array or a string');
}
