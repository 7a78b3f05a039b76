// HTTPServer with delegates and options, through real sockets: Tornado's KeepAliveTest,
// StreamingChunkSizeTest, GzipTest, MaxHeaderSizeTest, IdleTimeoutTest, BodyLimitsTest,
// HTTPServerRawTest and UnixSocketTest, plus the header timeout and hostile input through the server.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { appLog, genLog } from '@tornado-ts/ioloop';
import {
  HTTPHeaders,
  type HTTPConnection,
  type HTTPMessageDelegate,
  type HTTPServerConnectionDelegate,
  type RequestStartLine,
} from '@tornado-ts/httputil';
import { IOStream } from '@tornado-ts/iostream';
import { HTTPServer } from '@tornado-ts/httpserver';
import { bindUnixSocket } from '@tornado-ts/tcpserver';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, connect, deferred, hello, jsonCallback, rawFetch, readAll, readResponse, recordLog, serve, track, waitUntil } from './helpers';

afterEach(closeAll);

const ok = { version: 'HTTP/1.1', code: 200, reason: 'OK' } as const;

/**
 * A server delegate whose requests stream their body: it answers with the JSON of the body piece
 * sizes. `?expected_size=N` / `?body_timeout=MS` override the limits for that request
 * (Tornado's StreamingChunkSizeTest and BodyLimitsTest streaming handlers).
 */
class ChunkSizes implements HTTPServerConnectionDelegate {
  closed = 0;
  started = 0;

  startRequest(_server: object, connection: HTTPConnection): HTTPMessageDelegate {
    this.started++;
    const sizes: number[] = [];
    return {
      headersReceived(startLine) {
        const query = new URLSearchParams((startLine as RequestStartLine).path.split('?')[1] ?? '');
        if (query.has('expected_size')) connection.setMaxBodySize(Number(query.get('expected_size')));
        if (query.has('body_timeout')) connection.setBodyTimeout(Number(query.get('body_timeout')));
      },
      dataReceived(chunk) {
        sizes.push(chunk.length);
      },
      finish() {
        const body = Buffer.from(JSON.stringify(sizes));
        void connection.writeHeaders(ok, new HTTPHeaders({ 'Content-Length': String(body.length) }), body);
        void connection.finish();
      },
      onConnectionClose() {},
    };
  }

  onClose(): void {
    this.closed++;
  }
}

async function sizesFor(port: number, request: string | Buffer): Promise<number[]> {
  const response = await rawFetch(port, request);
  expect(response.code).toBe(200);
  return JSON.parse(response.body.toString()) as number[];
}

const BODY = '01234567890123456789012345678901234567890123456789';

describe('delegates', () => {
  it('hands body pieces of at most chunkSize to the delegate (Tornado StreamingChunkSizeTest)', async () => {
    const server = await serve(new ChunkSizes(), { chunkSize: 16, decompressRequest: true });
    expect(await sizesFor(server.port, `POST / HTTP/1.0\r\nContent-Length: 50\r\n\r\n${BODY}`)).toEqual([16, 16, 16, 2]);
    const chunked = `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n${BODY.slice(0, 20)}\r\n1e\r\n${BODY.slice(20)}\r\n0\r\n\r\n`;
    // Over HTTP/1.0 chunked framing is read, then the connection closes (RFC 9112 6.1).
    expect(await sizesFor(server.port, chunked.replace('HTTP/1.0', 'HTTP/1.1\r\nHost: a\r\nConnection: close'))).toEqual([16, 4, 16, 14]);
    const compressed = gzipSync(BODY);
    const gz = await sizesFor(
      server.port,
      Buffer.concat([Buffer.from(`POST / HTTP/1.0\r\nContent-Encoding: gzip\r\nContent-Length: ${compressed.length}\r\n\r\n`), compressed]),
    );
    expect(gz.reduce((a, b) => a + b, 0)).toBe(50);
    for (const size of gz) expect(size).toBeGreaterThan(0);
    for (const size of gz) expect(size).toBeLessThanOrEqual(16);
  });

  it('calls onClose once per connection, after its requests', async () => {
    const app = new ChunkSizes();
    const server = await serve(app);
    const stream = await connect(server.port);
    await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await readResponse(stream);
    await readResponse(stream);
    // startRequest comes before each request is read: two served, a third awaited.
    expect(app.started).toBe(3);
    stream.close();
    await waitUntil(() => app.closed === 1);
  });
});

describe('keep-alive through the server (Tornado KeepAliveTest)', () => {
  async function helloResponse(stream: IOStream) {
    const response = await readResponse(stream);
    expect(response.code).toBe(200);
    expect(response.body.toString()).toBe('Hello world');
    return response;
  }

  it('serves two requests on one connection', async () => {
    const server = await serve(hello);
    const stream = await connect(server.port);
    for (let i = 0; i < 2; i++) {
      await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await helloResponse(stream);
    }
    expect(server.connectionCount).toBe(1);
  });

  it('closes after Connection: close', async () => {
    const server = await serve(hello);
    const stream = await connect(server.port);
    await stream.write('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const response = await helloResponse(stream);
    expect(response.headers.get('Connection')).toBe('close');
    expect(await readAll(stream)).toBe('');
  });

  it('closes an HTTP/1.0 connection unless keep-alive is asked for', async () => {
    const server = await serve(hello);
    const plain = await connect(server.port);
    await plain.write('GET / HTTP/1.0\r\n\r\n');
    expect((await helloResponse(plain)).headers.has('Connection')).toBe(false);
    expect(await readAll(plain)).toBe('');

    const kept = await connect(server.port);
    for (let i = 0; i < 2; i++) {
      // The extra CRLF after the first request is skipped (Tornado test_http10_keepalive_extra_crlf).
      await kept.write(`GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n${i === 0 ? '\r\n' : ''}`);
      expect((await helloResponse(kept)).headers.get('Connection')?.toLowerCase()).toBe('keep-alive');
    }
  });

  it('answers pipelined requests, and survives a client that leaves before reading them all', async () => {
    const server = await serve(hello);
    const stream = await connect(server.port);
    await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await helloResponse(stream);
    await helloResponse(stream);
    const cancel = await connect(server.port);
    await cancel.write('GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await helloResponse(cancel);
    cancel.close();
    await waitUntil(() => server.connectionCount === 1);
  });

  it('closes an HTTP/1.0 connection whose request was chunked, even with keep-alive (RFC 9112 6.1; Tornado test_keepalive_chunked keeps it)', async () => {
    const server = await serve(hello);
    const stream = await connect(server.port);
    await stream.write('POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    await helloResponse(stream);
    expect(await readAll(stream)).toBe('');
  });

  it('answers HEAD twice on one connection without a body (Tornado test_keepalive_chunked_head_no_body)', async () => {
    const server = await serve(async (request) => {
      const connection = request.connection as HTTPConnection;
      await connection.writeHeaders(ok, new HTTPHeaders({ 'Content-Type': 'text/plain' }));
      await connection.finish();
    });
    const stream = await connect(server.port);
    for (let i = 0; i < 2; i++) {
      await stream.write('HEAD /chunked HTTP/1.1\r\nHost: a\r\n\r\n');
      const response = await readResponse(stream, { head: true });
      expect(response.code).toBe(200);
    }
    expect(server.connectionCount).toBe(1);
  });

  it('survives a client that leaves during a large download (Tornado test_cancel_during_download)', async () => {
    const large = Buffer.alloc(512 * 1024, 'x');
    const server = await serve(async (request) => {
      const connection = request.connection as HTTPConnection;
      await connection.writeHeaders(ok, new HTTPHeaders({ 'Content-Length': String(large.length) }));
      for (let i = 0; i < large.length; i += 16 * 1024) await connection.write(large.subarray(i, i + 16 * 1024));
      await connection.finish();
    });
    const stream = await connect(server.port);
    await stream.write('GET /large HTTP/1.1\r\nHost: a\r\n\r\n');
    await stream.readUntil('\r\n\r\n');
    await stream.readBytes(1024);
    stream.close();
    await waitUntil(() => server.connectionCount === 0);
    expect((await rawFetch(server.port, 'GET / HTTP/1.0\r\n\r\n')).code).toBe(200);
  });

  it('lets a response be finished from the close callback after the client left (Tornado test_finish_while_closed)', async () => {
    const finished = deferred();
    const server = await serve(async (request) => {
      const connection = request.connection as HTTPConnection;
      connection.setCloseCallback(() => {
        void connection.write(Buffer.from('closed')).catch(() => {});
        void Promise.resolve(connection.finish()).then(finished.resolve, finished.resolve);
      });
      await connection.writeHeaders(ok, new HTTPHeaders());
    });
    const stream = await connect(server.port);
    const logged = await recordLog(appLog, async () => {
      await stream.write('GET /finish_on_close HTTP/1.1\r\nHost: a\r\n\r\n');
      await stream.readUntil('\r\n\r\n');
      stream.close();
      await finished.promise;
      await waitUntil(() => server.connectionCount === 0);
    });
    expect(logged).toEqual([]);
  });

  it('noKeepAlive closes every connection after one response', async () => {
    const server = await serve(hello, { noKeepAlive: true });
    const stream = await connect(server.port);
    await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const response = await helloResponse(stream);
    expect(response.headers.get('Connection')).toBe('close');
    expect(await readAll(stream)).toBe('');
  });
});

describe('raw requests (Tornado HTTPServerRawTest)', () => {
  const echoBody = jsonCallback((request) => ({ body: request.body.toString(), foo: request.arguments.foo?.map(String) }));

  it('reads chunked request bodies, whatever the case of "chunked"', async () => {
    const server = await serve(echoBody);
    for (const te of ['chunked', 'Chunked']) {
      const response = await rawFetch(
        server.port,
        `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ${te}\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n4\r\nfoo=\r\n3\r\nbar\r\n0\r\n\r\n`,
      );
      expect(JSON.parse(response.body.toString())).toEqual({ body: 'foo=bar', foo: ['bar'] });
    }
  });

  it('runs an Expect: 100-continue exchange by hand (Tornado test_100_continue)', async () => {
    const server = await serve(jsonCallback((request) => `Got ${request.body.length} bytes in POST`));
    const stream = await connect(server.port);
    await stream.write('POST /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 1024\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    const interim = (await stream.readUntil('\r\n\r\n')).toString('latin1');
    expect(interim).toMatch(/^HTTP\/1\.1 100 /);
    await stream.write('a'.repeat(1024));
    const response = await readResponse(stream);
    expect(response.code).toBe(200);
    expect(JSON.parse(response.body.toString())).toBe('Got 1024 bytes in POST');
  });

  it('a client that connects and leaves costs nothing (Tornado test_empty_request)', async () => {
    const server = await serve(hello);
    const stream = await connect(server.port);
    stream.close();
    await waitUntil(() => server.connectionCount === 0);
    expect((await rawFetch(server.port, 'GET / HTTP/1.0\r\n\r\n')).code).toBe(200);
  });

  // The codec's own tests hold the full hostile-input corpus; this checks that its answers reach
  // the client through HTTPServer, that each is logged once, and that the server goes on serving.
  it.each([
    ['a malformed request line', 400, 'asdf\r\n\r\n'],
    ['a header line without a colon', 400, 'GET / HTTP/1.0\r\nasdf\r\n\r\n'],
    ['a non-integer Content-Length', 400, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: foo\r\n\r\nbar'],
    ['a signed Content-Length', 400, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nbar'],
    ['both Transfer-Encoding and Content-Length', 400, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a duplicate Transfer-Encoding', 400, 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a missing Host on HTTP/1.1', 400, 'GET / HTTP/1.1\r\n\r\n'],
    ['a body over maxBodySize', 413, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10240\r\n\r\n'],
    ['a chunked body over maxBodySize', 413, `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2800\r\n${'a'.repeat(10240)}\r\n0\r\n\r\n`],
    ['a header block over maxHeaderSize', 431, `GET / HTTP/1.1\r\nHost: a\r\nX-Filler: ${'a'.repeat(1100)}\r\n\r\n`],
  ])('%s is answered %i, then the connection closes', async (_what, status, request) => {
    const server = await serve(hello, { maxBodySize: 4096, maxHeaderSize: 1024 });
    const stream = await connect(server.port);
    const logged = await recordLog(genLog, async () => {
      await stream.write(request);
      const answer = await readAll(stream);
      expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer).toMatch(/\r\nConnection: close\r\n/);
    });
    expect(logged.filter((line) => line.includes('Malformed HTTP message from 127.0.0.1'))).toHaveLength(1);
    expect((await rawFetch(server.port, 'GET / HTTP/1.0\r\n\r\n')).body.toString()).toBe('Hello world');
  });
});

describe('limits and timeouts', () => {
  it('answers small headers and refuses large ones with 431 (Tornado MaxHeaderSizeTest)', async () => {
    const server = await serve(hello, { maxHeaderSize: 1024 });
    const small = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { 'X-Filler': 'a'.repeat(100) } });
    expect(await small.text()).toBe('Hello world');
    await recordLog(genLog, async () => {
      const large = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { 'X-Filler': 'a'.repeat(1000) } });
      expect(large.status).toBe(431);
    });
  });

  it('lets a delegate raise maxBodySize for one request, reset for the next (Tornado BodyLimitsTest)', async () => {
    const server = await serve(new ChunkSizes(), { maxBodySize: 4096, bodyTimeout: 3_600_000 });
    const small = await sizesFor(server.port, `PUT /streaming HTTP/1.0\r\nContent-Length: 4096\r\n\r\n${'a'.repeat(4096)}`);
    expect(small.reduce((a, b) => a + b, 0)).toBe(4096);
    const stream = await connect(server.port);
    await stream.write(`PUT /streaming?expected_size=10240 HTTP/1.1\r\nHost: a\r\nContent-Length: 10240\r\n\r\n${'a'.repeat(10240)}`);
    const raised = JSON.parse((await readResponse(stream)).body.toString()) as number[];
    expect(raised.reduce((a, b) => a + b, 0)).toBe(10240);
    const chunked = `PUT /streaming?expected_size=10240 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2800\r\n${'a'.repeat(10240)}\r\n0\r\n\r\n`;
    await stream.write(chunked);
    const raisedChunked = JSON.parse((await readResponse(stream)).body.toString()) as number[];
    expect(raisedChunked.reduce((a, b) => a + b, 0)).toBe(10240);
    await recordLog(genLog, async () => {
      await stream.write('PUT /streaming HTTP/1.1\r\nHost: a\r\nContent-Length: 10240\r\n\r\n');
      expect(await readAll(stream)).toMatch(/^HTTP\/1\.1 413 /);
    });
  });

  it('closes a body that takes longer than its bodyTimeout (Tornado BodyLimitsTest.test_timeout)', async () => {
    const server = await serve(new ChunkSizes(), { bodyTimeout: 3_600_000 });
    const stream = await connect(server.port);
    const logged = await recordLog(genLog, async () => {
      await stream.write('PUT /streaming?body_timeout=100 HTTP/1.0\r\nContent-Length: 42\r\n\r\n');
      const answer = await readAll(stream);
      expect(answer === '' || /^HTTP\/1\.1 408 /.test(answer)).toBe(true);
    });
    expect(logged.some((line) => line.includes('Timeout reading body'))).toBe(true);
  });

  it('closes an unused connection, and one idle after use (Tornado IdleTimeoutTest)', async () => {
    const server = await serve(hello, { idleConnectionTimeout: 100 });
    const unused = await connect(server.port);
    const used = await connect(server.port);
    for (let i = 0; i < 2; i++) {
      await used.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      expect((await readResponse(used)).body.toString()).toBe('Hello world');
    }
    const started = Date.now();
    expect(await readAll(unused)).toBe('');
    expect(await readAll(used)).toBe('');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('closes a request whose head trickles in past headerTimeout (slowloris)', async () => {
    const server = await serve(hello, { headerTimeout: 150, idleConnectionTimeout: 60_000 });
    const stream = await connect(server.port);
    const logged = await recordLog(genLog, async () => {
      await stream.write('GET / HTTP/1.1\r\nHost: a\r\n');
      const timer = setInterval(() => void stream.write('X-A: b\r\n').catch(() => {}), 20);
      try {
        const started = Date.now();
        const answer = await readAll(stream);
        expect(answer === '' || /^HTTP\/1\.1 408 /.test(answer)).toBe(true);
        expect(Date.now() - started).toBeLessThan(3_000);
      } finally {
        clearInterval(timer);
      }
    });
    expect(logged.some((line) => line.includes('Timeout reading headers'))).toBe(true);
    // An idle connection is not a slow one: idleConnectionTimeout governs it, not headerTimeout.
    const idle = await connect(server.port);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await idle.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect((await readResponse(idle)).body.toString()).toBe('Hello world');
  });

  it('inflates gzip bodies with decompressRequest, refuses them without (Tornado GzipTest)', async () => {
    const echo = jsonCallback((request) => request.arguments.foo?.map(String));
    const body = gzipSync('foo=bar');
    const request = (encoding: string) =>
      Buffer.concat([
        Buffer.from(
          `POST / HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n\r\n`,
        ),
        body,
      ]);
    const inflating = await serve(echo, { decompressRequest: true });
    for (const encoding of ['gzip', 'GZIP']) {
      expect(JSON.parse((await rawFetch(inflating.port, request(encoding))).body.toString())).toEqual(['bar']);
    }
    const plain = await serve(echo);
    const logged = await recordLog(genLog, async () => {
      expect((await rawFetch(plain.port, request('gzip'))).code).toBe(400);
    });
    expect(logged.filter((line) => line.includes('Unsupported Content-Encoding'))).toHaveLength(1);
  });
});

describe('listening', () => {
  it('serves on a unix socket from bindUnixSocket + addSockets (Tornado UnixSocketTest)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tornado-ts-httpserver-'));
    try {
      const path = join(dir, 'test.sock');
      const server = track(new HTTPServer(jsonCallback((request) => ({ remoteIp: request.remoteIp, body: 'Hello world' }))));
      server.addSockets([await bindUnixSocket(path)]);
      const ask = async (request: string) => {
        const stream = track(new IOStream(net.connect(path)));
        await stream.write(request);
        return readAll(stream);
      };
      const answer = await ask('GET /hello HTTP/1.0\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(answer).toContain('{"remoteIp":null,"body":"Hello world"}');
      const bad = await recordLog(genLog, async () => {
        expect(await ask('garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
      });
      expect(bad.some((line) => line.includes('Malformed HTTP message from'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bind() then start(1) serves in this process', async () => {
    const server = track(new HTTPServer(hello));
    await server.bind(0, '127.0.0.1');
    expect(server.port).toBeNull();
    expect(await server.start(1)).toBeNull();
    expect((await rawFetch(server.port as number, 'GET / HTTP/1.0\r\n\r\n')).body.toString()).toBe('Hello world');
  });

  it('serves IPv6 clients with their address', async () => {
    const server = await serve(jsonCallback((request) => request.remoteIp), undefined, '::1').catch(() => null);
    if (server === null) return; // no IPv6 loopback on this machine
    const stream = track(await IOStream.connect(server.port, '::1'));
    await stream.write('GET / HTTP/1.0\r\n\r\n');
    expect(JSON.parse((await readResponse(stream)).body.toString())).toBe('::1');
  });
});
