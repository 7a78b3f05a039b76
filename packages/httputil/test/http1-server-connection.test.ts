import { genLog, appLog, expectLog } from '@tornado-ts/ioloop';
import { StreamClosedError } from '@tornado-ts/iostream';
import { HTTPHeaders, HTTPOutputError, type HTTP1Connection, type HTTPHeaders as Headers } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient, closeAll, header, request, respond, serve, serveBuffered, sleep } from './http1-helpers';

afterEach(closeAll);

const OK = { version: 'HTTP/1.1', code: 200, reason: 'OK' };

describe('HTTP1ServerConnection basics', () => {
  it('answers a GET with the handler response, a Date header and keep-alive', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection, 'Hello world'));
    const client = await RawClient.connect(server.port);
    await client.write('GET /hello?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n');
    const response = await client.readResponse();
    expect(response.code).toBe(200);
    expect(response.reason).toBe('OK');
    expect(response.body.toString()).toBe('Hello world');
    expect(header(response, 'date')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(header(response, 'connection')).toBeUndefined();
    const [received] = server.requests;
    expect(received.startLine).toEqual({ method: 'GET', path: '/hello?x=1', version: 'HTTP/1.1' });
    expect(received.headers.get('host')).toBe('example.com');
    expect(await client.closesWithin(50)).toBe(false);
  });

  it('delivers a POST body with Content-Length', async () => {
    const server = await serveBuffered(({ connection, body }) => respond(connection, `got ${body.length}: ${body}`));
    const client = await RawClient.connect(server.port);
    await client.write(request(['POST /form HTTP/1.1', 'Host: x', 'Content-Length: 7'], 'foo=bar'));
    expect((await client.readResponse()).body.toString()).toBe('got 7: foo=bar');
  });

  it('accepts bare LF line endings (RFC 9112 section 2.2)', async () => {
    const server = await serveBuffered(({ connection, headers }) => respond(connection, headers.get('X-A') ?? ''));
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.0\nX-A: lf\n\n');
    expect((await client.readResponse()).body.toString()).toBe('lf');
    const mixed = await RawClient.connect(server.port);
    await mixed.write('GET / HTTP/1.1\r\nHost: x\nX-A: mixed\r\n\n');
    expect((await mixed.readResponse()).body.toString()).toBe('mixed');
  });

  it('keeps HTTP/1.1 connections alive for several requests', async () => {
    const server = await serveBuffered(({ connection, startLine }) => respond(connection, startLine.path));
    const client = await RawClient.connect(server.port);
    for (const path of ['/a', '/b', '/c']) {
      await client.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect((await client.readResponse()).body.toString()).toBe(path);
    }
    expect(server.connections).toHaveLength(1);
  });

  it('closes after a response when the request says Connection: close', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection));
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const response = await client.readResponse();
    expect(header(response, 'connection')).toBe('close');
    expect((await client.readUntilClose()).length).toBe(0);
  });

  it('closes HTTP/1.0 connections unless they ask for keep-alive', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection));
    const plain = await RawClient.connect(server.port);
    await plain.write('GET / HTTP/1.0\r\n\r\n');
    const first = await plain.readResponse();
    expect(header(first, 'connection')).toBeUndefined();
    expect((await plain.readUntilClose()).length).toBe(0);

    const kept = await RawClient.connect(server.port);
    for (let i = 0; i < 2; i++) {
      await kept.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      const response = await kept.readResponse();
      expect(header(response, 'connection')).toBe('keep-alive');
    }
    expect(kept.ended).toBe(false);
  });

  it('ignores blank lines between kept-alive requests', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection));
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n\r\n');
    await client.readResponse();
    await client.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect((await client.readResponse()).code).toBe(200);
  });

  it('answers pipelined requests in order, each after the previous one finished', async () => {
    const order: string[] = [];
    const server = await serveBuffered(async ({ connection, startLine }) => {
      order.push(`start ${startLine.path}`);
      // The first answer is the slowest: the later ones must still come after it.
      await sleep(startLine.path === '/1' ? 40 : 5);
      order.push(`end ${startLine.path}`);
      await respond(connection, startLine.path);
    });
    const client = await RawClient.connect(server.port);
    await client.write(
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push((await client.readResponse()).body.toString());
    expect(bodies).toEqual(['/1', '/2', '/3']);
    expect(order).toEqual(['start /1', 'end /1', 'start /2', 'end /2', 'start /3', 'end /3']);
    expect(server.requests[1].body.toString()).toBe('abc');
  });

  it('survives a client that leaves with pipelined requests unanswered', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection));
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.readResponse();
    client.close();
    await sleep(20);
    const next = await RawClient.connect(server.port);
    await next.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await next.readResponse()).code).toBe(200);
  });

  it('survives a client that connects and closes without a request', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection));
    const client = await RawClient.connect(server.port);
    client.close();
    await sleep(20);
    expect(server.closed).toBe(1);
    const next = await RawClient.connect(server.port);
    await next.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await next.readResponse()).code).toBe(200);
  });

  it('survives a client that leaves in the middle of a large response', async () => {
    let failure: unknown = null;
    const server = await serveBuffered(async ({ connection }) => {
      try {
        await respond(connection, Buffer.alloc(8 * 1024 * 1024, 'z'));
      } catch (error) {
        failure = error;
      }
    });
    const client = await RawClient.connect(server.port);
    await client.write('GET /large HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(20);
    client.close();
    await sleep(50);
    expect(failure).toBeInstanceOf(StreamClosedError);
    const next = await RawClient.connect(server.port);
    await next.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await next.readResponse()).code).toBe(200);
  });

  it('lets a handler finish after its client left (writes reject quietly)', async () => {
    let finishing: Promise<unknown> = Promise.resolve();
    const server = await serveBuffered(({ connection }) => {
      connection.writeHeaders(OK, new HTTPHeaders());
      connection.setCloseCallback(() => {
        finishing = Promise.resolve()
          .then(() => connection.write(Buffer.from('closed')))
          .then(() => connection.finish())
          .catch((error: unknown) => error);
      });
    });
    const client = await RawClient.connect(server.port);
    await client.write('GET /finish_on_close HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.readResponse({ noBody: true });
    client.close();
    await sleep(30);
    expect(await finishing).toBeInstanceOf(StreamClosedError);
    expect(server.closed).toBe(1);
  });

  it('calls onClose of the server delegate once per connection', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection));
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await client.readUntilClose();
    await sleep(10);
    expect(server.closed).toBe(1);
  });
});

describe('chunked request bodies', () => {
  const body = '4\r\nfoo=\r\n3\r\nbar\r\n0\r\n\r\n';

  it('reads chunks, case-insensitive Transfer-Encoding, and keeps the connection', async () => {
    const server = await serveBuffered(({ connection, body: received }) => respond(connection, received));
    const client = await RawClient.connect(server.port);
    for (const te of ['chunked', 'Chunked']) {
      await client.write(request(['POST /echo HTTP/1.1', 'Host: x', `Transfer-Encoding: ${te}`], body));
      expect((await client.readResponse()).body.toString()).toBe('foo=bar');
    }
  });

  it('skips chunk extensions and exposes trailers', async () => {
    let trailers: Headers | null = null;
    const server = await serveBuffered(({ connection, body: received }) => {
      trailers = connection.trailers;
      return respond(connection, received);
    });
    const client = await RawClient.connect(server.port);
    await client.write(
      request(
        ['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked', 'Trailer: X-Checksum'],
        '4;name=value;flag\r\nfoo=\r\n3 ; q="a \\" b"\r\nbar\r\n0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n',
      ),
    );
    expect((await client.readResponse()).body.toString()).toBe('foo=bar');
    expect(trailers).not.toBeNull();
    expect(trailers!.get('X-Checksum')).toBe('abc');
    expect(trailers!.get('X-Other')).toBe('1');
    expect(server.requests[0].headers.has('X-Checksum')).toBe(false);
  });

  it('parses a body split at every byte boundary', async () => {
    const server = await serveBuffered(({ connection, body: received }) => respond(connection, received));
    const whole = request(['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked'], '5;e=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nT: v\r\n\r\n');
    for (let split = 1; split < whole.length; split++) {
      const client = await RawClient.connect(server.port);
      await client.write(whole.slice(0, split));
      await sleep(1);
      await client.write(whole.slice(split));
      const response = await client.readResponse();
      expect(response.body.toString(), `split at ${split}`).toBe('hello world');
      client.close();
    }
  }, 15_000);

  it('hands chunk boundaries and chunkSize pieces to dataReceived', async () => {
    const server = await serveBuffered(({ connection, chunks }) => respond(connection, chunks.map((c) => c.length).join(',')), { chunkSize: 16 });
    const client = await RawClient.connect(server.port);
    const data = '01234567890123456789012345678901234567890123456789';
    await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 50'], data));
    expect((await client.readResponse()).body.toString()).toBe('16,16,16,2');
    await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked'], `14\r\n${data.slice(0, 20)}\r\n1e\r\n${data.slice(20)}\r\n0\r\n\r\n`));
    expect((await client.readResponse()).body.toString()).toBe('16,4,16,14');
  });

  it('closes an HTTP/1.0 chunked request after answering it (RFC 9112 section 6.1)', async () => {
    const server = await serveBuffered(({ connection, body: received }) => respond(connection, received));
    const client = await RawClient.connect(server.port);
    await client.write(request(['POST / HTTP/1.0', 'Connection: keep-alive', 'Transfer-Encoding: chunked'], '0\r\n\r\n'));
    const response = await client.readResponse();
    expect(response.code).toBe(200);
    expect(await client.closesWithin(500)).toBe(true);
  });
});

describe('responses', () => {
  it('chunks a response without Content-Length, with trailers', async () => {
    const server = await serveBuffered(async ({ connection }) => {
      await connection.writeHeaders(OK, new HTTPHeaders(), Buffer.from('Hello, '));
      await connection.write(Buffer.from(''));
      await connection.write(Buffer.from('chunked '));
      await connection.write(Buffer.alloc(20_000, 'x'));
      await connection.finish(new HTTPHeaders({ 'X-Digest': 'abc' }));
    });
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const response = await client.readResponse();
    expect(header(response, 'transfer-encoding')).toBe('chunked');
    expect(response.body.toString()).toBe(`Hello, chunked ${'x'.repeat(20_000)}`);
    expect(response.trailers).toEqual(['X-Digest: abc']);
    // Still alive.
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await client.readResponse()).code).toBe(200);
  });

  it('answers HTTP/1.0 without Content-Length by closing the connection', async () => {
    const server = await serveBuffered(async ({ connection }) => {
      await connection.writeHeaders(OK, new HTTPHeaders(), Buffer.from('until close'));
      await connection.finish();
    });
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const response = await client.readResponse();
    expect(header(response, 'transfer-encoding')).toBeUndefined();
    expect(response.body.toString()).toBe('until close');
  });

  it('writes a large body after the head', async () => {
    const big = Buffer.alloc(512 * 1024, 'y');
    const server = await serveBuffered(({ connection }) => respond(connection, big));
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await client.readResponse()).body.equals(big)).toBe(true);
  });

  it('sends HEAD, 204 and 304 responses without a body and keeps the connection', async () => {
    const server = await serveBuffered(({ connection, startLine }) => {
      if (startLine.method === 'HEAD') {
        // The length GET would send, and no body.
        connection.writeHeaders(OK, new HTTPHeaders({ 'Content-Length': '11' }));
        return connection.finish();
      }
      if (startLine.path === '/204') {
        connection.writeHeaders({ version: 'HTTP/1.1', code: 204, reason: 'No Content' }, new HTTPHeaders());
        return connection.finish();
      }
      if (startLine.path === '/304') {
        connection.writeHeaders({ version: 'HTTP/1.1', code: 304, reason: 'Not Modified' }, new HTTPHeaders({ ETag: '"x"' }));
        return connection.finish();
      }
      return respond(connection, 'after');
    });
    const client = await RawClient.connect(server.port);
    await client.write('HEAD / HTTP/1.1\r\nHost: x\r\n\r\n');
    const head = await client.readResponse({ noBody: true });
    expect(header(head, 'content-length')).toBe('11');
    expect(header(head, 'transfer-encoding')).toBeUndefined();
    for (const code of [204, 304]) {
      await client.write(`GET /${code} HTTP/1.1\r\nHost: x\r\n\r\n`);
      const response = await client.readResponse();
      expect(response.code).toBe(code);
      expect(header(response, 'transfer-encoding')).toBeUndefined();
      expect(header(response, 'content-length')).toBeUndefined();
    }
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await client.readResponse()).body.toString()).toBe('after');
    expect(client.pending.length).toBe(0);
  });

  it('keeps chunked HEAD responses bodiless', async () => {
    const server = await serveBuffered(async ({ connection }) => {
      await connection.writeHeaders(OK, new HTTPHeaders());
      await connection.finish();
    });
    const client = await RawClient.connect(server.port);
    for (let i = 0; i < 2; i++) {
      await client.write('HEAD /chunked HTTP/1.1\r\nHost: x\r\n\r\n');
      const response = await client.readResponse({ noBody: true });
      expect(header(response, 'transfer-encoding')).toBeUndefined();
    }
    await sleep(20);
    expect(client.pending.length).toBe(0);
  });

  it('refuses a body on HEAD, 204 and 304 with HTTPOutputError', async () => {
    const errors: unknown[] = [];
    const server = await serveBuffered(({ connection, startLine }) => {
      const code = startLine.path === '/204' ? 204 : startLine.path === '/304' ? 304 : 200;
      try {
        connection.writeHeaders({ version: 'HTTP/1.1', code, reason: 'X' }, new HTTPHeaders(), Buffer.from('body'));
      } catch (error) {
        errors.push(error);
      }
    });
    for (const [method, path] of [['HEAD', '/'], ['GET', '/204'], ['GET', '/304']]) {
      const client = await RawClient.connect(server.port);
      await client.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await client.closed;
    }
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toBeInstanceOf(HTTPOutputError);
  });

  it.each([
    ['writes more than', (connection: HTTP1Connection) => connection.write(Buffer.from('defg')), /more data than Content-Length/],
    ['finishes short of', (connection: HTTP1Connection) => connection.finish(), /2 bytes less than Content-Length/],
  ])('throws when a handler %s its Content-Length, and closes', async (_name, misstep, message) => {
    const errors: unknown[] = [];
    const server = await serveBuffered(async ({ connection }) => {
      await connection.writeHeaders(OK, new HTTPHeaders({ 'Content-Length': '5' }), Buffer.from('abc'));
      try {
        await misstep(connection);
      } catch (error) {
        errors.push(error);
      }
    });
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.closed;
    expect(errors[0]).toBeInstanceOf(HTTPOutputError);
    expect((errors[0] as Error).message).toMatch(message);
  });

  it('refuses header injection and bad status lines', async () => {
    const errors: string[] = [];
    const server = await serveBuffered(({ connection }) => {
      const attempts: [() => unknown, string][] = [
        [() => connection.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK\r\nX-Evil: 1' }, new HTTPHeaders()), 'reason'],
        [() => connection.writeHeaders({ version: 'HTTP/1.1', code: 99, reason: 'Low' }, new HTTPHeaders()), 'code'],
        [() => connection.writeHeaders(OK, new HTTPHeaders({ 'Content-Length': '+5' })), 'content-length'],
        [() => connection.writeHeaders(OK, new HTTPHeaders({ 'X-Wide': 'caf\u0151' })), 'wide char'],
        [() => connection.writeHeaders(OK, new HTTPHeaders({ 'Transfer-Encoding': 'gzip' })), 'te'],
        [() => connection.write(Buffer.from('x')), 'write before headers'],
      ];
      for (const [attempt, label] of attempts) {
        try {
          attempt();
        } catch (error) {
          if (error instanceof HTTPOutputError) errors.push(label);
        }
      }
      return respond(connection, 'fine');
    });
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await client.readResponse()).body.toString()).toBe('fine');
    expect(errors).toEqual(['reason', 'code', 'content-length', 'wide char', 'te', 'write before headers']);
  });

  it('sends Connection: close and closes when the handler says so', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection, 'bye', { headers: { Connection: 'close' } }));
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const response = await client.readResponse();
    expect(response.headers.get('connection')).toEqual(['close']);
    expect(await client.closesWithin(500)).toBe(true);
  });
});

describe('outgoing header safety', () => {
  // The codec checks only for chars above 0xFF in a finished head, because HTTPHeaders itself
  // refuses everything else that could split a header (CVE-2012-2374, GHSA-w235-7p84-xx57). If
  // this contract ever loosens, serializeFields must validate each field again.
  it('relies on HTTPHeaders refusing CR, LF, NUL and other controls, and non-token names', () => {
    for (const value of ['a\r\nX-Evil: 1', 'a\nb', 'a\rb', 'a\x00b', 'a\x7fb', 'a\x0bb']) {
      expect(() => new HTTPHeaders({ 'X-Test': value })).toThrow();
      expect(() => new HTTPHeaders().set('X-Test', value)).toThrow();
      expect(() => new HTTPHeaders().add('X-Test', value)).toThrow();
    }
    for (const name of ['Bad Name', 'X:Y', 'X\r\nY', '', '\u00e9']) expect(() => new HTTPHeaders().add(name, 'v')).toThrow();
  });

  it('refuses a value above 0xFF in the head, where latin1 would truncate it', async () => {
    const errors: unknown[] = [];
    const server = await serveBuffered(({ connection }) => {
      try {
        connection.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, new HTTPHeaders({ 'X-Bad': 'a\u010ab', 'Content-Length': '0' }));
      } catch (error) {
        errors.push(error);
      }
      respond(connection, 'ok');
    });
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await client.readResponse()).code).toBe(200);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(HTTPOutputError);
    expect(String(errors[0])).toMatch(/X-Bad/);
  });
});

describe('Expect: 100-continue', () => {
  it('sends 100 Continue before reading the body', async () => {
    const server = await serveBuffered(({ connection, body }) => respond(connection, `Got ${body.length} bytes`));
    const client = await RawClient.connect(server.port);
    await client.write(request(['POST /hello HTTP/1.1', 'Host: x', 'Content-Length: 1024', 'Expect: 100-continue']));
    const interim = await client.readResponse();
    expect(interim.code).toBe(100);
    await client.write('a'.repeat(1024));
    const response = await client.readResponse();
    expect(response.code).toBe(200);
    expect(response.body.toString()).toBe('Got 1024 bytes');
  });

  it('does not send 100 when the delegate answers from headersReceived', async () => {
    let finished = false;
    let closed = false;
    const server = await serve((connection) => ({
      headersReceived() {
        connection.writeHeaders({ version: 'HTTP/1.1', code: 413, reason: 'Content Too Large' }, new HTTPHeaders({ 'Content-Length': '0' }));
        connection.finish();
      },
      dataReceived() {},
      finish() {
        finished = true;
      },
      onConnectionClose() {
        closed = true;
      },
    }));
    const client = await RawClient.connect(server.port);
    await client.write(request(['PUT /upload HTTP/1.1', 'Host: x', 'Content-Length: 100000', 'Expect: 100-continue']));
    const response = await client.readResponse();
    expect(response.code).toBe(413);
    expect(await client.closesWithin(500)).toBe(true);
    expect(finished).toBe(false);
    expect(closed).toBe(true);
  });

  it('ignores the expectation of HTTP/1.0 requests and of bodyless ones', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection));
    const client = await RawClient.connect(server.port);
    await client.write(request(['GET / HTTP/1.1', 'Host: x', 'Expect: 100-continue']));
    expect((await client.readResponse()).code).toBe(200);
    await client.write(request(['POST / HTTP/1.0', 'Content-Length: 2', 'Expect: 100-continue'], 'ab'));
    expect((await client.readResponse()).code).toBe(200);
  });
});

describe('flow control and delegates', () => {
  it('reads no more body until the promise from dataReceived settles', async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    const server = await serve((connection) => ({
      headersReceived() {
        events.push('headers');
      },
      dataReceived(chunk) {
        events.push(`data ${chunk.length}`);
        if (events.length === 2) return new Promise<void>((resolve) => (release = resolve));
      },
      finish() {
        events.push('finish');
        respond(connection, 'done');
      },
      onConnectionClose() {},
    }), { chunkSize: 4 });
    const client = await RawClient.connect(server.port);
    await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 8'], '12345678'));
    await sleep(30);
    expect(events).toEqual(['headers', 'data 4']);
    release();
    expect((await client.readResponse()).body.toString()).toBe('done');
    expect(events).toEqual(['headers', 'data 4', 'data 4', 'finish']);
  });

  it('awaits headersReceived before reading the body, and honours setMaxBodySize there', async () => {
    const server = await serve((connection) => ({
      async headersReceived() {
        await sleep(10);
        connection.setMaxBodySize(10);
      },
      dataReceived() {},
      finish() {
        respond(connection);
      },
      onConnectionClose() {},
    }));
    const client = await RawClient.connect(server.port);
    await expectLog(genLog, /Content-Length too long/, async () => {
      await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 11'], 'x'.repeat(11)));
      expect((await client.readResponse()).code).toBe(413);
    });
  });

  it('applies a raised setMaxBodySize to one request only', async () => {
    const server = await serve((connection) => {
      let size = 0;
      return {
        headersReceived(startLine) {
          if ((startLine as { path: string }).path === '/big') connection.setMaxBodySize(10240);
        },
        dataReceived(chunk) {
          size += chunk.length;
        },
        finish() {
          respond(connection, String(size));
        },
        onConnectionClose() {},
      };
    }, { maxBodySize: 4096 });
    const client = await RawClient.connect(server.port);
    await client.write(request(['PUT /big HTTP/1.1', 'Host: x', 'Content-Length: 10240'], 'a'.repeat(10240)));
    expect((await client.readResponse()).body.toString()).toBe('10240');
    await expectLog(genLog, /Content-Length too long/, async () => {
      await client.write(request(['PUT /small HTTP/1.1', 'Host: x', 'Content-Length: 10240']));
      expect((await client.readResponse()).code).toBe(413);
    });
  });

  it('answers 500 and closes when a delegate throws, and logs it once', async () => {
    const server = await serve(() => ({
      headersReceived() {
        throw new Error('boom');
      },
      dataReceived() {},
      finish() {},
      onConnectionClose() {},
    }));
    const client = await RawClient.connect(server.port);
    await expectLog(appLog, /Uncaught exception in HTTP message delegate/, async () => {
      await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await client.readResponse()).code).toBe(500);
      await client.closed;
    });
  });

  it('calls the close callback when the client leaves while the application answers', async () => {
    let notified = false;
    const server = await serveBuffered(({ connection }) => {
      connection.setCloseCallback(() => {
        notified = true;
      });
    });
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(20);
    client.close();
    await sleep(30);
    expect(notified).toBe(true);
  });

  it('detaches the stream from headersReceived for another protocol', async () => {
    const server = await serve((connection) => ({
      async headersReceived() {
        const stream = connection.detach();
        await stream.write(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n'));
        const line = await stream.readUntil('\n');
        await stream.write(line);
        stream.close();
      },
      dataReceived() {},
      finish() {},
      onConnectionClose() {},
    }));
    const client = await RawClient.connect(server.port);
    await client.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    expect((await client.readResponse()).code).toBe(101);
    await client.write('ping\n');
    expect((await client.readUntilClose()).toString()).toBe('ping\n');
  });

  it('closes after an answer given before the request body was read', async () => {
    const server = await serve((connection: HTTP1Connection) => ({
      headersReceived() {
        respond(connection, 'early');
      },
      dataReceived() {},
      finish() {},
      onConnectionClose() {},
    }));
    const client = await RawClient.connect(server.port);
    await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 5']));
    const response = await client.readResponse();
    expect(response.body.toString()).toBe('early');
    // As in Tornado, the close is decided at finish(), after the head went out.
    expect(await client.closesWithin(500)).toBe(true);
  });
});

describe('graceful close', () => {
  it('closes an idle connection at once and lets an answer in progress finish first', async () => {
    let answer: () => void = () => {};
    const server = await serveBuffered(({ connection }) => {
      answer = () => void respond(connection, 'last');
    });
    const idle = await RawClient.connect(server.port);
    const busy = await RawClient.connect(server.port);
    await busy.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(20);
    const [idleConn, busyConn] = server.connections;
    await idleConn.close();
    expect(await idle.closesWithin(500)).toBe(true);
    const closing = busyConn.close();
    await sleep(10);
    expect(busy.ended).toBe(false);
    answer();
    const response = await busy.readResponse();
    expect(response.body.toString()).toBe('last');
    expect(header(response, 'connection')).toBe('close');
    await closing;
    expect(await busy.closesWithin(500)).toBe(true);
  });
});

describe('timeouts', () => {
  it('answers 408 and closes when the header block is too slow (slowloris)', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection), { headerTimeout: 100 });
    const client = await RawClient.connect(server.port);
    await expectLog(genLog, /Timeout reading headers/, async () => {
      const started = performance.now();
      await client.write('GET / HTTP/1.1\r\n');
      for (let i = 0; i < 20 && !client.ended; i++) {
        await sleep(20);
        await client.write('X: y\r\n').catch(() => {});
      }
      expect(client.ended).toBe(true);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(90);
      expect(elapsed).toBeLessThan(300);
    });
    expect((await client.readUntilClose()).toString('latin1')).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('closes an idle keep-alive connection silently after idleConnectionTimeout', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection), { idleConnectionTimeout: 100, headerTimeout: 1000 });
    const unused = await RawClient.connect(server.port);
    expect(await unused.closesWithin(400)).toBe(true);
    const used = await RawClient.connect(server.port);
    for (let i = 0; i < 2; i++) {
      await used.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await used.readResponse()).body.toString()).toBe('Hello world');
    }
    const started = performance.now();
    expect(await used.closesWithin(400)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
    expect(used.pending.length).toBe(0);
  });

  it('times out a slow body (per-request bodyTimeout) with 408', async () => {
    let closed = false;
    const server = await serve((connection) => ({
      headersReceived() {
        connection.setBodyTimeout(100);
      },
      dataReceived() {},
      finish() {
        respond(connection);
      },
      onConnectionClose() {
        closed = true;
      },
    }), { bodyTimeout: 3_600_000 });
    const client = await RawClient.connect(server.port);
    await expectLog(genLog, /Timeout reading body/, async () => {
      await client.write(request(['PUT / HTTP/1.0', 'Content-Length: 42'], 'partial'));
      const data = await client.readUntilClose();
      expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 408 /);
    });
    expect(closed).toBe(true);
  });

  it('keeps connections whose requests arrive in time', async () => {
    const server = await serveBuffered(({ connection }) => respond(connection), { headerTimeout: 60, bodyTimeout: 60 });
    const client = await RawClient.connect(server.port);
    for (let i = 0; i < 4; i++) {
      await sleep(30);
      await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1'], 'x'));
      expect((await client.readResponse()).code).toBe(200);
    }
  });
});
