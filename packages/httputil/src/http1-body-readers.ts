// The loops that read a received HTTP/1.x body: by Content-Length, by chunks (then trailers), or until close.

import { StreamClosedError } from '@tornado-ts/iostream';
import type { HTTPMessageDelegate } from './delegates';
import { HTTPInputError } from './errors';
import { MAX_CHUNK_EXTENSION_BYTES, MAX_CHUNK_LINE, PLAIN_CHUNK_LINE, parseChunkSizeLine } from './framing';
import { HTTPHeaders } from './http-headers';
import type { HTTP1Connection } from './http1-connection';
import { exchangeSteps as steps } from './http1-exchange-steps';

const LF = 0x0a;
const CR = 0x0d;

/** A body of `length` bytes (a Content-Length), read in pieces of at most `chunkSize`. */
export async function readFixedBody(connection: HTTP1Connection, delegate: HTTPMessageDelegate, length: number): Promise<void> {
  const stream = connection.stream;
  const chunkSize = connection.params.chunkSize;
  let remaining = length;
  while (remaining > 0) {
    const piece = await stream.readBytes(remaining < chunkSize ? remaining : chunkSize, { partial: true });
    remaining -= piece.length;
    await steps.deliver(connection, delegate, piece);
  }
}

/** A chunked body, then its trailer section (kept as the connection's `trailers`). */
export async function readChunkedBody(connection: HTTP1Connection, delegate: HTTPMessageDelegate): Promise<void> {
  const stream = connection.stream;
  const chunkSize = connection.params.chunkSize;
  let total = 0;
  let extensionBytes = 0;
  for (;;) {
    const line = await stream.readUntil('\n', { maxBytes: MAX_CHUNK_LINE });
    const size = parseChunkSizeLine(line);
    if (line.length > PLAIN_CHUNK_LINE) {
      extensionBytes += line.length - PLAIN_CHUNK_LINE;
      if (extensionBytes > MAX_CHUNK_EXTENSION_BYTES) throw new HTTPInputError('Too many chunk extension bytes');
    }
    if (size === 0) break;
    total += size;
    if (total > connection.maxBodySize) throw new HTTPInputError(`Chunked body too large (over ${connection.maxBodySize} bytes)`, { status: 413 });
    if (size + 2 <= chunkSize) {
      // Small chunk: its data and the CRLF after it in one read.
      const piece = await stream.readBytes(size + 2);
      if (piece[size] !== CR || piece[size + 1] !== LF) throw new HTTPInputError('Improperly terminated chunk');
      await steps.deliver(connection, delegate, piece.subarray(0, size));
      continue;
    }
    let remaining = size;
    while (remaining > 0) {
      const piece = await stream.readBytes(remaining < chunkSize ? remaining : chunkSize, { partial: true });
      remaining -= piece.length;
      await steps.deliver(connection, delegate, piece);
    }
    const crlf = await stream.readBytes(2);
    if (crlf[0] !== CR || crlf[1] !== LF) throw new HTTPInputError('Improperly terminated chunk');
  }
  await readTrailers(connection);
}

/** Trailer fields after the last chunk: the header rules and limits, CRLF line endings only. */
async function readTrailers(connection: HTTP1Connection): Promise<void> {
  const stream = connection.stream;
  const max = connection.params.maxHeaderSize;
  let trailers: HTTPHeaders | null = null;
  let total = 0;
  let count = 0;
  for (;;) {
    const line = await stream.readUntil('\n', { maxBytes: max - total + 1 });
    total += line.length;
    const n = line.length;
    if (n < 2 || line[n - 2] !== CR) throw new HTTPInputError('Invalid trailer line: it must end in CRLF');
    if (n === 2) return;
    if (total > max || ++count > connection.params.maxHeaderCount) {
      throw new HTTPInputError('Trailer section too large', { status: 431 });
    }
    if (trailers === null) {
      trailers = new HTTPHeaders();
      steps.setTrailers(connection, trailers);
    }
    trailers.parseLine(line.toString('latin1', 0, n - 2));
  }
}

/** Client side, a response with neither length nor chunking: everything until the server closes. */
export async function readBodyUntilClose(connection: HTTP1Connection, delegate: HTTPMessageDelegate): Promise<void> {
  const stream = connection.stream;
  let total = 0;
  for (;;) {
    let piece: Buffer;
    try {
      piece = await stream.readBytes(connection.params.chunkSize, { partial: true });
    } catch (error) {
      if (error instanceof StreamClosedError && isCleanClose(error)) return;
      throw error;
    }
    total += piece.length;
    if (total > connection.maxBodySize) throw new HTTPInputError(`Unframed body too large (over ${connection.maxBodySize} bytes)`, { status: 413 });
    await steps.deliver(connection, delegate, piece);
  }
}

function isCleanClose(error: StreamClosedError): boolean {
  const code = (error.realError as NodeJS.ErrnoException | null)?.code;
  return error.realError === null || code === 'ECONNRESET' || code === 'EPIPE';
}
