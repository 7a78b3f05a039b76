import net from 'node:net';
import tls from 'node:tls';
import { TimeoutError, expectLog, genLog } from '@tornado-ts/ioloop';
import {
  type IOStream,
  SSLHandshakeError,
  SSLIOStream,
  StreamClosedError,
  StreamNotIdleError,
} from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  certificate,
  closeAll,
  closeCallback,
  listen,
  nextConnection,
  privateKey,
  refusedPort,
  sleep,
  tcpPair,
  tlsPair,
  track,
} from './helpers';
import { readWriteSuite } from './read-write.suite';

readWriteSuite('SSLIOStream', tlsPair);

const serverOptions = { key: privateKey, cert: certificate };
const trusting = { ca: certificate, serverHostname: 'localhost' };

/** Writes `line` on one end and checks the other end reads exactly it. */
async function sendLine(from: IOStream, to: IOStream, line: string): Promise<void> {
  from.write(line);
  expect((await to.readUntil('\r\n')).toString()).toBe(line);
}

/** A TLS server (Node's own) for SSLIOStream.connect; `onSecure` gets each handshaken socket. */
async function tlsServer(options: tls.TlsOptions = {}, onSecure?: (socket: tls.TLSSocket) => void): Promise<number> {
  const server = track(tls.createServer({ ...serverOptions, ...options }, onSecure));
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('IOStream.startTls', () => {
  afterEach(closeAll);

  it('upgrades both ends in the middle of a conversation (SMTP STARTTLS)', async () => {
    const [server, client] = (await tcpPair()) as [IOStream, IOStream];
    await sendLine(server, client, '220 mail.example.com ready\r\n');
    await sendLine(client, server, 'EHLO mail.example.com\r\n');
    await sendLine(server, client, '250-mail.example.com welcome\r\n');
    await sendLine(server, client, '250 STARTTLS\r\n');
    await sendLine(client, server, 'STARTTLS\r\n');
    await sendLine(server, client, '220 Go ahead\r\n');
    const [secureClient, secureServer] = await Promise.all([
      client.startTls(false, trusting).then(track),
      server.startTls(true, serverOptions).then(track),
    ]);
    expect(secureClient).toBeInstanceOf(SSLIOStream);
    expect(secureServer).toBeInstanceOf(SSLIOStream);
    expect(secureClient.authorized).toBe(true);
    await sendLine(secureClient, secureServer, 'EHLO mail.example.com\r\n');
    await sendLine(secureServer, secureClient, '250 mail.example.com welcome\r\n');
  });

  it('accepts prebuilt secure contexts on both sides', async () => {
    const [server, client] = (await tcpPair()) as [IOStream, IOStream];
    const [secureClient, secureServer] = await Promise.all([
      client.startTls(false, { secureContext: tls.createSecureContext({ ca: certificate }), serverHostname: 'localhost' }).then(track),
      server.startTls(true, { secureContext: tls.createSecureContext(serverOptions) }).then(track),
    ]);
    await sendLine(secureServer, secureClient, 'over TLS\r\n');
  });

  it('fails on both sides when the client does not trust the certificate', async () => {
    const [server, client] = (await tcpPair()) as [IOStream, IOStream];
    const serverSide = server.startTls(true, serverOptions);
    const clientError = await client.startTls(false, { serverHostname: 'localhost' }).catch((e: unknown) => e);
    expect(clientError).toBeInstanceOf(SSLHandshakeError);
    expect((clientError as SSLHandshakeError).cause).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    await expect(serverSide).rejects.toBeInstanceOf(SSLHandshakeError);
  });

  it('checks the certificate against serverHostname', async () => {
    for (const [name, ok] of [
      ['example.com', false],
      ['localhost', true],
      ['127.0.0.1', true],
    ] as const) {
      const [server, client] = (await tcpPair()) as [IOStream, IOStream];
      const serverSide = server.startTls(true, serverOptions);
      const clientSide = client.startTls(false, { ca: certificate, serverHostname: name });
      if (ok) {
        track(await clientSide);
        track(await serverSide);
      } else {
        const error = await clientSide.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SSLHandshakeError);
        expect((error as SSLHandshakeError).cause).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
        await expect(serverSide).rejects.toBeInstanceOf(SSLHandshakeError);
      }
    }
  });

  it('refuses a stream with unread bytes, a pending read or a pending write, which stays usable', async () => {
    const [server, client] = (await tcpPair()) as [IOStream, IOStream];
    await client.write('early');
    await sleep(10);
    expect(() => server.startTls(true, serverOptions)).toThrow(StreamNotIdleError);
    expect((await server.readBytes(5)).toString()).toBe('early');

    const reading = server.readBytes(1);
    expect(() => server.startTls(true, serverOptions)).toThrow(StreamNotIdleError);
    client.write('x');
    await reading;

    const writing = server.write(Buffer.alloc(64 * 1024 * 1024));
    expect(() => server.startTls(true, serverOptions)).toThrow(StreamNotIdleError);
    server.close();
    await expect(writing).rejects.toBeInstanceOf(StreamClosedError);
    await expect(server.startTls(true, serverOptions)).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('leaves the plain stream unusable and moves its close callback to the TLS stream', async () => {
    const [server, client] = (await tcpPair()) as [IOStream, IOStream];
    let serverCloses = 0;
    server.setCloseCallback(() => {
      serverCloses++;
    });
    const [secureClient, secureServer] = await Promise.all([
      client.startTls(false, trusting).then(track),
      server.startTls(true, serverOptions).then(track),
    ]);
    expect(server.closed()).toBe(true);
    await expect(server.readBytes(1)).rejects.toBeInstanceOf(StreamClosedError);
    await expect(server.write('x')).rejects.toBeInstanceOf(StreamClosedError);
    await sleep(10);
    expect(serverCloses).toBe(0);
    secureClient.close();
    await expect(secureServer.readUntilClose()).resolves.toHaveLength(0);
    await sleep(10);
    expect(serverCloses).toBe(1);
  });

  it('gives up on a handshake the peer never answers after its timeout', async () => {
    const [server, client] = (await tcpPair()) as [IOStream, IOStream];
    const serverRead = server.readUntilClose();
    await expect(client.startTls(false, { ...trusting, timeout: 50 })).rejects.toBeInstanceOf(TimeoutError);
    // What the server saw was the start of a ClientHello (record type 22), then the close.
    expect((await serverRead)[0]).toBe(22);
  });
});

describe('SSLIOStream', () => {
  afterEach(closeAll);

  it('connect resolves after the handshake, with the peer certificate and the ALPN protocol', async () => {
    const port = await tlsServer({ ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => socket.end('hi'));
    const stream = track(await SSLIOStream.connect(port, '127.0.0.1', { ...trusting, ALPNProtocols: ['http/1.1'] }));
    expect(stream.alpnProtocol).toBe('http/1.1');
    expect(stream.authorized).toBe(true);
    expect(stream.getPeerCertificate()?.subject.CN).toBe('localhost');
    expect(stream.socket.getProtocol()).toMatch(/^TLSv1\.[23]$/);
    await expect(stream.waitForHandshake()).resolves.toBe(stream);
    expect((await stream.readUntilClose()).toString()).toBe('hi');
  });

  it('connect rejects with StreamClosedError when refused and SSLHandshakeError when not trusted', async () => {
    const refused = await SSLIOStream.connect(await refusedPort(), '127.0.0.1', trusting).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StreamClosedError);
    expect((refused as StreamClosedError).realError).toMatchObject({ code: 'ECONNREFUSED' });
    const port = await tlsServer();
    const untrusted = await SSLIOStream.connect(port, '127.0.0.1').catch((e: unknown) => e);
    expect(untrusted).toBeInstanceOf(SSLHandshakeError);
  });

  it('waitForHandshake on a server stream wrapped before the handshake', async () => {
    const { server, port } = await listen();
    const accepted = nextConnection(server);
    const connecting = SSLIOStream.connect(port, '127.0.0.1', trusting).then(track);
    const tlsSocket = new tls.TLSSocket(await accepted, { isServer: true, ...serverOptions });
    const stream = track(new SSLIOStream(tlsSocket));
    expect(stream.alpnProtocol).toBeNull();
    // Waiting twice at once is fine (Tornado raised here), and so is waiting after it is done.
    const [first, second] = await Promise.all([stream.waitForHandshake(), stream.waitForHandshake()]);
    expect(first).toBe(stream);
    expect(second).toBe(stream);
    await expect(stream.waitForHandshake()).resolves.toBe(stream);
    const client = await connecting;
    await sendLine(client, stream, 'hello\r\n');
  });

  it('a stream over a socket from a TLS server is already past its handshake', async () => {
    let wrapped: Promise<SSLIOStream> | undefined;
    const port = await tlsServer({}, (socket) => {
      const stream = track(new SSLIOStream(socket));
      wrapped = stream.waitForHandshake();
    });
    const client = track(await SSLIOStream.connect(port, '127.0.0.1', trusting));
    while (wrapped === undefined) await sleep(1);
    const stream = await wrapped;
    await sendLine(client, stream, 'ping\r\n');
  });

  it('waitForHandshake rejects with SSLHandshakeError when the client speaks plaintext', async () => {
    const { server, port } = await listen();
    const accepted = nextConnection(server);
    const plain = track(net.connect(port, '127.0.0.1'));
    plain.on('error', () => {});
    const stream = track(new SSLIOStream(new tls.TLSSocket(await accepted, { isServer: true, ...serverOptions })));
    const closed = closeCallback(stream);
    await expectLog(genLog, /Closing stream after error/, async () => {
      plain.write('GET / HTTP/1.0\r\n\r\n');
      const error = await stream.waitForHandshake().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SSLHandshakeError);
      expect((error as SSLHandshakeError).cause).toBeInstanceOf(Error);
      await closed;
    });
    await expect(stream.waitForHandshake()).rejects.toBeInstanceOf(SSLHandshakeError);
  });

  it('waitForHandshake rejects when the stream is closed first', async () => {
    const { server, port } = await listen();
    const accepted = nextConnection(server);
    track(net.connect(port, '127.0.0.1')).on('error', () => {});
    const stream = new SSLIOStream(new tls.TLSSocket(await accepted, { isServer: true, ...serverOptions }));
    const waiting = stream.waitForHandshake();
    stream.close();
    await expect(waiting).rejects.toThrow('closed before the handshake completed');
  });
});
