// HTTP1Connection on the client side (what httpclient builds on), against raw net servers that
// answer with scripted bytes.
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { genLog, expectLog } from '@tornado-ts/ioloop';
import { IOStream } from '@tornado-ts/iostream';
import {
  HTTP1Connection,
  HTTPHeaders,
  HTTPInputError,
  HTTPOutputError,
  type HTTP1ConnectionOptions,
  type HTTPMessageDelegate,
  type RequestStartLine,
  type ResponseStartLine,
} from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from './http1-helpers';

const servers: net.Server[] = [];
const streams: IOStream[] = [];
const serverSockets: net.Socket[] = [];

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  for (const socket of serverSockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A server that records what each connection sent and answers each request head with `answer(requestText, index)`. */
async function rawServer(answer: (received: string, index: number) => string | Buffer | null, options: { closeAfter?: boolean } = {}) {
  const received: string[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    serverSockets.push(socket);
    let data = '';
    let index = 0;
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      // One answer per complete head (bodies are not used for routing here).
      for (;;) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = data.slice(0, end + 4);
        const length = /\r\ncontent-length: (\d+)/i.exec(head);
        const chunked = /\r\ntransfer-encoding: chunked/i.test(head);
        let total = end + 4 + (length ? Number(length[1]) : 0);
        if (chunked) {
          const last = data.indexOf('0\r\n\r\n', end + 4);
          if (last < 0) return;
          total = last + 5;
        }
        if (data.length < total) return;
        const message = data.slice(0, total);
        data = data.slice(total);
        received.push(message);
        const response = answer(message, index++);
        if (response !== null) socket.write(typeof response === 'string' ? Buffer.from(response, 'latin1') : response);
        if (options.closeAfter) socket.end();
      }
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, received, sockets };
}

async function connect(port: number): Promise<IOStream> {
  const stream = await IOStream.connect(port, '127.0.0.1');
  streams.push(stream);
  return stream;
}

interface Collected {
  starts: ResponseStartLine[];
  headers: HTTPHeaders[];
  body: Buffer;
  finished: boolean;
  closed: boolean;
}

function collector(onHeaders?: (start: ResponseStartLine, headers: HTTPHeaders) => void | Promise<void>): [HTTPMessageDelegate, Collected] {
  const out: Collected = { starts: [], headers: [], body: Buffer.alloc(0), finished: false, closed: false };
  const chunks: Buffer[] = [];
  return [
    {
      headersReceived(start, headers) {
        out.starts.push(start as ResponseStartLine);
        out.headers.push(headers);
        return onHeaders?.(start as ResponseStartLine, headers);
      },
      dataReceived(chunk) {
        chunks.push(Buffer.from(chunk));
        out.body = Buffer.concat(chunks);
      },
      finish() {
        out.finished = true;
      },
      onConnectionClose() {
        out.closed = true;
      },
    },
    out,
  ];
}

/** Sends one request (GET unless a body is given) and reads its response. */
async function exchange(
  stream: IOStream,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string; params?: HTTP1ConnectionOptions } = {},
) {
  const connection = new HTTP1Connection(stream, true, options.params);
  const start: RequestStartLine = { method: options.method ?? 'GET', path: options.path ?? '/', version: 'HTTP/1.1' };
  const headers = new HTTPHeaders({ Host: '127.0.0.1', ...options.headers });
  await connection.writeHeaders(start, headers, options.body === undefined ? undefined : Buffer.from(options.body));
  await connection.finish();
  const [delegate, out] = collector();
  const reusable = await connection.readResponse(delegate);
  return { connection, out, reusable };
}

describe('HTTP1Connection as a client', () => {
  it('reads a Content-Length response and reuses the connection', async () => {
    const server = await rawServer((_req, i) => `HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nanswer${i}`);
    const stream = await connect(server.port);
    for (let i = 0; i < 2; i++) {
      const { out, reusable } = await exchange(stream, { path: `/${i}` });
      expect(out.starts[0]).toEqual({ version: 'HTTP/1.1', code: 200, reason: 'OK' });
      expect(out.body.toString()).toBe(`answer${i}`);
      expect(out.finished).toBe(true);
      expect(reusable).toBe(true);
    }
    expect(server.received).toEqual([
      'GET /0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      'GET /1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    ]);
  });

  it('reads a chunked response with trailers', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=1\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n');
    const stream = await connect(server.port);
    const { connection, out, reusable } = await exchange(stream);
    expect(out.body.toString()).toBe('hello world');
    expect(connection.trailers?.get('X-Sum')).toBe('11');
    expect(reusable).toBe(true);
  });

  it('reads an HTTP/1.0 response without Content-Length until the server closes', async () => {
    const server = await rawServer(() => 'HTTP/1.0 200 Not Modified\r\n\r\nhello', { closeAfter: true });
    const stream = await connect(server.port);
    const { out, reusable } = await exchange(stream);
    expect(out.starts[0].code).toBe(200);
    expect(out.body.toString()).toBe('hello');
    expect(out.finished).toBe(true);
    expect(reusable).toBe(false);
  });

  it('fails an unframed response over maxBodySize instead of truncating it', async () => {
    const server = await rawServer(() => `HTTP/1.0 200 OK\r\n\r\n${'x'.repeat(5000)}`, { closeAfter: true });
    const stream = await connect(server.port);
    await expectLog(genLog, /Unframed body too large/, async () => {
      const { connection, out, reusable } = await exchange(stream, { params: { maxBodySize: 1000, chunkSize: 512 } });
      expect(reusable).toBe(false);
      expect(out.finished).toBe(false);
      expect(out.closed).toBe(true);
      expect(connection.error).toBeInstanceOf(HTTPInputError);
      expect((connection.error as HTTPInputError).status).toBe(413);
    });
  });

  it('shows 100 Continue to the delegate, then reads the final response', async () => {
    const server = await rawServer(() => 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
    const stream = await connect(server.port);
    const { out, reusable } = await exchange(stream, { method: 'POST', body: 'data' });
    expect(out.starts.map((s) => s.code)).toEqual([100, 103, 201]);
    expect(out.body.toString()).toBe('ok');
    expect(reusable).toBe(true);
  });

  it('refuses more than 10 informational responses', async () => {
    const server = await rawServer(() => `${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(11)}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`);
    const stream = await connect(server.port);
    await expectLog(genLog, /More than 10 informational responses/, async () => {
      const { connection, out, reusable } = await exchange(stream);
      expect(reusable).toBe(false);
      expect(out.starts).toHaveLength(10);
      expect(connection.error).toBeInstanceOf(HTTPInputError);
    });
    // Exactly ten are fine.
    const server10 = await rawServer(() => `${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(10)}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`);
    const { out } = await exchange(await connect(server10.port));
    expect(out.starts.at(-1)?.code).toBe(200);
  });

  it('reads no body for HEAD, 204 and 304 responses', async () => {
    const server = await rawServer((req) => {
      if (req.startsWith('HEAD')) return 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n';
      if (req.startsWith('GET /304')) return 'HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n';
      return 'HTTP/1.1 204 No Content\r\n\r\n';
    });
    const stream = await connect(server.port);
    for (const [method, path] of [['HEAD', '/'], ['GET', '/304'], ['GET', '/204']]) {
      const { out, reusable } = await exchange(stream, { method, path });
      expect(out.body.length).toBe(0);
      expect(out.finished).toBe(true);
      expect(reusable).toBe(true);
    }
  });

  it.each([
    ['a 204 with a body length', 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello', /should not have a body/],
    ['a 1xx with a body length', 'HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n', /cannot have a body/],
    ['Transfer-Encoding with Content-Length', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n', /both Transfer-Encoding and Content-Length/],
    ['Transfer-Encoding gzip, chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', /Unsupported Transfer-Encoding/],
    ['an invalid chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n', /Invalid chunk size/],
    ['a malformed status line', 'HTTP/1.1 2000 OK\r\n\r\n', /Error parsing response start line/],
    ['a bare CR in a header', 'HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n', /Invalid header value/],
  ])('rejects %s', async (_name, response, message) => {
    const server = await rawServer(() => response);
    const stream = await connect(server.port);
    await expectLog(genLog, message, async () => {
      const { connection, reusable } = await exchange(stream);
      expect(reusable).toBe(false);
      expect(connection.error).toBeInstanceOf(HTTPInputError);
      expect(stream.closed()).toBe(true);
    });
  });

  it('closes after a response that says Connection: close, or an HTTP/1.0 one', async () => {
    for (const answer of ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']) {
      const server = await rawServer(() => answer);
      const stream = await connect(server.port);
      const { reusable } = await exchange(stream);
      expect(reusable).toBe(false);
      expect(stream.closed()).toBe(true);
    }
    const kept = await rawServer(() => 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n');
    expect((await exchange(await connect(kept.port))).reusable).toBe(true);
  });

  it('chunks a request body without Content-Length, and sends a declared one as is', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const stream = await connect(server.port);
    const connection = new HTTP1Connection(stream, true);
    await connection.writeHeaders({ method: 'POST', path: '/up', version: 'HTTP/1.1' }, new HTTPHeaders({ Host: 'h' }), Buffer.from('abc'));
    await connection.write(Buffer.from('defgh'));
    await connection.finish();
    await connection.readResponse(collector()[0]);
    await exchange(stream, { method: 'PUT', body: 'xyz', headers: { 'Content-Length': '3' } });
    expect(server.received).toEqual([
      'POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n',
      'PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nxyz',
    ]);
  });

  it('refuses an invalid request line or header before writing anything', async () => {
    const server = await rawServer(() => null);
    const stream = await connect(server.port);
    const attempts = [
      () => new HTTP1Connection(stream, true).writeHeaders({ method: 'GE T', path: '/', version: 'HTTP/1.1' }, new HTTPHeaders()),
      () => new HTTP1Connection(stream, true).writeHeaders({ method: 'GET', path: '/a b', version: 'HTTP/1.1' }, new HTTPHeaders()),
      () => new HTTP1Connection(stream, true).writeHeaders({ method: 'GET', path: '/\r\nX: y', version: 'HTTP/1.1' }, new HTTPHeaders()),
      () => new HTTP1Connection(stream, true).writeHeaders({ method: 'GET', path: '/', version: 'HTTP/1.1' }, new HTTPHeaders({ X: '\u2028' })),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(HTTPOutputError);
    await sleep(20);
    expect(server.received).toEqual([]);
  });

  it('inflates a gzip response with decompress, capped at maxBodySize', async () => {
    const body = gzipSync(Buffer.from('hello '.repeat(1000)));
    const server = await rawServer(
      () => Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`), body]),
    );
    const { out } = await exchange(await connect(server.port), { params: { decompress: true } });
    expect(out.body.toString()).toBe('hello '.repeat(1000));
    expect(out.headers[0].get('X-Consumed-Content-Encoding')).toBe('gzip');
    expect(out.headers[0].has('Content-Encoding')).toBe(false);

    await expectLog(genLog, /Decompressed body too large/, async () => {
      const { connection, reusable } = await exchange(await connect(server.port), { params: { decompress: true, maxBodySize: 4000 } });
      expect(reusable).toBe(false);
      expect((connection.error as HTTPInputError).status).toBe(413);
    });
  });

  it('lets the delegate detach on 101 Switching Protocols', async () => {
    const server = await rawServer(() => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\nframe');
    const stream = await connect(server.port);
    const connection = new HTTP1Connection(stream, true);
    await connection.writeHeaders({ method: 'GET', path: '/ws', version: 'HTTP/1.1' }, new HTTPHeaders({ Upgrade: 'x', Connection: 'Upgrade' }));
    await connection.finish();
    let detached: IOStream | null = null;
    const [delegate] = collector(() => {
      detached = connection.detach() as IOStream;
    });
    expect(await connection.readResponse(delegate)).toBe(false);
    expect(detached).toBe(stream);
    expect((await stream.readBytes(5)).toString()).toBe('frame');
  });

  it('closes when the server sends no response head within headerTimeout', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\n');
    const stream = await connect(server.port);
    await expectLog(genLog, /Timeout reading headers/, async () => {
      const started = performance.now();
      const { reusable, out } = await exchange(stream, { params: { headerTimeout: 80 } });
      expect(reusable).toBe(false);
      expect(out.starts).toHaveLength(0);
      expect(performance.now() - started).toBeGreaterThanOrEqual(70);
    });
  });
});
