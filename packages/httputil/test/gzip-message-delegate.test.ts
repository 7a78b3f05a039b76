import { gzipSync } from 'node:zlib';
import { genLog, expectLog } from '@tornado-ts/ioloop';
import { GzipMessageDelegate, HTTPHeaders, HTTPInputError, type HTTPMessageDelegate } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient, closeAll, request, respond, serveBuffered, sleep } from './http1-helpers';

afterEach(closeAll);

const START = { method: 'POST', path: '/', version: 'HTTP/1.1' };

function gzipRequest(body: Buffer, encoding = 'gzip', extra: string[] = []): Buffer {
  const head = request(['POST / HTTP/1.1', 'Host: x', `Content-Encoding: ${encoding}`, `Content-Length: ${body.length}`, ...extra]);
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

describe('gzip request bodies through the server (decompress: true)', () => {
  it('inflates the body and renames the header, any case', async () => {
    const server = await serveBuffered(
      ({ connection, body, headers }) =>
        respond(connection, `${body} ${headers.get('X-Consumed-Content-Encoding')} ${headers.has('Content-Encoding')}`),
      { decompress: true },
    );
    const client = await RawClient.connect(server.port);
    for (const encoding of ['gzip', 'GZIP', 'x-gzip']) {
      await client.write(gzipRequest(gzipSync('foo=bar'), encoding));
      expect((await client.readResponse()).body.toString()).toBe(`foo=bar ${encoding} false`);
    }
  });

  it('passes other bodies through untouched', async () => {
    const server = await serveBuffered(({ connection, body }) => respond(connection, body), { decompress: true });
    const client = await RawClient.connect(server.port);
    await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 7'], 'foo=bar'));
    expect((await client.readResponse()).body.toString()).toBe('foo=bar');
    await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Content-Encoding: br', 'Content-Length: 3'], 'abc'));
    expect((await client.readResponse()).body.toString()).toBe('abc');
  });

  it('leaves gzip bodies compressed without decompress', async () => {
    const compressed = gzipSync('foo=bar');
    const server = await serveBuffered(({ connection, body }) => respond(connection, body));
    const client = await RawClient.connect(server.port);
    await client.write(gzipRequest(compressed));
    expect((await client.readResponse()).body.equals(compressed)).toBe(true);
  });

  it('inflates a chunked gzip body and keeps pieces within chunkSize', async () => {
    const data = Buffer.from('01234567890123456789012345678901234567890123456789'.repeat(4));
    const compressed = gzipSync(data);
    const server = await serveBuffered(
      ({ connection, body, chunks }) => respond(connection, `${body.equals(data)} ${Math.max(...chunks.map((c) => c.length))}`),
      { decompress: true, chunkSize: 16 },
    );
    const client = await RawClient.connect(server.port);
    const half = 20;
    const chunked = Buffer.concat([
      Buffer.from(request(['POST / HTTP/1.1', 'Host: x', 'Content-Encoding: gzip', 'Transfer-Encoding: chunked']), 'latin1'),
      Buffer.from(`${half.toString(16)}\r\n`),
      compressed.subarray(0, half),
      Buffer.from(`\r\n${(compressed.length - half).toString(16)}\r\n`),
      compressed.subarray(half),
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    await client.write(chunked);
    expect((await client.readResponse()).body.toString()).toBe('true 16');
  });

  it('caps a gzip bomb at maxBodySize with 413, without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const server = await serveBuffered(({ connection }) => respond(connection), { decompress: true, maxBodySize: 1024 * 1024 });
    const client = await RawClient.connect(server.port);
    await expectLog(genLog, /Decompressed body too large/, async () => {
      const started = performance.now();
      await client.write(gzipRequest(bomb));
      const answer = (await client.readUntilClose()).toString('latin1');
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(performance.now() - started).toBeLessThan(2000);
    });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['corrupt data', Buffer.from('this is not gzip at all')],
    ['a truncated stream', gzipSync('foo=bar'.repeat(100)).subarray(0, 30)],
  ])('answers 400 to %s', async (_name, body) => {
    const server = await serveBuffered(({ connection }) => respond(connection), { decompress: true });
    const client = await RawClient.connect(server.port);
    await expectLog(genLog, /Invalid gzip data/, async () => {
      await client.write(gzipRequest(body));
      expect((await client.readUntilClose()).toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
    });
    expect(server.requests).toHaveLength(0);
  });

  it('treats an empty gzip-encoded body as empty', async () => {
    const server = await serveBuffered(({ connection, body }) => respond(connection, `len ${body.length}`), { decompress: true });
    const client = await RawClient.connect(server.port);
    await client.write(gzipRequest(Buffer.alloc(0)));
    expect((await client.readResponse()).body.toString()).toBe('len 0');
  });
});

describe('GzipMessageDelegate', () => {
  function recorder(slow = 0) {
    const events: string[] = [];
    const pieces: Buffer[] = [];
    const delegate: HTTPMessageDelegate = {
      headersReceived(_start, headers) {
        events.push(`headers ${headers.get('Content-Encoding') ?? '-'}`);
      },
      async dataReceived(chunk) {
        events.push('data');
        pieces.push(Buffer.from(chunk));
        if (slow > 0) await sleep(slow);
        events.push('data done');
      },
      finish() {
        events.push('finish');
      },
      onConnectionClose() {
        events.push('close');
      },
    };
    return { delegate, events, pieces };
  }

  it('awaits the wrapped delegate: a chunk is taken only after earlier output was handled', async () => {
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const { delegate, events, pieces } = recorder(2);
    const gzip = new GzipMessageDelegate(delegate, { chunkSize: 64 * 1024 });
    gzip.headersReceived(START, new HTTPHeaders({ 'Content-Encoding': 'gzip' }));
    const compressed = gzipSync(data);
    for (let i = 0; i < compressed.length; i += 4096) await gzip.dataReceived(compressed.subarray(i, i + 4096));
    await gzip.finish();
    expect(Buffer.concat(pieces).equals(data)).toBe(true);
    // Never two deliveries at once.
    const overlapping = events.some((event, i) => event === 'data' && events[i + 1] === 'data');
    expect(overlapping).toBe(false);
    expect(events.at(-1)).toBe('finish');
    expect(pieces.every((piece) => piece.length <= 64 * 1024)).toBe(true);
  });

  it('asks a limit function each time, so a limit raised per request applies', async () => {
    let limit = 10;
    const { delegate } = recorder();
    const gzip = new GzipMessageDelegate(delegate, { maxDecompressedSize: () => limit });
    gzip.headersReceived(START, new HTTPHeaders({ 'Content-Encoding': 'gzip' }));
    limit = 1000;
    await gzip.dataReceived(gzipSync('x'.repeat(500)));
    await gzip.finish();

    const capped = new GzipMessageDelegate(recorder().delegate, { maxDecompressedSize: 100 });
    capped.headersReceived(START, new HTTPHeaders({ 'Content-Encoding': 'gzip' }));
    const error = await Promise.resolve(capped.dataReceived(gzipSync('x'.repeat(500))))
      .then(() => capped.finish())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPInputError);
    expect((error as HTTPInputError).status).toBe(413);
  });

  it('passes an error of the wrapped delegate through unchanged', async () => {
    const failure = new Error('downstream failed');
    const gzip = new GzipMessageDelegate({
      headersReceived() {},
      dataReceived() {
        throw failure;
      },
      finish() {},
      onConnectionClose() {},
    });
    gzip.headersReceived(START, new HTTPHeaders({ 'Content-Encoding': 'gzip' }));
    const error = await Promise.resolve(gzip.dataReceived(gzipSync('abc')))
      .then(() => gzip.finish())
      .catch((e: unknown) => e);
    expect(error).toBe(failure);
  });

  it('forwards onConnectionClose and stops inflating', async () => {
    const { delegate, events } = recorder();
    const gzip = new GzipMessageDelegate(delegate);
    gzip.headersReceived(START, new HTTPHeaders({ 'Content-Encoding': 'gzip' }));
    gzip.onConnectionClose();
    expect(events).toEqual(['headers -', 'close']);
    await expect(async () => gzip.dataReceived(Buffer.from('x'))).rejects.toThrow(HTTPInputError);
  });
});
