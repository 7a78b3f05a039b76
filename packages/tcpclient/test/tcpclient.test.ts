import { getEventListeners } from 'node:events';
import net from 'node:net';
import type tls from 'node:tls';
import { TimeoutError } from '@tornado-ts/ioloop';
import { IOStream, SSLHandshakeError, SSLIOStream, StreamBufferFullError } from '@tornado-ts/iostream';
import {
  ConnectError,
  DefaultResolver,
  OverrideResolver,
  ResolveError,
  type Resolver,
  TCPClient,
  type TCPClientConnectOptions,
} from '@tornado-ts/tcpclient';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  blackholePort,
  certificate,
  closeAll,
  elapsedSince,
  fixedResolver,
  listen,
  listenTls,
  needIPv6,
  nextConnection,
  refusedPort,
  track,
} from './helpers';

let client: TCPClient;
beforeEach(() => {
  client = new TCPClient();
});
afterEach(async () => {
  client.close();
  await closeAll();
});

/** Tornado's do_test_connect: connect, write, and check the server got the bytes. */
async function connectAndTalk(serverHost: string, host: string, options: TCPClientConnectOptions = {}) {
  const { server, port } = await listen(serverHost);
  const accepted = nextConnection(server);
  const stream = track(await client.connect(host, port, options));
  const peer = track(new IOStream(await accepted));
  await stream.write('hello');
  expect((await peer.readBytes(5)).toString()).toBe('hello');
  await peer.write('back');
  expect((await stream.readBytes(4)).toString()).toBe('back');
  return { stream, peer, port };
}

describe('TCPClient.connect (Tornado TCPClientTest)', () => {
  it('IPv4 server, IPv4 literal', async () => {
    const { stream } = await connectAndTalk('127.0.0.1', '127.0.0.1');
    expect(stream).toBeInstanceOf(IOStream);
    expect(stream).not.toBeInstanceOf(SSLIOStream);
  });

  it('IPv4 server, localhost by name, with family 4 and with any family', async () => {
    await connectAndTalk('127.0.0.1', 'localhost', { family: 4 });
    // Where localhost also has ::1, that address is refused and 127.0.0.1 takes over.
    await connectAndTalk('127.0.0.1', 'localhost');
  });

  it('IPv4 server, any family asked for', async () => {
    await connectAndTalk('127.0.0.1', '127.0.0.1', { family: 0 });
  });

  it('IPv6 server, IPv6 literal, with family 6 and with any family', async (context) => {
    await needIPv6(context);
    await connectAndTalk('::1', '::1', { family: 6 });
    await connectAndTalk('::1', '::1');
  });

  it('IPv6 server, localhost by name (when localhost has an IPv6 address)', async (context) => {
    await needIPv6(context);
    const families = (await new DefaultResolver().resolve('localhost', 80)).map((a) => a.family);
    if (!families.includes(6)) {
      console.warn('skipping: localhost does not resolve to ::1 here (no such line in /etc/hosts)');
      return context.skip();
    }
    await connectAndTalk('::1', 'localhost', { family: 6 });
  });

  it('refused: a ConnectError naming host and port, with ECONNREFUSED as cause', async () => {
    const port = await refusedPort();
    const error = (await client.connect('127.0.0.1', port).catch((e: unknown) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.message).toBe(`Could not connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(error).toMatchObject({ code: 'TORNADO_ERR_CONNECT', host: '127.0.0.1', port, cause: { code: 'ECONNREFUSED' } });
    expect(error.errors).toHaveLength(1);
  });

  it('refused by name: the message keeps the name asked for', async () => {
    const port = await refusedPort();
    await expect(client.connect('localhost', port, { family: 4 })).rejects.toThrow(
      `Could not connect to localhost:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('source IP that is not local: the bind fails and the connect with it', async () => {
    const { port } = await listen();
    // 192.0.2.0/24 is reserved for documentation; binding to it fails locally, nothing is sent.
    const error = (await client.connect('127.0.0.1', port, { sourceIp: '192.0.2.1' }).catch((e: unknown) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.cause).toMatchObject({ code: 'EADDRNOTAVAIL' });
  });

  it('source IP 127.0.0.1 works', async () => {
    const { peer } = await connectAndTalk('127.0.0.1', '127.0.0.1', { sourceIp: '127.0.0.1' });
    expect(peer.socket.remoteAddress).toBe('127.0.0.1');
  });

  it('source IP 127.0.0.2: the server sees the connection come from there', async () => {
    const { peer, stream } = await connectAndTalk('127.0.0.1', '127.0.0.1', { sourceIp: '127.0.0.2' });
    expect(peer.socket.remoteAddress).toBe('127.0.0.2');
    expect(stream.socket.localAddress).toBe('127.0.0.2');
  });

  it('source port: the server sees the connection come from it', async () => {
    const sourcePort = await refusedPort();
    const { peer } = await connectAndTalk('127.0.0.1', '127.0.0.1', { sourceIp: '127.0.0.1', sourcePort });
    expect(peer.socket.remotePort).toBe(sourcePort);
  });

  it('source port already taken: the bind fails with EADDRINUSE', async () => {
    const { port } = await listen();
    const busy = await listen();
    const error = (await client.connect('127.0.0.1', port, { sourceIp: '127.0.0.1', sourcePort: busy.port }).catch((e: unknown) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.cause).toMatchObject({ code: 'EADDRINUSE' });
  });

  it('timeout while the resolver never answers: TimeoutError (Tornado test_connect_timeout)', async () => {
    const never: Resolver = { resolve: () => new Promise(() => {}) };
    const started = performance.now();
    const error = await new TCPClient(never).connect('tornado.test', 12345, { timeout: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('Timed out after 50 ms connecting to tornado.test:12345');
    expect(elapsedSince(started)).toBeGreaterThanOrEqual(45);
  });

  it('timeout while the TCP connect hangs (a listener that never accepts): TimeoutError', async () => {
    const port = await blackholePort();
    const started = performance.now();
    await expect(client.connect('127.0.0.1', port, { timeout: 100 })).rejects.toBeInstanceOf(TimeoutError);
    expect(elapsedSince(started)).toBeGreaterThanOrEqual(95);
    expect(elapsedSince(started)).toBeLessThan(2_000);
  });

  it('timeout during the TLS handshake: TimeoutError, and the socket is closed', async () => {
    const { server, port } = await listen();
    const accepted = nextConnection(server);
    const result = client.connect('127.0.0.1', port, { tls: { ca: certificate }, timeout: 150 });
    const peer = await accepted;
    const peerClosed = new Promise((resolve) => peer.once('close', resolve));
    peer.resume(); // read the ClientHello (and the end of the stream) without answering
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
    await peerClosed;
  });

  it('a timeout that did not fire leaves the stream alone and no listener behind', async () => {
    const controller = new AbortController();
    const { server, port } = await listen();
    const accepted = nextConnection(server);
    const stream = track(await client.connect('127.0.0.1', port, { timeout: 50, signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    expect(stream.closed()).toBe(false);
    await stream.write('still here');
    expect((await new IOStream(await accepted).readBytes(10)).toString()).toBe('still here');
  });

  it('an aborted signal rejects with its reason before asking the resolver', async () => {
    const resolver = fixedResolver([{ family: 4, address: '127.0.0.1', port: 1 }]);
    const reason = new Error('not now');
    await expect(new TCPClient(resolver).connect('x.test', 1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(resolver.calls).toEqual([]);
  });

  it('aborting during the resolve or the TCP connect rejects with the reason', async () => {
    const never: Resolver = { resolve: () => new Promise(() => {}) };
    const during = new AbortController();
    const pending = new TCPClient(never).connect('x.test', 1, { signal: during.signal });
    during.abort(new Error('stop resolving'));
    await expect(pending).rejects.toThrow('stop resolving');

    const port = await blackholePort();
    const controller = new AbortController();
    const connecting = client.connect('127.0.0.1', port, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop connecting')), 30);
    await expect(connecting).rejects.toThrow('stop connecting');
  });

  it('passes maxBufferSize (and maxWriteBufferSize) to the stream', async () => {
    const { server, port } = await listen();
    const accepted = nextConnection(server);
    const stream = track(await client.connect('127.0.0.1', port, { maxBufferSize: 1024, maxWriteBufferSize: 4096 }));
    expect([stream.maxBufferSize, stream.maxWriteBufferSize]).toEqual([1024, 4096]);
    (await accepted).write(Buffer.alloc(8192, 'x'));
    await expect(stream.readUntil('\n')).rejects.toBeInstanceOf(StreamBufferFullError);
  });

  it('rejects bad arguments with a RangeError', async () => {
    await expect(client.connect('127.0.0.1', 65536)).rejects.toThrow(RangeError);
    await expect(client.connect('127.0.0.1', -1)).rejects.toThrow(RangeError);
    await expect(client.connect('127.0.0.1', 80, { timeout: -1 })).rejects.toThrow(/timeout/);
    await expect(client.connect('127.0.0.1', 80, { happyEyeballsDelay: Number.NaN })).rejects.toThrow(/happyEyeballsDelay/);
    await expect(client.connect('127.0.0.1', 80, { family: 5 as 4 })).rejects.toThrow(/family/);
    await expect(client.connect('127.0.0.1', 80, { sourcePort: 1e6 })).rejects.toThrow(/sourcePort/);
  });
});

describe('TCPClient and its resolver', () => {
  it('uses a DefaultResolver it owns when given none, and closes only that one', () => {
    expect(client.resolver).toBeInstanceOf(DefaultResolver);
    let closed = 0;
    const given: Resolver = { resolve: async () => [], close: () => void closed++ };
    const withGiven = new TCPClient(given);
    expect(withGiven.resolver).toBe(given);
    withGiven.close();
    expect(closed).toBe(0);
  });

  it('passes host, port and family to the resolver', async () => {
    const { port } = await listen();
    const resolver = fixedResolver([{ family: 4, address: '127.0.0.1', port }]);
    track(await new TCPClient(resolver).connect('service.test', 7, { family: 4 }));
    expect(resolver.calls).toEqual([['service.test', 7, 4]]);
  });

  it('connects through an OverrideResolver that points a name at loopback', async () => {
    const { server, port } = await listen();
    const resolver = new OverrideResolver({ resolver: new DefaultResolver(), mapping: { 'www.tornado.test': '127.0.0.1' } });
    const accepted = nextConnection(server);
    const stream = track(await new TCPClient(resolver).connect('www.tornado.test', port));
    await stream.write('x');
    expect((await new IOStream(await accepted).readBytes(1)).toString()).toBe('x');
  });

  it('wraps a resolver failure in a ResolveError naming the host, keeping one as is', async () => {
    const failing: Resolver = {
      resolve: async () => {
        throw Object.assign(new Error('queryA ESERVFAIL'), { code: 'ESERVFAIL' });
      },
    };
    const error = await new TCPClient(failing).connect('db.test', 5432).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResolveError);
    expect(error).toMatchObject({ host: 'db.test', message: 'Could not resolve "db.test": queryA ESERVFAIL', cause: { code: 'ESERVFAIL' } });

    const original = new ResolveError('db.test', { reason: 'custom' });
    const passing: Resolver = { resolve: () => Promise.reject(original) };
    await expect(new TCPClient(passing).connect('db.test', 1)).rejects.toBe(original);

    const throwing: Resolver = {
      resolve: () => {
        throw new Error('sync failure');
      },
    };
    await expect(new TCPClient(throwing).connect('db.test', 1)).rejects.toThrow('Could not resolve "db.test": sync failure');
  });

  it('rejects with a ResolveError when the resolver finds no address', async () => {
    await expect(new TCPClient(fixedResolver([])).connect('void.test', 1)).rejects.toThrow('Could not resolve "void.test": no addresses found');
    await expect(client.connect('', 1)).rejects.toBeInstanceOf(ResolveError);
  });
});

describe('happy eyeballs end to end', () => {
  it('one family: a refused first address falls through to the next at once', async () => {
    const { port } = await listen();
    const resolver = fixedResolver([
      { family: 4, address: '127.0.0.1', port: await refusedPort() },
      { family: 4, address: '127.0.0.1', port },
    ]);
    const started = performance.now();
    const stream = track(await new TCPClient(resolver).connect('multi.test', 80, { happyEyeballsDelay: 10_000 }));
    expect(stream.socket.remotePort).toBe(port);
    expect(elapsedSince(started)).toBeLessThan(5_000);
  });

  it('two families: a refused ::1 hands over to 127.0.0.1 without waiting for the delay', async (context) => {
    await needIPv6(context);
    const { port } = await listen('127.0.0.1');
    const resolver = fixedResolver([
      { family: 6, address: '::1', port: await refusedPort('::1') },
      { family: 4, address: '127.0.0.1', port },
    ]);
    const started = performance.now();
    const stream = track(await new TCPClient(resolver).connect('dual.test', 80, { happyEyeballsDelay: 10_000 }));
    expect([stream.socket.remoteAddress, stream.socket.remotePort]).toEqual(['127.0.0.1', port]);
    expect(elapsedSince(started)).toBeLessThan(5_000);
  });

  it('two families: a hanging 127.0.0.1 loses to ::1 once the delay has passed', async (context) => {
    await needIPv6(context);
    const { port } = await listen('::1');
    const resolver = fixedResolver([
      { family: 4, address: '127.0.0.1', port: await blackholePort() },
      { family: 6, address: '::1', port },
    ]);
    const started = performance.now();
    const stream = track(await new TCPClient(resolver).connect('dual.test', 80, { happyEyeballsDelay: 100 }));
    expect(stream.socket.remoteAddress).toBe('::1');
    expect(elapsedSince(started)).toBeGreaterThanOrEqual(95);
  });

  it('every address failing: one ConnectError carrying each attempt’s error', async (context) => {
    await needIPv6(context);
    const resolver = fixedResolver([
      { family: 6, address: '::1', port: await refusedPort('::1') },
      { family: 4, address: '127.0.0.1', port: await refusedPort() },
    ]);
    const error = (await new TCPClient(resolver).connect('dual.test', 80).catch((e: unknown) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.message).toMatch(/^Could not connect to dual\.test:80: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(error.errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  });
});

describe('TCPClient.connect with tls', () => {
  async function tlsServer(host = '127.0.0.1') {
    const { server, port } = await listenTls(host);
    const names: Array<string | false | null | undefined> = [];
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      names.push(socket.servername);
      socket.pipe(socket);
    });
    return { server, port, names };
  }

  it('verifies the certificate against the host name and sends it as SNI', async () => {
    const { port, names } = await tlsServer();
    const stream = track(await client.connect('localhost', port, { family: 4, tls: { ca: certificate } }));
    expect(stream).toBeInstanceOf(SSLIOStream);
    expect(stream.authorized).toBe(true);
    await stream.write('ping\n');
    expect((await stream.readUntil('\n')).toString()).toBe('ping\n');
    expect(names).toEqual(['localhost']);
  });

  it('verifies an IP address against the certificate without sending SNI', async () => {
    const { port, names } = await tlsServer();
    const stream = track(await client.connect('127.0.0.1', port, { tls: { ca: certificate } }));
    expect(stream.authorized).toBe(true);
    await stream.write('x\n');
    await stream.readUntil('\n');
    expect(names).toEqual([false]);
  });

  it('verifies an IPv6 address too', async (context) => {
    await needIPv6(context);
    const { port } = await tlsServer('::1');
    const stream = track(await client.connect('::1', port, { tls: { ca: certificate } }));
    expect(stream.authorized).toBe(true);
  });

  it('keeps the name asked for when an OverrideResolver points it elsewhere', async () => {
    const { port, names } = await tlsServer();
    const resolver = new OverrideResolver({ resolver: new DefaultResolver(), mapping: { 'tornado.test': '127.0.0.1' } });
    const stream = track(await new TCPClient(resolver).connect('tornado.test', port, { tls: { ca: certificate } }));
    expect(stream.authorized).toBe(true);
    await stream.write('x\n');
    await stream.readUntil('\n');
    expect(names).toEqual(['tornado.test']);
  });

  it('fails the handshake when the certificate does not name the host', async () => {
    const { port } = await tlsServer();
    const resolver = new OverrideResolver({ resolver: new DefaultResolver(), mapping: { 'wrong.test': '127.0.0.1' } });
    const error = await new TCPClient(resolver).connect('wrong.test', port, { tls: { ca: certificate } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SSLHandshakeError);
    expect((error as Error).cause).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('lets serverHostname name the host to verify instead', async () => {
    const { port } = await tlsServer();
    const resolver = new OverrideResolver({ resolver: new DefaultResolver(), mapping: { 'wrong.test': '127.0.0.1' } });
    const stream = track(await new TCPClient(resolver).connect('wrong.test', port, { tls: { ca: certificate, serverHostname: 'localhost' } }));
    expect(stream.authorized).toBe(true);
  });

  it('rejects an untrusted certificate with tls: true, and accepts it with rejectUnauthorized: false', async () => {
    const { port } = await tlsServer();
    await expect(client.connect('localhost', port, { family: 4, tls: true })).rejects.toBeInstanceOf(SSLHandshakeError);
    const stream = track(await client.connect('localhost', port, { family: 4, tls: { rejectUnauthorized: false } }));
    expect(stream.authorized).toBe(false);
  });

  it('keeps maxBufferSize on the TLS stream, and tls: false means plain TCP', async () => {
    const { port } = await tlsServer();
    const stream = track(await client.connect('127.0.0.1', port, { tls: { ca: certificate }, maxBufferSize: 2048 }));
    expect(stream.maxBufferSize).toBe(2048);
    const plain = await listen();
    const tcp = track(await client.connect('127.0.0.1', plain.port, { tls: false }));
    expect(tcp).not.toBeInstanceOf(SSLIOStream);
  });

  it('a refused TLS connect is a ConnectError like a plain one', async () => {
    const port = await refusedPort();
    await expect(client.connect('127.0.0.1', port, { tls: true })).rejects.toBeInstanceOf(ConnectError);
  });
});

describe('TCPClient with a plain net.Server peer', () => {
  it('hands back a stream whose close reaches the server', async () => {
    const { server, port } = await listen();
    const accepted = nextConnection(server);
    const stream = await client.connect('127.0.0.1', port);
    const peer: net.Socket = await accepted;
    const ended = new Promise((resolve) => peer.once('end', resolve));
    stream.close();
    await ended;
  });
});
