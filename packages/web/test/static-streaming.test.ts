// StaticFileHandler with a large file: the bytes arrive intact, the file is read in 64 KiB chunks
// each flushed before the next is read, a client that stops reading stops the reads (backpressure),
// and a client that leaves ends them (the file is closed). Tornado tests none of this directly.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { appLog } from '@tornado-ts/ioloop';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Application } from '../src/application';
import type { ResponseChunk } from '../src/request-handler';
import { StaticFileHandler } from '../src/static-file-handler';
import type { StaticContent } from '../src/static-content';
import { closeAll, startServer, type TestServer } from './helpers';
import { makeTempDir, quietAccessLog } from './static-helpers';

const CHUNK = 64 * 1024;
const BIG_SIZE = 24 * 1024 * 1024 + 1234;

/** What the instrumented handler saw: bytes read from disk, the largest chunk, unflushed bytes, file closed. */
const seen = { yielded: 0, largestChunk: 0, largestUnflushed: 0, unflushed: 0, contentClosed: false };

function resetSeen(): void {
  Object.assign(seen, { yielded: 0, largestChunk: 0, largestUnflushed: 0, unflushed: 0, contentClosed: false });
}

async function* observed(content: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
  try {
    for await (const chunk of content) {
      seen.yielded += chunk.length;
      seen.largestChunk = Math.max(seen.largestChunk, chunk.length);
      yield chunk;
    }
  } finally {
    seen.contentClosed = true;
  }
}

/** StaticFileHandler with its reads and writes counted (behaviour unchanged). */
class ObservedHandler extends StaticFileHandler {
  static override getContent(absolutePath: string, start?: number, end?: number): StaticContent {
    return observed(super.getContent(absolutePath, start, end) as AsyncIterable<Buffer>);
  }

  override write(chunk: ResponseChunk): void {
    if (Buffer.isBuffer(chunk)) {
      seen.unflushed += chunk.length;
      seen.largestUnflushed = Math.max(seen.largestUnflushed, seen.unflushed);
    }
    super.write(chunk);
  }

  override flush(): Promise<void> {
    seen.unflushed = 0;
    return super.flush();
  }
}

/** Reports an old, smaller size, as if the file grew between the stat and the read. */
class StaleSizeHandler extends StaticFileHandler {
  override async getContentSize(): Promise<number> {
    return 100_000;
  }
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

const dir = makeTempDir('static-big');
const bigPath = join(dir.path, 'big.bin');
let bigMd5 = '';
let server: TestServer;

beforeAll(async () => {
  // Written in 1 MiB pieces so the test itself does not hold a second copy while generating it.
  const hash = createHash('md5');
  const out = createWriteStream(bigPath);
  for (let written = 0; written < BIG_SIZE;) {
    const piece = randomBytes(Math.min(1024 * 1024, BIG_SIZE - written));
    hash.update(piece);
    written += piece.length;
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
  bigMd5 = hash.digest('hex');
});

beforeAll(quietAccessLog);
afterAll(() => dir.remove());

beforeEach(async () => {
  StaticFileHandler.resetCache();
  resetSeen();
  server = await startServer(new Application([
    ['/files/(.*)', ObservedHandler, { path: dir.path }],
    ['/grown/(.*)', StaleSizeHandler, { path: dir.path }],
  ]));
});

afterEach(closeAll);

describe('large files', () => {
  it('streams a 24 MB file intact, in 64 KiB chunks, flushing each before reading the next', async () => {
    const response = await server.fetch('/files/big.bin');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(BIG_SIZE));
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(BIG_SIZE);
    expect(md5(body)).toBe(bigMd5);
    expect(seen.yielded).toBe(BIG_SIZE);
    expect(seen.largestChunk).toBe(CHUNK);
    expect(seen.largestUnflushed).toBeLessThanOrEqual(CHUNK);
    // The reader closes the file once the last flush has resolved, which may be just after the client has it all.
    expect(await waitFor(() => seen.contentClosed, 5000)).toBe(true);
  });

  it('sends the whole-file MD5 as ETag', async () => {
    const response = await server.fetch('/files/big.bin', { method: 'HEAD' });
    expect(response.headers.get('etag')).toBe(`"${bigMd5}"`);
  });

  it('answers HEAD without reading the file', async () => {
    const response = await server.fetch('/files/big.bin', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(BIG_SIZE));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(seen.yielded).toBe(0);
  });

  it('serves a range spanning chunk boundaries, reading only that range', async () => {
    const start = CHUNK - 7;
    const end = 3 * CHUNK + 11;
    const response = await server.fetch('/files/big.bin', { headers: { Range: `bytes=${start}-${end}` } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${BIG_SIZE}`);
    const body = Buffer.from(await response.arrayBuffer());
    const expected = Buffer.alloc(end + 1 - start);
    const { open } = await import('node:fs/promises');
    const file = await open(bigPath);
    await file.read(expected, 0, expected.length, start);
    await file.close();
    expect(body.equals(expected)).toBe(true);
    expect(seen.yielded).toBe(expected.length);
  });

  it('stops reading while the client does not read, and finishes when it does (backpressure)', async () => {
    const socket: Socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.pause();
    socket.write('GET /files/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    // Let the server fill the socket buffers; it must then wait instead of reading on.
    await waitFor(() => seen.yielded > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const readWhilePaused = seen.yielded;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.yielded).toBe(readWhilePaused);
    expect(readWhilePaused).toBeLessThan(BIG_SIZE / 2);

    const hash = createHash('md5');
    let headerDone = false;
    let pending = Buffer.alloc(0);
    let bodyLength = 0;
    socket.on('data', (data: Buffer) => {
      if (headerDone) {
        hash.update(data);
        bodyLength += data.length;
        return;
      }
      pending = Buffer.concat([pending, data]);
      const end = pending.indexOf('\r\n\r\n');
      if (end !== -1) {
        headerDone = true;
        const rest = pending.subarray(end + 4);
        hash.update(rest);
        bodyLength += rest.length;
      }
    });
    socket.resume();
    await new Promise((resolve) => socket.once('end', resolve));
    socket.destroy();
    expect(bodyLength).toBe(BIG_SIZE);
    expect(hash.digest('hex')).toBe(bigMd5);
  });

  it('stops reading and closes the file when the client disconnects mid-download', async () => {
    const socket: Socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('GET /files/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    const errors: unknown[] = [];
    const previous = appLog.setSink({ ...appLog.sink, error: (...args: unknown[]) => errors.push(args) });
    try {
      socket.destroy();
      expect(await waitFor(() => seen.contentClosed, 5000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      appLog.setSink(previous);
    }
    expect(errors, 'nothing is logged as an error when a client leaves').toEqual([]);
    expect(seen.yielded).toBeLessThan(BIG_SIZE);
    // The server is still healthy afterwards.
    const response = await server.fetch('/files/big.bin', { headers: { Range: 'bytes=0-3' } });
    expect(response.status).toBe(206);
    expect((await response.arrayBuffer()).byteLength).toBe(4);
  });

  it('sends no more than Content-Length when the file grew after its size was taken', async () => {
    const response = await server.fetch('/grown/big.bin');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('100000');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(100_000);
    const { open } = await import('node:fs/promises');
    const file = await open(bigPath);
    const expected = Buffer.alloc(100_000);
    await file.read(expected, 0, expected.length, 0);
    await file.close();
    expect(body.equals(expected)).toBe(true);
    // The connection stays usable: the response was complete and well framed.
    expect((await server.fetch('/grown/big.bin', { headers: { Range: 'bytes=0-1' } })).status).toBe(206);
  });
});
