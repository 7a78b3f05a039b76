// The plain-callback form (Tornado's _CallableAdapter and LegacyInterfaceTest, HTTPConnectionTest,
// HTTPServerTest's argument tests), end to end over raw sockets and with fetch.
import { appLog, genLog } from '@tornado-ts/ioloop';
import { HTTPHeaders, type HTTPConnection, type HTTPServerRequest } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { CallableAdapter } from '../src/callable-adapter';
import { closeAll, connect, hello, jsonCallback, rawFetch, readResponse, recordLog, respond, serve } from './helpers';

afterEach(closeAll);

function decode(args: Record<string, Buffer[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(args)) out[name] = args[name].map((value) => value.toString('utf8'));
  return out;
}

const echoArguments = jsonCallback((request) => decode(request.arguments));

describe('the callback form', () => {
  it('answers a raw HTTP/1.0 request through request.connection', async () => {
    const server = await serve(hello);
    const response = await rawFetch(server.port, 'GET /hello HTTP/1.0\r\n\r\n');
    expect(response.code).toBe(200);
    expect(response.body.toString()).toBe('Hello world');
  });

  it('accepts bare LF line ends as well as CRLF (Tornado test_newlines)', async () => {
    const server = await serve(hello);
    for (const newline of ['\r\n', '\n']) {
      const response = await rawFetch(server.port, `GET /hello HTTP/1.0${newline}Content-Length: 0${newline}${newline}`);
      expect(response.body.toString()).toBe('Hello world');
    }
  });

  it('is called once, with the whole body, through fetch', async () => {
    const calls: { method: string; body: string; path: string; query: string }[] = [];
    const server = await serve((request) => {
      calls.push({ method: request.method, body: request.body.toString(), path: request.path, query: request.query });
      return respond(request, `Got ${request.body.length} bytes in ${request.method}`);
    });
    const body = 'x'.repeat(200_000);
    const response = await fetch(`http://127.0.0.1:${server.port}/upload?a=1`, { method: 'POST', body });
    expect(await response.text()).toBe('Got 200000 bytes in POST');
    expect(calls).toEqual([{ method: 'POST', body, path: '/upload', query: 'a=1' }]);
  });

  it('parses query and form arguments (Tornado test_query_string_encoding, test_empty_*)', async () => {
    const server = await serve(echoArguments);
    const base = `http://127.0.0.1:${server.port}`;
    expect(await (await fetch(`${base}/echo?foo=%C3%A9`)).json()).toEqual({ foo: ['\u00e9'] });
    expect(await (await fetch(`${base}/echo?foo=&foo=`)).json()).toEqual({ foo: ['', ''] });
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect(await (await fetch(`${base}/echo`, { method: 'POST', headers: form, body: 'foo=&bar=' })).json()).toEqual({ foo: [''], bar: [''] });
    expect(await (await fetch(`${base}/echo?a=1`, { method: 'POST', headers: form, body: 'a=2&b=3' })).json()).toEqual({ a: ['1', '2'], b: ['3'] });
  });

  it('keeps argument values as bytes, so any charset survives (Tornado test_post_encodings)', async () => {
    const server = await serve(jsonCallback((request) => request.arguments.data.map((value) => value.toString('hex'))));
    const gbk = Buffer.from('d5c5c8fd', 'hex'); // "张三" in GBK
    const quoted = [...gbk].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    for (const body of [Buffer.concat([Buffer.from('data='), gbk]), Buffer.from(`data=${quoted}`)]) {
      const response = await rawFetch(
        server.port,
        Buffer.concat([Buffer.from(`POST / HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`), body]),
      );
      expect(JSON.parse(response.body.toString())).toEqual(['d5c5c8fd']);
    }
  });

  it('gives the request fields their documented types (Tornado test_types)', async () => {
    const server = await serve(
      jsonCallback((request) => ({
        strings: [request.method, request.uri, request.version, request.remoteIp, request.protocol, request.host, request.path, request.query].map(
          (value) => typeof value,
        ),
        header: [...request.headers].map(([name, value]) => [typeof name, typeof value])[0],
        cookie: typeof request.cookies.foo,
        argument: Buffer.isBuffer(request.arguments.foo[0]),
        body: Buffer.isBuffer(request.body),
      })),
    );
    const response = await fetch(`http://127.0.0.1:${server.port}/typecheck?foo=bar`, { method: 'POST', headers: { Cookie: 'foo=bar' }, body: 'foo=bar' });
    expect(await response.json()).toEqual({
      strings: Array(8).fill('string'),
      header: ['string', 'string'],
      cookie: 'string',
      argument: true,
      body: true,
    });
  });

  it('keeps a path that starts with // as a path (Tornado test_double_slash)', async () => {
    const server = await serve(jsonCallback((request) => ({ path: request.path, host: request.host })));
    const response = await rawFetch(server.port, 'GET //doubleslash HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(response.body.toString())).toEqual({ path: '//doubleslash', host: 'example.com' });
  });

  it('reads a multipart body with latin1 headers and UTF-8 parts (Tornado test_multipart_form)', async () => {
    const server = await serve(
      jsonCallback((request) => ({
        header: request.headers.get('X-Header-Encoding-Test'),
        argument: request.arguments.argument?.[0].toString('utf8'),
        filename: request.files.files?.[0].filename,
        filebody: request.files.files?.[0].body.toString('utf8'),
      })),
    );
    const body = Buffer.concat([
      Buffer.from('--1234567890\r\nContent-Disposition: form-data; name=argument\r\n\r\n'),
      Buffer.from('\u00e1\r\n--1234567890\r\n', 'utf8'),
      Buffer.from('Content-Disposition: form-data; name="files"; filename="\u00f3"\r\n\r\n', 'utf8'),
      Buffer.from('\u00fa\r\n--1234567890--\r\n', 'utf8'),
    ]);
    const head = Buffer.from(
      'POST /multipart HTTP/1.0\r\n' +
        'Content-Type: multipart/form-data; boundary=1234567890\r\n' +
        'X-Header-encoding-test: \u00e9\r\n' +
        `Content-Length: ${body.length}\r\n\r\n`,
      'latin1',
    );
    const response = await rawFetch(server.port, Buffer.concat([head, body]));
    expect(JSON.parse(response.body.toString())).toEqual({ header: '\u00e9', argument: '\u00e1', filename: '\u00f3', filebody: '\u00fa' });
  });

  it('answers a malformed form body 400, logged once', async () => {
    const server = await serve(echoArguments);
    const body = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nno final boundary';
    let response: Awaited<ReturnType<typeof rawFetch>> | undefined;
    const logged = await recordLog(genLog, async () => {
      response = await rawFetch(
        server.port,
        `POST / HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
    expect(response?.code).toBe(400);
    expect(logged.filter((line) => /multipart/i.test(line))).toHaveLength(1);
    // The server goes on serving.
    expect((await rawFetch(server.port, 'GET /?x=1 HTTP/1.0\r\n\r\n')).code).toBe(200);
  });

  it.each([
    ['throws', () => {
      throw new Error('boom');
    }],
    ['rejects', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('boom');
    }],
  ])('answers 500 when the callback %s before writing, logged once on appLog', async (_how, callback) => {
    const server = await serve(callback);
    let response: Awaited<ReturnType<typeof rawFetch>> | undefined;
    const logged = await recordLog(appLog, async () => {
      response = await rawFetch(server.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    });
    expect(response?.code).toBe(500);
    expect(logged.filter((line) => line.includes('boom'))).toHaveLength(1);
  });

  it('closes the connection when the callback fails after the response started', async () => {
    const server = await serve(async (request) => {
      const connection = request.connection as HTTPConnection;
      await connection.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, new HTTPHeaders(), Buffer.from('partial'));
      throw new Error('late boom');
    });
    const stream = await connect(server.port);
    const logged = await recordLog(appLog, async () => {
      await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      const everything = (await stream.readUntilClose()).toString('latin1');
      expect(everything).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(everything).not.toContain('0\r\n\r\n');
      expect(everything).not.toContain(' 500 ');
    });
    expect(logged.filter((line) => line.includes('late boom'))).toHaveLength(1);
  });

  it('serves pipelined requests in order, one callback at a time', async () => {
    let active = 0;
    let maxActive = 0;
    const server = await serve(async (request) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active--;
      await respond(request, request.path);
    });
    const stream = await connect(server.port);
    await stream.write('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n');
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) bodies.push((await readResponse(stream)).body.toString());
    expect(bodies).toEqual(['/1', '/2', '/3']);
    expect(maxActive).toBe(1);
  });
});

describe('CallableAdapter', () => {
  const startLine = { method: 'POST', path: '/', version: 'HTTP/1.1' };
  const connection = { context: { remoteIp: '10.1.2.3', protocol: 'http' } } as unknown as HTTPConnection;

  function adapter(): { delegate: CallableAdapter; requests: HTTPServerRequest[] } {
    const requests: HTTPServerRequest[] = [];
    const serverConnection = {};
    const delegate = new CallableAdapter((request) => void requests.push(request), serverConnection, connection);
    return { delegate, requests };
  }

  it('uses a body that arrived in one piece as is, without a copy', () => {
    const { delegate, requests } = adapter();
    const body = Buffer.from('a=1&b=2');
    delegate.headersReceived(startLine, new HTTPHeaders({ Host: 'x', 'Content-Type': 'application/x-www-form-urlencoded' }));
    delegate.dataReceived(body);
    delegate.finish();
    expect(requests).toHaveLength(1);
    expect(requests[0].body).toBe(body);
    expect(requests[0].remoteIp).toBe('10.1.2.3');
    expect(requests[0].connection).toBe(connection);
    expect(Object.keys(requests[0].bodyArguments)).toEqual(['a', 'b']);
  });

  it('joins several pieces once, and gives an empty body when none came', () => {
    const first = adapter();
    first.delegate.headersReceived(startLine, new HTTPHeaders({ Host: 'x' }));
    for (const piece of ['ab', 'cd', 'ef']) first.delegate.dataReceived(Buffer.from(piece));
    first.delegate.finish();
    expect(first.requests[0].body.toString()).toBe('abcdef');

    const empty = adapter();
    empty.delegate.headersReceived({ method: 'GET', path: '/', version: 'HTTP/1.1' }, new HTTPHeaders({ Host: 'x' }));
    empty.delegate.finish();
    expect(empty.requests[0].body.length).toBe(0);
  });

  it('does not call the callback when the connection closes mid-body', () => {
    const { delegate, requests } = adapter();
    delegate.headersReceived(startLine, new HTTPHeaders({ Host: 'x' }));
    delegate.dataReceived(Buffer.from('part'));
    delegate.onConnectionClose();
    expect(requests).toHaveLength(0);
  });
});
