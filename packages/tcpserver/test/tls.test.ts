import tls from 'node:tls';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { SSLHandshakeError, SSLIOStream } from '@tornado-ts/iostream';
import { TCPServer } from '@tornado-ts/tcpserver';
import { afterEach, describe, expect, it } from 'vitest';
import { certificate, closeAll, echoLines, privateKey, roundTrip, waitUntil } from './helpers';
import { tlsClient, tlsServer, tlsSuite } from './tls.suite';

const credentials = { key: privateKey, cert: certificate };

tlsSuite('a key and certificate (tls.Server does the handshakes)', () => credentials);
tlsSuite('a tls.SecureContext (a TLSSocket per connection)', () => tls.createSecureContext(credentials));

describe('TLS options', () => {
  afterEach(closeAll);

  it('negotiates ALPN', async () => {
    const { port, streams } = await tlsServer({ tls: { ...credentials, ALPNProtocols: ['echo/1'] } });
    const client = await tlsClient(port, { ALPNProtocols: ['echo/1'] });
    expect(await roundTrip(client, 'alpn')).toBe('alpn');
    expect((streams[0] as SSLIOStream).alpnProtocol).toBe('echo/1');
  });

  it('with requestCert, serves a client whose certificate verifies and drops one without', async () => {
    const { port, streams } = await tlsServer({ tls: { ...credentials, ca: certificate, requestCert: true } });
    const client = await tlsClient(port, credentials);
    expect(await roundTrip(client, 'mutual')).toBe('mutual');
    const stream = streams[0] as SSLIOStream;
    expect(stream.authorized).toBe(true);
    expect(stream.getPeerCertificate()?.subject.CN).toBe('localhost');
    await expectLog(genLog, /SSL Error on 127\.0\.0\.1:\d+: .*certificate/, async () => {
      const anonymous = await tlsClient(port).catch((error: unknown) => error);
      if (anonymous instanceof SSLIOStream) {
        // Under TLS 1.3 the client may finish first and learn of the refusal on its first read
        // (which its stream logs as the error that closed it).
        await expectLog(genLog, /Closing stream after error: .*certificate required/, () => expect(anonymous.readUntilClose()).rejects.toThrow(), {
          required: false,
        });
      } else {
        expect(anonymous).toBeInstanceOf(SSLHandshakeError);
      }
    });
    expect(streams).toHaveLength(1);
  });

  it('drops a client certificate that does not verify, unless rejectUnauthorized is false', async () => {
    // No `ca`: the client's self-signed certificate is trusted by nobody.
    const strict = await tlsServer({ tls: { ...credentials, requestCert: true } });
    await expectLog(genLog, /client certificate rejected: DEPTH_ZERO_SELF_SIGNED_CERT/, async () => {
      const client = await tlsClient(strict.port, credentials);
      await client.readUntilClose().catch(() => undefined);
      await waitUntil(() => strict.server.connectionCount === 0);
    });
    expect(strict.streams).toHaveLength(0);
    const lenient = await tlsServer({ tls: { ...credentials, requestCert: true, rejectUnauthorized: false } });
    expect(await roundTrip(await tlsClient(lenient.port, credentials), 'let in')).toBe('let in');
    expect((lenient.streams[0] as SSLIOStream).authorized).toBe(false);
  });

  it('rejects unusable TLS settings at construction, not per connection', () => {
    expect(() => new TCPServer({ handler: echoLines, tls: { key: 'not a key', cert: certificate } })).toThrow();
    expect(() => new TCPServer({ handler: echoLines, tls: credentials, handshakeTimeout: 0 })).toThrow(RangeError);
    const secureContext = tls.createSecureContext(credentials);
    expect(() => new TCPServer({ handler: echoLines, tls: { secureContext, requestCert: true } })).toThrow(/requestCert needs/);
  });
});
