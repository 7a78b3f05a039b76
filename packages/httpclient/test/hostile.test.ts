// Hostile servers and unsafe requests (../shared/SECURITY-HISTORY.md rows for the client):
// GHSA-w235-7p84-xx57 (CR/LF/NUL in outgoing headers), CVE-2026-49853 (credentials on
// cross-origin redirects), CVE-2026-49855 (gzip bomb against maxBodySize), 6.5.9 (unframed body
// over the limit, endless 100 Continue), and endless redirects, oversized heads, slow servers.
import { createServer } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, createGzip, deflateSync } from 'node:zlib';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { HTTPHeaders, HTTPOutputError } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTPClientError, HTTPRequest, HTTPStreamClosedError, HTTPTimeoutError } from '../src/index';
import { certificate, closeAll, newClient, ok, privateKey, rawServer, sleep, track } from './helpers';

afterEach(closeAll);

/** gzip of `size` zero bytes, made without holding them all. */
async function gzipOfZeros(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const block = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < size; written += block.length) {
    if (!gzip.write(block)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

describe('decompression bombs (CVE-2026-49855)', () => {
  it('fails once the inflated body passes maxBodySize, long before inflating it all', async () => {
    const bomb = await gzipOfZeros(256 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const server = await rawServer(() =>
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n\r\n`), bomb]),
    );
    const client = newClient({ maxBodySize: 1024 * 1024 });
    const started = performance.now();
    await expectLog(genLog, /Decompressed body too large/, async () => {
      const error = await client.fetch(server.url()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HTTPStreamClosedError);
      expect((error as Error).message).toMatch(/Decompressed body too large \(over 1048576 bytes\)/);
    });
    // Inflating all 256 MiB takes far longer than stopping at 1 MiB.
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it.each([
    ['deflate', () => deflateSync(Buffer.alloc(8 * 1024 * 1024))],
    ['br', () => brotliCompressSync(Buffer.alloc(8 * 1024 * 1024))],
  ])('applies the limit to %s as well', async (encoding, compress) => {
    const body = compress();
    const server = await rawServer(() =>
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n\r\n`), body]),
    );
    const client = newClient({ maxBodySize: 1024 * 1024 });
    await expectLog(genLog, /Decompressed body too large/, async () => {
      await expect(client.fetch(server.url())).rejects.toThrow(/Decompressed body too large/);
    });
    // Within the limit the same encoding is fine.
    const small = newClient({ maxBodySize: 16 * 1024 * 1024 });
    expect((await small.fetch(server.url())).body.length).toBe(8 * 1024 * 1024);
  });
});

describe('bodies over maxBodySize (Tornado 6.5.9)', () => {
  it('fails an unframed HTTP/1.0 body over the limit instead of truncating it', async () => {
    const server = await rawServer(() => `HTTP/1.0 200 OK\r\n\r\n${'x'.repeat(200_000)}`, { closeAfter: true });
    const client = newClient({ maxBodySize: 64 * 1024 });
    await expectLog(genLog, /Unframed body too large/, async () => {
      await expect(client.fetch(server.url())).rejects.toThrow(/Unframed body too large/);
    });
  });

  it('reads an unframed body within the limit until the server closes (test_no_content_length)', async () => {
    const server = await rawServer(() => 'HTTP/1.0 200 OK\r\n\r\nhello', { closeAfter: true });
    expect((await newClient().fetch(server.url())).text()).toBe('hello');
  });

  it('refuses a Content-Length over the limit before reading it, and a chunked body as it passes (MaxBodySizeTest)', async () => {
    const server = await rawServer((request) =>
      request.includes('/chunked')
        ? `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'4000\r\n' + 'a'.repeat(0x4000) + '\r\n'}`.repeat(1) + `${'4000\r\n' + 'a'.repeat(0x4000) + '\r\n'}`.repeat(8) + '0\r\n\r\n'
        : request.includes('/small')
          ? ok('a'.repeat(64 * 1024))
          : ok('a'.repeat(100 * 1024)),
    );
    const client = newClient({ maxBodySize: 64 * 1024 });
    expect((await client.fetch(server.url('/small'))).body.length).toBe(64 * 1024);
    await expectLog(genLog, /Content-Length too long/, async () => {
      await expect(client.fetch(server.url('/large'))).rejects.toBeInstanceOf(HTTPStreamClosedError);
    });
    await expectLog(genLog, /Chunked body too large/, async () => {
      await expect(client.fetch(server.url('/chunked'))).rejects.toBeInstanceOf(HTTPStreamClosedError);
    });
  });

  it('reads a body larger than maxBufferSize within maxBodySize (MaxBufferSizeTest)', async () => {
    const server = await rawServer(() => ok('a'.repeat(100 * 1024)));
    const client = newClient({ maxBodySize: 100 * 1024, maxBufferSize: 64 * 1024 });
    expect((await client.fetch(server.url())).body.length).toBe(100 * 1024);
  });
});

describe('endless responses', () => {
  it('fails on 11 informational responses, accepts 10 (Tornado 6.5.9)', async () => {
    const server = await rawServer((request) => {
      const count = request.includes('/eleven') ? 11 : 10;
      return `${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(count)}${ok('done')}`;
    });
    const client = newClient();
    expect((await client.fetch(server.url('/ten'))).text()).toBe('done');
    await expectLog(genLog, /More than 10 informational responses/, async () => {
      await expect(client.fetch(server.url('/eleven'))).rejects.toThrow(/More than 10 informational responses/);
    });
  });

  it('ends a redirect loop after maxRedirects with a clear error', async () => {
    const server = await rawServer(() => 'HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n');
    const client = newClient();
    const error = await client.fetch(server.url('/loop')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPClientError);
    expect((error as HTTPClientError).status).toBe(302);
    expect((error as Error).message).toBe('HTTP 302: Found (stopped after 5 redirects (maxRedirects))');
    expect(server.received).toHaveLength(6);
  });

  it('refuses a redirect to a scheme it cannot fetch', async () => {
    const server = await rawServer(() => 'HTTP/1.1 302 Found\r\nLocation: ftp://example.com/\r\nContent-Length: 0\r\n\r\n');
    await expect(newClient().fetch(server.url())).rejects.toThrow(/Cannot follow redirect to "ftp:\/\/example.com\/"/);
  });

  it('fails a response head over maxHeaderSize (MaxHeaderSizeTest)', async () => {
    const server = await rawServer((request) => ok('ok', `X-Filler: ${'a'.repeat(request.includes('/large') ? 1000 : 100)}\r\n`));
    const client = newClient({ maxHeaderSize: 1024 });
    expect((await client.fetch(server.url('/small'))).text()).toBe('ok');
    await expectLog(genLog, /Header block too large/, async () => {
      await expect(client.fetch(server.url('/large'))).rejects.toBeInstanceOf(HTTPStreamClosedError);
    });
  });

  it('times out a server that answers too slowly (test_request_timeout)', async () => {
    const server = await rawServer(async () => {
      await sleep(1000);
      return ok();
    });
    const started = performance.now();
    const error = await newClient().fetch(server.url(), { requestTimeout: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPTimeoutError);
    expect((error as HTTPTimeoutError).status).toBe(599);
    expect((error as Error).message).toBe('Timeout during request');
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('times out a body that trickles in', async () => {
    const server = await rawServer((_request, _index, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
      const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write('x')), 20);
      return null;
    });
    await expect(newClient().fetch(server.url(), { requestTimeout: 150 })).rejects.toThrow('Timeout during request');
  });
});

describe('outgoing header injection (GHSA-w235-7p84-xx57)', () => {
  it.each([
    ['CR in a value', { 'X-Test': 'a\rb' }],
    ['LF in a value', { 'X-Test': 'a\nInjected: yes' }],
    ['CRLF in a value', { 'X-Test': 'a\r\nInjected: yes' }],
    ['NUL in a value', { 'X-Test': 'a\0b' }],
    ['CR in a name', { 'X-\rTest': 'a' }],
    ['LF in a name', { 'X-\nTest': 'a' }],
    ['NUL in a name', { 'X-\0Test': 'a' }],
    ['a space in a name', { 'X Test': 'a' }],
  ])('refuses %s and sends nothing', async (_case, headers) => {
    const server = await rawServer(() => ok());
    const client = newClient();
    await expect(client.fetch(server.url(), { headers })).rejects.toBeInstanceOf(HTTPOutputError);
    await expect(client.fetch(server.url(), { headers: Object.entries(headers) })).rejects.toBeInstanceOf(HTTPOutputError);
    expect(() => new HTTPRequest(server.url(), { headers })).toThrow(HTTPOutputError);
    await sleep(20);
    expect(server.received).toHaveLength(0);
  });

  it('refuses CR/LF in userAgent and in HTTPHeaders values', async () => {
    const server = await rawServer(() => ok());
    const client = newClient();
    await expect(client.fetch(server.url(), { userAgent: 'x\r\nInjected: yes' })).rejects.toThrow();
    expect(() => new HTTPHeaders().add('X', 'a\r\nb')).toThrow();
    await sleep(20);
    expect(server.received).toHaveLength(0);
  });

  it('refuses CR/LF in the request target', async () => {
    const server = await rawServer(() => ok());
    await expect(newClient().fetch(server.url('/a b'), {})).resolves.toBeDefined(); // the URL parser escapes the space
    await expect(newClient().fetch(server.url(), { method: 'GET\r\nX: y', allowNonstandardMethods: true })).rejects.toBeInstanceOf(HTTPOutputError);
    expect(server.received.map((r) => r.text.split('\r\n')[0])).toEqual(['GET /a%20b HTTP/1.1']);
  });
});

describe('credentials on redirects (CVE-2026-49853)', () => {
  async function echoServer() {
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/go?to=')) {
        res.writeHead(302, { Location: decodeURIComponent(req.url.slice(7)), 'Content-Length': '0' });
        res.end();
        return;
      }
      const body = JSON.stringify({ authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null, proxy: req.headers['proxy-authorization'] ?? null });
      res.writeHead(200, { 'Content-Length': String(body.length) });
      res.end(body);
    });
    track({ close: () => void (server.closeAllConnections(), server.close()) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  const secrets = { headers: { Cookie: 'session=secret' }, authUsername: 'user', authPassword: 'pw' };

  it('keeps Authorization and Cookie on a same-origin redirect', async () => {
    const port = await echoServer();
    const response = await newClient().fetch(`http://127.0.0.1:${port}/go?to=${encodeURIComponent('/echo')}`, secrets);
    expect(response.json()).toEqual({ authorization: `Basic ${Buffer.from('user:pw').toString('base64')}`, cookie: 'session=secret', proxy: null });
  });

  it.each([
    ['another port', (other: number) => `http://127.0.0.1:${other}/echo`],
    ['another host', (_other: number, port: number) => `http://localhost:${port}/echo`],
  ])('drops Authorization and Cookie on a redirect to %s', async (_case, target) => {
    const port = await echoServer();
    const other = await echoServer();
    const client = newClient();
    const response = await client.fetch(`http://127.0.0.1:${port}/go?to=${encodeURIComponent(target(other, port))}`, secrets);
    expect(response.json()).toEqual({ authorization: null, cookie: null, proxy: null });
    // Coming back to the first origin does not bring them back either.
    const back = await client.fetch(`http://127.0.0.1:${port}/go?to=${encodeURIComponent(`http://localhost:${other}/go?to=${encodeURIComponent(`http://127.0.0.1:${port}/echo`)}`)}`, secrets);
    expect(back.json()).toEqual({ authorization: null, cookie: null, proxy: null });
  });

  it('drops them on a redirect to https', async () => {
    const port = await echoServer();
    const secure = https.createServer({ key: privateKey, cert: certificate }, (req, res) => {
      const body = JSON.stringify({ authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null });
      res.writeHead(200, { 'Content-Length': String(body.length) });
      res.end(body);
    });
    track({ close: () => void (secure.closeAllConnections(), secure.close()) });
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const target = `https://127.0.0.1:${(secure.address() as AddressInfo).port}/echo`;
    const response = await newClient().fetch(`http://127.0.0.1:${port}/go?to=${encodeURIComponent(target)}`, { ...secrets, ca: certificate });
    expect(response.effectiveUrl).toBe(target);
    expect(response.json()).toEqual({ authorization: null, cookie: null });
  });
});
