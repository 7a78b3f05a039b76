import net from 'node:net';
import type tls from 'node:tls';
import { appLog, expectLog, genLog } from '@tornado-ts/ioloop';
import { type IOStream, SSLIOStream, type SSLConnectOptions } from '@tornado-ts/iostream';
import { TCPServer, type TCPServerOptions, type TLSServerOptions } from '@tornado-ts/tcpserver';
import { afterEach, describe, expect, it } from 'vitest';
import { certificate, closeAll, echoLines, liveResources, recordLog, roundTrip, settle, track, waitUntil } from './helpers';

/** A TLS echo server on 127.0.0.1 that records the streams it was handed. */
export async function tlsServer(options: TCPServerOptions): Promise<{ server: TCPServer; port: number; streams: IOStream[] }> {
  const streams: IOStream[] = [];
  const server = track(
    new TCPServer({
      ...options,
      handler: (stream) => {
        streams.push(stream);
        return echoLines(stream);
      },
    }),
  );
  await server.listen(0, '127.0.0.1');
  return { server, port: server.port as number, streams };
}

/** A TLS client that trusts the test certificate. */
export async function tlsClient(port: number, options: SSLConnectOptions = {}): Promise<SSLIOStream> {
  return track(await SSLIOStream.connect(port, '127.0.0.1', { ca: certificate, serverHostname: 'localhost', ...options }));
}

/** A plain TCP client that sends `bytes` (if any) and is left for the server to deal with. */
export async function rawClient(port: number, bytes?: string): Promise<net.Socket> {
  const socket = track(net.connect(port, '127.0.0.1'));
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  if (bytes !== undefined) socket.write(bytes);
  return socket;
}

/** Resolves once `socket` has closed. */
export function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

/**
 * What every way of configuring TLS must do: serve TLS clients, and log and drop whatever is not a
 * timely handshake without holding anyone else up or leaving anything behind.
 */
export function tlsSuite(name: string, makeOption: () => TLSServerOptions | tls.SecureContext): void {
  describe(`TLS with ${name}`, () => {
    afterEach(closeAll);

    it('echoes over TLS, handing handleStream an SSLIOStream after the handshake', async () => {
      const { port, streams } = await tlsServer({ tls: makeOption() });
      const client = await tlsClient(port);
      expect(await roundTrip(client, 'secret')).toBe('secret');
      expect(streams[0]).toBeInstanceOf(SSLIOStream);
      await expect((streams[0] as SSLIOStream).waitForHandshake()).resolves.toBe(streams[0]);
      expect(streams[0].socket.remotePort).toBe(client.socket.localPort);
    });

    it('logs garbage or plain HTTP instead of a handshake at warning level and keeps serving', async () => {
      const { server, port, streams } = await tlsServer({ tls: makeOption() });
      const garbage = /SSL Error on 127\.0\.0\.1:\d+: wrong version number \(ERR_SSL_WRONG_VERSION_NUMBER\)/;
      await expectLog(genLog, garbage, async () => closed(await rawClient(port, 'this is not TLS\r\n\r\n')), { level: 'warn' });
      const http = /SSL Error on 127\.0\.0\.1:\d+: http request/;
      await expectLog(genLog, http, async () => closed(await rawClient(port, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')));
      expect(streams).toHaveLength(0);
      expect(await roundTrip(await tlsClient(port), 'next')).toBe('next');
      expect(server.connectionCount).toBe(1);
    });

    it('drops a client that never completes the handshake after handshakeTimeout, serving others meanwhile', async () => {
      const { server, port } = await tlsServer({ tls: makeOption(), handshakeTimeout: 300 });
      await expectLog(genLog, /SSL handshake with 127\.0\.0\.1:\d+ timed out after 300 ms/, async () => {
        const silent = await rawClient(port);
        await waitUntil(() => server.connectionCount === 1);
        const other = await tlsClient(port);
        expect(await roundTrip(other, 'not blocked')).toBe('not blocked');
        other.close();
        await closed(silent);
      });
      await waitUntil(() => server.connectionCount === 0);
    });

    it('says only at debug level when a client leaves before the handshake', async () => {
      const { server, port } = await tlsServer({ tls: makeOption() });
      const quiet = await recordLog(genLog, () =>
        expectLog(
          genLog,
          /closed before the SSL handshake completed/,
          async () => {
            (await rawClient(port)).end();
            await waitUntil(() => server.connectionCount === 0);
          },
          { level: 'debug' },
        ),
      );
      expect(quiet).toEqual([]);
    });

    it('logs a failure in handleStream as over plain TCP', async () => {
      const server = track(
        new TCPServer({
          tls: makeOption(),
          handler: async (stream) => {
            await stream.readUntil('\n');
            throw new Error('tls handler failed');
          },
        }),
      );
      await server.listen(0, '127.0.0.1');
      const errors = await recordLog(appLog, async () => {
        const client = await tlsClient(server.port as number);
        await client.write('go\n');
        await client.readUntilClose().catch(() => undefined);
        await waitUntil(() => server.connectionCount === 0);
      });
      expect(errors).toEqual([expect.stringMatching(/^Error in connection callback[\s\S]*tls handler failed/)]);
    });

    it('leaves nothing behind when stopped with connections open and a handshake in progress', async () => {
      await settle();
      const before = liveResources();
      const { server, port } = await tlsServer({ tls: makeOption() });
      const client = await tlsClient(port);
      expect(await roundTrip(client, 'x')).toBe('x');
      const silent = await rawClient(port);
      await waitUntil(() => server.connectionCount === 2);
      await recordLog(genLog, () => server.stop({ grace: 0 }));
      await client.readUntilClose().catch(() => undefined);
      await closed(silent);
      client.close();
      await settle();
      expect(liveResources()).toEqual(before);
    });
  });
}
