// Tornado's simple_httpclient_test cases that need a scripted peer, triggers or a custom resolver.
//
// Not applicable here (and why):
// - test_singleton, test_max_clients' instance cache: Node has one event loop and no per-loop
//   singletons; `new AsyncHTTPClient()` always builds a new client (configure is tested in configure.test.ts).
// - test_ssl_options / test_ssl_context*: Python ssl objects; the `tls` option (Node TLS options) is tested in tls.test.ts.
// - test_error_after_cancel: promises cannot be cancelled; aborting with a signal is tested in abort.test.ts.
// - test_ipv6 runs only where ::1 can be bound.
// - SyncHTTPClientTest and test_destructor_log: there is no blocking client in Node.
// - test_multi_line_headers: obs-fold is refused by our codec on purpose (Tornado 6.6), so the case is inverted.
import net from 'node:net';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { type ResolvedAddress, type Resolver } from '@tornado-ts/tcpclient';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTPClientError, HTTPStreamClosedError, HTTPTimeoutError } from '../src/index';
import { closeAll, newClient, ok, rawServer, sleep } from './helpers';

afterEach(closeAll);

/** A server whose /trigger requests wait until the test releases them. */
async function triggerServer() {
  const waiting: (() => void)[] = [];
  const server = await rawServer(async (request) => {
    if (request.startsWith('GET /trigger')) await new Promise<void>((resolve) => waiting.push(resolve));
    return ok(request.includes('/countdown/0') || !request.includes('/countdown') ? 'done' : 'x', '');
  });
  return { server, waiting };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  if (!condition()) throw new Error(`not reached: ${what}`);
}

describe('SimpleAsyncHTTPClient', () => {
  it('runs at most maxClients fetches, queueing the rest (test_connection_limit)', async () => {
    const { server, waiting } = await triggerServer();
    const client = newClient({ maxClients: 2 });
    expect(client.maxClients).toBe(2);
    const seen: number[] = [];
    const fetches = [0, 1, 2, 3].map((i) => client.fetch(server.url('/trigger')).then(() => seen.push(i)));
    await until(() => waiting.length === 2, 'two requests at the server');
    expect(client.queued).toBe(2);
    expect(client.active).toBe(2);
    waiting.shift()?.();
    waiting.shift()?.();
    await until(() => waiting.length === 2 && seen.length === 2, 'the next two let through');
    expect(new Set(seen)).toEqual(new Set([0, 1]));
    expect(client.queued).toBe(0);
    waiting.shift()?.();
    waiting.shift()?.();
    await Promise.all(fetches);
    expect(new Set(seen)).toEqual(new Set([0, 1, 2, 3]));
    // Two connections served all four.
    expect(server.connections()).toBe(2);
  });

  it('follows redirects within one maxClients slot (test_redirect_connection_limit)', async () => {
    const server = await rawServer((request) => {
      const n = Number(/\/countdown\/(\d+)/.exec(request)?.[1] ?? 0);
      return n > 0 ? `HTTP/1.1 302 Found\r\nLocation: /countdown/${n - 1}\r\nContent-Length: 0\r\n\r\n` : ok('Zero');
    });
    const client = newClient({ maxClients: 1 });
    const response = await client.fetch(server.url('/countdown/3'), { maxRedirects: 3 });
    expect(response.text()).toBe('Zero');
    expect(server.connections()).toBe(1);
  });

  it('times out while connecting when the resolver hangs (test_connect_timeout, test_resolve_timeout)', async () => {
    const hanging: Resolver = { resolve: () => new Promise<ResolvedAddress[]>(() => {}) };
    const client = newClient({ resolver: hanging });
    const error = await client.fetch('http://example.invalid/hello', { connectTimeout: 100, requestTimeout: 3_600_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPTimeoutError);
    expect((error as Error).message).toBe('Timeout while connecting');
  });

  it('counts time in the queue toward the timeouts (test_queue_timeout)', async () => {
    const { server, waiting } = await triggerServer();
    const client = newClient({ maxClients: 1 });
    const first = client.fetch(server.url('/trigger'), { requestTimeout: 10_000 });
    await until(() => waiting.length === 1, 'the first request at the server');
    const error = await client.fetch(server.url('/hello'), { connectTimeout: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPTimeoutError);
    expect((error as Error).message).toBe('Timeout in request queue');
    expect(client.queued).toBe(0);
    // requestTimeout alone also covers the queue.
    const second = await client.fetch(server.url('/hello'), { requestTimeout: 100, connectTimeout: 0 }).catch((e: unknown) => e);
    expect((second as Error).message).toBe('Timeout in request queue');
    waiting.shift()?.();
    expect((await first).text()).toBe('done');
  });

  it('accepts repeated equal Content-Lengths and refuses different ones (test_multiple_content_length_accepted)', async () => {
    const server = await rawServer((request) => {
      const value = decodeURIComponent(/value=([^ ]*)/.exec(request)?.[1] ?? '2');
      return `HTTP/1.0 200 OK\r\nContent-Length: ${value}\r\n\r\nok`;
    }, { closeAfter: true });
    const client = newClient();
    expect((await client.fetch(server.url('/?value=2,2'))).text()).toBe('ok');
    expect((await client.fetch(server.url('/?value=2,%202,2'))).text()).toBe('ok');
    await expectLog(genLog, /Malformed HTTP message/, async () => {
      await expect(client.fetch(server.url('/?value=2,4'))).rejects.toBeInstanceOf(HTTPStreamClosedError);
      await expect(client.fetch(server.url('/?value=2,%202,3'))).rejects.toBeInstanceOf(HTTPStreamClosedError);
    });
  });

  it('reports a refused connection as a 599 with the socket error as cause (test_connection_refused)', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await newClient().fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPClientError);
    expect((error as HTTPClientError).status).toBe(599);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error & { cause: unknown }).cause).toBeDefined();
  });

  it('reads the final response after 100 Continue from a server that closes (HTTP100ContinueTestCase)', async () => {
    const server = await rawServer((_request, _index, socket) => {
      socket.write('HTTP/1.1 100 CONTINUE\r\n\r\n');
      return 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA';
    }, { closeAfter: true });
    expect((await newClient().fetch(server.url())).text()).toBe('A');
  });

  it('does not send the body when the server answers before 100 Continue (test_100_continue_early_response)', async () => {
    const server = await rawServer(() => null, {
      onExpect: (_head, socket) => socket.write('HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden'),
    });
    let produced = false;
    const response = await newClient().fetch(server.url('/respond_in_prepare'), {
      method: 'POST',
      expect100Continue: true,
      raiseError: false,
      bodyProducer: () => {
        produced = true;
      },
    });
    expect(response.code).toBe(403);
    expect(produced).toBe(false);
    await sleep(20);
    expect(server.received).toHaveLength(0);
  });

  it('sends the body after 100 Continue from a scripted server', async () => {
    const server = await rawServer((request) => ok(request.slice(request.indexOf('\r\n\r\n') + 4)), {
      onExpect: (_head, socket) => socket.write('HTTP/1.1 100 Continue\r\n\r\n'),
    });
    const response = await newClient().fetch(server.url(), { method: 'POST', body: 'payload', expect100Continue: true });
    expect(response.text()).toBe('payload');
  });

  it('reads 204 without a body, refuses 204 with one (HTTP204NoContentTestCase)', async () => {
    const server = await rawServer((request) => `HTTP/1.1 204 No content\r\nContent-Length: ${request.includes('error') ? 5 : 0}\r\n\r\n`, { closeAfter: true });
    const client = newClient();
    const response = await client.fetch(server.url('/'));
    expect(response.code).toBe(204);
    expect(response.body.length).toBe(0);
    await expectLog(genLog, /Response with code 204 should not have a body/, async () => {
      await expect(client.fetch(server.url('/?error=1'))).rejects.toBeInstanceOf(HTTPStreamClosedError);
    });
  });

  it('keeps Content-Length of a 304 and reads no body (test_304_with_content_length)', async () => {
    const server = await rawServer(() => 'HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n');
    const response = await newClient().fetch(server.url(), { raiseError: false });
    expect(response.code).toBe(304);
    expect(response.headers.get('Content-Length')).toBe('42');
    expect(response.body.length).toBe(0);
  });

  it('refuses Transfer-Encoding with Content-Length (ChunkedWithContentLengthTest)', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 11\r\n\r\nb\r\nHello world\r\n0\r\n\r\n');
    await expectLog(genLog, /both Transfer-Encoding and Content-Length/, async () => {
      await expect(newClient().fetch(server.url())).rejects.toBeInstanceOf(HTTPStreamClosedError);
    });
  });

  it('reads a chunked body whose end and close arrive at once (test_chunked_close)', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n1\r\n1\r\n2\r\n0\r\n\r\n', { closeAfter: true });
    expect((await newClient().fetch(server.url())).text()).toBe('12');
  });

  it('refuses a folded (obs-fold) header line (test_multi_line_headers, inverted on purpose)', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\nX-XSS-Protection: 1;\r\n\tmode=block\r\nContent-Length: 0\r\n\r\n', { closeAfter: true });
    await expectLog(genLog, /obs-fold/, async () => {
      await expect(newClient().fetch(server.url())).rejects.toBeInstanceOf(HTTPStreamClosedError);
    });
  });

  it('maps host names, and host and port, to other addresses (HostnameMappingTestCase)', async () => {
    const server = await rawServer(() => ok('Hello world!'));
    const client = newClient({ hostnameMapping: { 'www.example.com': '127.0.0.1', 'foo.example.com:8000': ['127.0.0.1', server.port] } });
    expect((await client.fetch(`http://www.example.com:${server.port}/hello`)).text()).toBe('Hello world!');
    expect((await client.fetch('http://foo.example.com:8000/hello')).text()).toBe('Hello world!');
    expect(server.received[0].text).toMatch(new RegExp(`\\r\\nHost: www\\.example\\.com:${server.port}\\r\\n`));
  });

  it('connects over IPv6 unless allowIpv6 is false (test_ipv6)', async (context) => {
    const server = net.createServer((socket) => socket.end(ok('v6')));
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(0, '::1', () => resolve(true));
    });
    if (!listening) context.skip();
    try {
      const port = (server.address() as net.AddressInfo).port;
      const client = newClient();
      expect((await client.fetch(`http://[::1]:${port}/`)).text()).toBe('v6');
      await expect(client.fetch(`http://[::1]:${port}/`, { allowIpv6: false })).rejects.toBeInstanceOf(HTTPClientError);
    } finally {
      server.close();
    }
  });

  it('fails a fetch with a bad gzip body without hanging (test_invalid_gzip)', async () => {
    const server = await rawServer(() => Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 12\r\n\r\n'), Buffer.from('not gzip at all'.slice(0, 12))]));
    await expectLog(genLog, /Malformed HTTP message/, async () => {
      await expect(newClient().fetch(server.url())).rejects.toThrow(/Invalid compressed body/);
    });
  });

  it('sends Host, User-Agent and Accept-Encoding, and keeps the connection alive', async () => {
    const server = await rawServer(() => ok());
    await newClient().fetch(server.url('/path?q=1'));
    const lines = server.received[0].text.split('\r\n');
    expect(lines[0]).toBe('GET /path?q=1 HTTP/1.1');
    expect(lines).toContain(`Host: 127.0.0.1:${server.port}`);
    expect(lines).toContain('Accept-Encoding: gzip, deflate, br');
    expect(lines.some((line) => line.startsWith('User-Agent: tornado-ts/'))).toBe(true);
    expect(lines.some((line) => /^connection:/i.test(line))).toBe(false);
  });

  it('reports a connection closed in the middle of the body as HTTPStreamClosedError', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part', { closeAfter: true });
    const error = await newClient().fetch(server.url()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPStreamClosedError);
    expect((error as Error).message).toMatch(/^Connection closed/);
  });

  it('measures the time queued in timeInfo.queue, not in requestTime', async () => {
    const server = await rawServer(async () => {
      await sleep(60);
      return ok();
    });
    const client = newClient({ maxClients: 1 });
    const [, second] = await Promise.all([client.fetch(server.url()), client.fetch(server.url())]);
    expect(second.timeInfo?.queue).toBeGreaterThanOrEqual(40);
    expect(second.requestTime).toBeLessThan((second.timeInfo?.queue ?? 0) + 200);
    expect(second.timeInfo?.connect).toBe(0);
  });

  it('validates its options', () => {
    expect(() => newClient({ maxClients: 0 })).toThrow(RangeError);
    expect(() => newClient({ idleConnectionTimeout: -1 })).toThrow(RangeError);
    expect(() => newClient({ maxBodySize: -1 })).toThrow(RangeError);
  });

  it('refuses a URL it cannot fetch', async () => {
    const client = newClient();
    await expect(client.fetch('ftp://example.com/')).rejects.toThrow(/Unsupported URL scheme/);
    await expect(client.fetch('not a url')).rejects.toThrow(/Invalid URL/);
  });
});
