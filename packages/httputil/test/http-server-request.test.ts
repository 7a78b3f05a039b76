import { inspect } from 'node:util';
import {
  HTTPHeaders,
  HTTPInputError,
  HTTPServerRequest,
  type HTTPConnection,
  type HTTPRequestContext,
} from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

function fakeConnection(context?: HTTPRequestContext): HTTPConnection {
  return {
    context,
    writeHeaders: async () => {},
    write: async () => {},
    finish: () => {},
    setCloseCallback: () => {},
    detach: () => {
      throw new Error('not attached');
    },
    setMaxBodySize: () => {},
    setBodyTimeout: () => {},
  };
}

const strings = (args: Record<string, Buffer[]>) =>
  Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v.map(String)]));

describe('HTTPServerRequest (Tornado HTTPServerRequestTest)', () => {
  it('needs only a uri (test_default_constructor)', () => {
    const request = new HTTPServerRequest({ uri: '/' });
    expect(request.method).toBe('GET');
    expect(request.version).toBe('HTTP/1.0');
    expect(request.host).toBe('127.0.0.1');
    expect(request.hostName).toBe('127.0.0.1');
    expect(request.protocol).toBe('http');
    expect(request.remoteIp).toBeNull();
    expect(request.connection).toBeNull();
    expect(request.context).toBeNull();
    expect(() => new HTTPServerRequest({})).toThrow(TypeError);
  });

  it('has a Buffer body (test_body_is_a_byte_string)', () => {
    const request = new HTTPServerRequest({ uri: '/' });
    expect(Buffer.isBuffer(request.body)).toBe(true);
    expect(request.body.length).toBe(0);
  });

  it('leaves headers out of its string and inspect forms (test_repr_does_not_contain_headers)', () => {
    const request = new HTTPServerRequest({
      uri: '/',
      headers: new HTTPHeaders({ Canary: ['Coal Mine'], Authorization: 'secret' }),
    });
    expect(String(request)).not.toContain('Canary');
    expect(inspect(request)).not.toContain('Canary');
    expect(inspect(request)).not.toContain('secret');
    expect(String(request)).toBe(
      'HTTPServerRequest(protocol="http", host="127.0.0.1", method="GET", uri="/", version="HTTP/1.0", remoteIp=null)',
    );
  });

  it('takes method, uri and version from a start line; splits path and query', () => {
    const request = new HTTPServerRequest({
      startLine: { method: 'POST', path: '/a/b?x=1&y=2&x=3&blank=&bare', version: 'HTTP/1.1' },
      headers: new HTTPHeaders({ Host: 'Example.com:8080' }),
    });
    expect(request.method).toBe('POST');
    expect(request.uri).toBe('/a/b?x=1&y=2&x=3&blank=&bare');
    expect(request.path).toBe('/a/b');
    expect(request.query).toBe('x=1&y=2&x=3&blank=&bare');
    expect(request.host).toBe('Example.com:8080');
    expect(request.hostName).toBe('example.com');
    expect(strings(request.queryArguments)).toEqual({ x: ['1', '3'], y: ['2'], blank: [''], bare: [''] });
    expect(strings(request.arguments)).toEqual(strings(request.queryArguments));
    expect(request.arguments.x).not.toBe(request.queryArguments.x);
    expect(request.fullUrl()).toBe('http://Example.com:8080/a/b?x=1&y=2&x=3&blank=&bare');
  });

  it('takes remoteIp and protocol from the connection context', () => {
    const request = new HTTPServerRequest({
      uri: '/p',
      connection: fakeConnection({ remoteIp: '10.0.0.1', protocol: 'https' }),
      headers: new HTTPHeaders({ Host: 'h' }),
      version: 'HTTP/1.1',
    });
    expect(request.remoteIp).toBe('10.0.0.1');
    expect(request.protocol).toBe('https');
    expect(request.context).toEqual({ remoteIp: '10.0.0.1', protocol: 'https' });
    expect(request.fullUrl()).toBe('https://h/p');
  });

  it('parses cookies once, dropping names SimpleCookie refuses', () => {
    const headers = new HTTPHeaders({ Cookie: 'a=1; Domain=x; bad name=2; =3; b="q\\"x"; path=/; c=[; sp\u00e9=4' });
    const request = new HTTPServerRequest({ uri: '/', headers });
    expect({ ...request.cookies }).toEqual({ a: '1', b: 'q"x', c: '[' });
    expect(request.cookies).toBe(request.cookies);
    expect(new HTTPServerRequest({ uri: '/' }).cookies).toEqual({});
  });

  it('joins several Cookie headers with a comma, as Tornado does', () => {
    const headers = new HTTPHeaders([
      ['Cookie', 'a=1'],
      ['Cookie', 'b=2'],
    ]);
    expect({ ...new HTTPServerRequest({ uri: '/', headers }).cookies }).toEqual({ a: '1,b=2' });
  });

  it('parses a form body into bodyArguments, files and arguments', () => {
    const body = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nbody\r\n' +
        '--b\r\nContent-Disposition: form-data; name="up"; filename="u.txt"\r\nContent-Type: text/plain\r\n\r\nfile\r\n--b--\r\n',
    );
    const request = new HTTPServerRequest({
      uri: '/?x=query',
      headers: new HTTPHeaders({ 'Content-Type': 'multipart/form-data; boundary=b' }),
      body,
    });
    request.parseBody();
    expect(strings(request.bodyArguments)).toEqual({ x: ['body'] });
    expect(strings(request.queryArguments)).toEqual({ x: ['query'] });
    expect(strings(request.arguments)).toEqual({ x: ['query', 'body'] });
    expect(request.files.up[0]).toMatchObject({ filename: 'u.txt', contentType: 'text/plain' });
    expect(request.files.up[0].body.toString()).toBe('file');
  });

  it('lets the body be filled in after construction, as the server does', () => {
    const request = new HTTPServerRequest({
      uri: '/',
      headers: new HTTPHeaders({ 'Content-Type': 'application/x-www-form-urlencoded' }),
    });
    request.body = Buffer.from('a=1&a=2');
    request.parseBody();
    expect(strings(request.arguments)).toEqual({ a: ['1', '2'] });
  });

  it('measures requestTime in milliseconds and freezes it at markFinished', async () => {
    const request = new HTTPServerRequest({ uri: '/' });
    expect(request.startTime).toBeGreaterThan(Date.now() - 10_000);
    expect(request.startTime).toBeLessThanOrEqual(Date.now() + 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(request.requestTime()).toBeGreaterThanOrEqual(15);
    request.markFinished();
    const t = request.requestTime();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(request.requestTime()).toBe(t);
    expect(request.finishTime).not.toBeNull();
  });
});

describe('HTTPServerRequest hostile input', () => {
  const build = (headers: [string, string][], version = 'HTTP/1.1', uri = '/') =>
    new HTTPServerRequest({ uri, version, headers: new HTTPHeaders(headers) });

  it('requires Host on HTTP/1.1 but not on HTTP/1.0 (Tornado 6.5.0)', () => {
    expect(() => build([])).toThrow(/Missing Host/);
    expect(build([], 'HTTP/1.0').host).toBe('127.0.0.1');
    expect(build([['Host', 'a']], 'HTTP/1.0').host).toBe('a');
  });

  it('rejects duplicate Host headers, even identical ones', () => {
    expect(() => build([['Host', 'a'], ['Host', 'a']])).toThrow(/Multiple Host/);
    expect(() => build([['Host', 'a'], ['host', 'b']], 'HTTP/1.0')).toThrow(HTTPInputError);
  });

  it.each(['a,b', 'a, b', 'exa mple.com', 'ex\tample', 'user@host', 'host/x', 'host:8x', '[::1', '[zz]', 'é.com'])(
    'rejects the Host %j with a 400 (test_invalid_host_header_with_whitespace)',
    (host) => {
      try {
        build([['Host', host]]);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(HTTPInputError);
        expect((error as HTTPInputError).status).toBe(400);
      }
    },
  );

  it('accepts an empty Host (allowed when the target has no authority)', () => {
    const request = build([['Host', '']]);
    expect(request.host).toBe('');
    expect(request.hostName).toBe('');
  });

  it('rejects more than 1000 query arguments with a 400 (Tornado 6.5.9)', () => {
    const uri = (n: number) => `/?${Array.from({ length: n }, (_, i) => `a${i}=1`).join('&')}`;
    expect(Object.keys(build([['Host', 'h']], 'HTTP/1.1', uri(1000)).arguments)).toHaveLength(1000);
    expect(() => build([['Host', 'h']], 'HTTP/1.1', uri(1001))).toThrow(HTTPInputError);
    const lenient = new HTTPServerRequest({ uri: uri(1001), maxArguments: 2000 });
    expect(Object.keys(lenient.arguments)).toHaveLength(1001);
  });

  it('keeps __proto__ query arguments as plain keys', () => {
    const request = new HTTPServerRequest({ uri: '/?__proto__=x&constructor=y' });
    expect(Object.getPrototypeOf(request.arguments)).toBeNull();
    expect(strings(request.arguments)).toEqual({ ['__proto__']: ['x'], constructor: ['y'] });
  });
});
