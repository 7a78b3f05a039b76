import net from 'node:net';
import { appLog } from '@tornado-ts/ioloop';
import { type IOStream, StreamClosedError } from '@tornado-ts/iostream';
import { TCPServer } from '@tornado-ts/tcpserver';
import { afterEach, describe, expect, it } from 'vitest';
import { certificate, closeAll, connect, echoLines, liveResources, privateKey, recordLog, roundTrip, settle, track, waitUntil } from './helpers';

afterEach(closeAll);

/** An echo server on 127.0.0.1 whose handlers report how their connection ended. */
async function echoServer(options: ConstructorParameters<typeof TCPServer>[0] = {}): Promise<{ server: TCPServer; endings: unknown[] }> {
  const endings: unknown[] = [];
  const server = track(
    new TCPServer({
      ...options,
      handler: async (stream) => {
        try {
          await echoLines(stream);
        } catch (error) {
          endings.push(error);
        }
      },
    }),
  );
  await server.listen(0, '127.0.0.1');
  return { server, endings };
}

describe('stop', () => {
  it('stops accepting at once while open connections keep working until they close', async () => {
    const { server } = await echoServer();
    const port = server.port as number;
    const client = await connect(port);
    expect(await roundTrip(client, 'before')).toBe('before');
    await server.stop();
    await expect(connect(port)).rejects.toThrow(StreamClosedError);
    expect(server.connectionCount).toBe(1);
    expect(await roundTrip(client, 'after')).toBe('after');
    client.close();
    await waitUntil(() => server.connectionCount === 0);
  });

  it('with a grace period, resolves as soon as the open connections close by themselves', async () => {
    const { server, endings } = await echoServer();
    const client = await connect(server.port);
    expect(await roundTrip(client, 'hi')).toBe('hi');
    setTimeout(() => client.close(), 50);
    const started = Date.now();
    await server.stop({ grace: 5_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.connectionCount).toBe(0);
    expect(endings).toHaveLength(1);
  });

  it('closes the connections still open when the grace period ends; their handlers see StreamClosedError', async () => {
    const { server, endings } = await echoServer();
    const clients = [await connect(server.port), await connect(server.port)];
    await waitUntil(() => server.connectionCount === 2);
    const started = Date.now();
    await server.stop({ grace: 100 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(server.connectionCount).toBe(0);
    for (const client of clients) expect((await client.readUntilClose()).length).toBe(0);
    await waitUntil(() => endings.length === 2);
    expect(endings.every((error) => error instanceof StreamClosedError)).toBe(true);
  });

  it('closes them at once with grace 0, and rejects a negative grace', async () => {
    const { server } = await echoServer();
    await connect(server.port);
    await waitUntil(() => server.connectionCount === 1);
    await expect(server.stop({ grace: -1 })).rejects.toThrow(RangeError);
    await server.stop({ grace: 0 });
    expect(server.connectionCount).toBe(0);
  });

  it('closeAllConnections ends every connection without stopping the server', async () => {
    const { server } = await echoServer();
    const first = await connect(server.port);
    await waitUntil(() => server.connectionCount === 1);
    server.closeAllConnections();
    expect((await first.readUntilClose()).length).toBe(0);
    await waitUntil(() => server.connectionCount === 0);
    expect(await roundTrip(await connect(server.port), 'still accepting')).toBe('still accepting');
  });

  it('keeps counting a connection whose stream was detached, and still ends it after the grace period', async () => {
    const sockets: net.Socket[] = [];
    const server = track(
      new TCPServer({
        handler: (stream: IOStream) => {
          const { socket } = stream.detach();
          socket.on('error', () => {});
          sockets.push(socket);
        },
      }),
    );
    await server.listen(0, '127.0.0.1');
    const client = await connect(server.port);
    await waitUntil(() => sockets.length === 1);
    expect(server.connectionCount).toBe(1);
    await server.stop({ grace: 20 });
    expect(sockets[0].destroyed).toBe(true);
    expect((await client.readUntilClose()).length).toBe(0);
  });

  it('leaves no listening socket, connection or timer behind, TLS handshakes in progress included', async () => {
    await settle();
    const before = liveResources();
    const plain = await echoServer();
    const secure = await echoServer({ tls: { key: privateKey, cert: certificate } });
    const client = await connect(plain.server.port);
    expect(await roundTrip(client, 'x')).toBe('x');
    // A TLS client that never sends its hello: the server holds a socket and a handshake timer.
    const silent = track(net.connect(secure.server.port as number, '127.0.0.1'));
    silent.on('error', () => {});
    await waitUntil(() => secure.server.connectionCount === 1);
    const errors = await recordLog(appLog, async () => {
      await Promise.all([plain.server.stop({ grace: 0 }), secure.server.stop({ grace: 0 })]);
      await client.readUntilClose();
      await new Promise((resolve) => (silent.destroyed ? resolve(null) : silent.once('close', resolve)));
    });
    expect(errors).toEqual([]);
    await settle();
    expect(liveResources()).toEqual(before);
  });
});
