import net from 'node:net';
import { networkInterfaces } from 'node:os';
import tls from 'node:tls';
import { appLog, expectLog, genLog } from '@tornado-ts/ioloop';
import { type IOStream, StreamClosedError } from '@tornado-ts/iostream';
import {
  HandleStreamNotImplementedError,
  ServerAlreadyStartedError,
  ServerStoppedError,
  TCPServer,
  bindSockets,
  taskId,
} from '@tornado-ts/tcpserver';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, connect, echoLines, recordLog, roundTrip, track, waitUntil } from './helpers';

const hasIPv6 = Object.values(networkInterfaces()).some((list) => list?.some((entry) => entry.address === '::1'));

/** DESIGN's echo server: no try/catch, so the client hanging up ends it with StreamClosedError. */
class EchoServer extends TCPServer {
  override async handleStream(stream: IOStream): Promise<void> {
    for (;;) {
      const line = await stream.readUntil('\n');
      await stream.write(line);
    }
  }
}

afterEach(closeAll);

describe('TCPServer', () => {
  it('serves a subclass that overrides handleStream, and a client hanging up is not an error', async () => {
    const server = track(await new EchoServer().listen(0, '127.0.0.1'));
    const errors = await recordLog(appLog, async () => {
      const client = await connect(server.port);
      expect(await roundTrip(client, 'hello')).toBe('hello');
      expect(await roundTrip(client, 'world')).toBe('world');
      client.close();
      await waitUntil(() => server.connectionCount === 0);
    });
    expect(errors).toEqual([]);
  });

  it('serves a handler passed in the options, with the peer address', async () => {
    const peers: net.AddressInfo[] = [];
    const server = track(
      new TCPServer({
        handler: (stream, address) => {
          peers.push(address);
          return echoLines(stream);
        },
      }),
    );
    await server.listen(0, '127.0.0.1');
    const client = await connect(server.port);
    expect(await roundTrip(client, 'ping')).toBe('ping');
    expect(peers).toEqual([{ address: '127.0.0.1', family: 'IPv4', port: client.socket.localPort }]);
  });

  it('awaits a native async handleStream that writes and closes (Tornado: native coroutine)', async () => {
    const server = track(
      new TCPServer({
        handler: async (stream) => {
          await stream.write('data');
          stream.close();
        },
      }),
    );
    await server.listen(0, '127.0.0.1');
    const client = await connect(server.port);
    expect((await client.readUntilClose()).toString()).toBe('data');
  });

  it('logs an async failure in handleStream, closes that stream and keeps accepting (Tornado: coroutine logging)', async () => {
    const server = track(
      new TCPServer({
        handler: async (stream) => {
          const word = (await stream.readBytes(5)).toString();
          if (word === 'hello') throw new Error('boom after hello');
          await stream.write('fine');
          stream.close();
        },
      }),
    );
    await server.listen(0, '127.0.0.1');
    await expectLog(appLog, /Error in connection callback[\s\S]*boom after hello/, async () => {
      const client = await connect(server.port);
      await client.write('hello');
      expect((await client.readUntilClose()).length).toBe(0);
    });
    const second = await connect(server.port);
    await second.write('again');
    expect((await second.readUntilClose()).toString()).toBe('fine');
  });

  it('logs a synchronous throw from handleStream the same way', async () => {
    let calls = 0;
    const server = track(
      new TCPServer({
        handler: (stream) => {
          if (++calls === 1) throw new TypeError('sync failure');
          void stream.write('ok').then(() => stream.close());
        },
      }),
    );
    await server.listen(0, '127.0.0.1');
    await expectLog(appLog, /Error in connection callback[\s\S]*sync failure/, async () => {
      const client = await connect(server.port);
      expect((await client.readUntilClose()).length).toBe(0);
    });
    const second = await connect(server.port);
    expect((await second.readUntilClose()).toString()).toBe('ok');
  });

  it('treats StreamClosedError from its own closed stream as the end of the connection (debug only)', async () => {
    const server = track(await new EchoServer().listen(0, '127.0.0.1'));
    await expectLog(
      genLog,
      /Connection closed in handleStream/,
      async () => {
        const client = await connect(server.port);
        await client.write('no newline, then gone');
        client.close();
        await waitUntil(() => server.connectionCount === 0);
      },
      { level: 'debug' },
    );
  });

  it('logs a StreamClosedError that is not about its own stream as an error', async () => {
    const server = track(
      new TCPServer({
        handler: () => Promise.reject(new StreamClosedError(null, 'upstream went away')),
      }),
    );
    await server.listen(0, '127.0.0.1');
    await expectLog(appLog, /Error in connection callback[\s\S]*upstream went away/, async () => {
      const client = await connect(server.port);
      await client.readUntilClose();
    });
  });

  it('refuses to accept without handleStream or a handler, before binding anything', async () => {
    const server = new TCPServer();
    await expect(server.listen(0, '127.0.0.1')).rejects.toThrow(HandleStreamNotImplementedError);
    const [socket] = (await bindSockets(0, '127.0.0.1')).map(track);
    expect(() => server.addSocket(socket)).toThrow(HandleStreamNotImplementedError);
    expect(() => server.handleStream(null as unknown as IOStream, { address: '', family: '', port: 0 })).toThrow(
      /override handleStream\(stream, address\) in a subclass or pass \{ handler \}/,
    );
  });

  it('accepts on sockets from bindSockets added with addSockets', async () => {
    const sockets = (await bindSockets(0, '127.0.0.1')).map(track);
    const server = track(new TCPServer({ handler: echoLines }));
    server.addSockets(sockets);
    server.addSockets(sockets); // adding the same listener twice changes nothing
    expect(server.port).toBe((sockets[0].address() as net.AddressInfo).port);
    expect(await roundTrip(await connect(server.port), 'added')).toBe('added');
  });

  it('accepts on a plain net.Server listening by itself, but not on a tls.Server', async () => {
    const plain = track(net.createServer());
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const server = track(new TCPServer({ handler: echoLines }));
    server.addSocket(plain);
    expect(await roundTrip(await connect(server.port), 'plain')).toBe('plain');
    expect(() => server.addSocket(tls.createServer())).toThrow(TypeError);
  });

  it.skipIf(!hasIPv6)('listens on every interface, IPv4 and IPv6 on one port, when the host is omitted', async () => {
    const server = track(await new EchoServer().listen(0));
    const port = server.port;
    expect(server.addresses()).toEqual([
      { address: '0.0.0.0', family: 'IPv4', port },
      { address: '::', family: 'IPv6', port },
    ]);
    expect(await roundTrip(await connect(port, '127.0.0.1'), 'four')).toBe('four');
    expect(await roundTrip(await connect(port, '::1'), 'six')).toBe('six');
  });

  it.skipIf(!hasIPv6)('listens on ::1 alone', async () => {
    const server = track(await new EchoServer().listen(0, '::1'));
    expect(server.addresses()).toEqual([{ address: '::1', family: 'IPv6', port: server.port }]);
    expect(await roundTrip(await connect(server.port, '::1'), 'v6')).toBe('v6');
  });

  it('listens on several ports when listen is called more than once', async () => {
    const server = track(new EchoServer());
    await server.listen(0, '127.0.0.1');
    await server.listen(0, '127.0.0.1');
    const ports = server.addresses().map((address) => (address as net.AddressInfo).port);
    expect(new Set(ports).size).toBe(2);
    for (const port of ports) expect(await roundTrip(await connect(port), String(port))).toBe(String(port));
  });

  it('passes maxBufferSize, maxWriteBufferSize and readChunkSize on to every stream', async () => {
    const limits: number[][] = [];
    const server = track(
      new TCPServer({
        maxBufferSize: 1024,
        maxWriteBufferSize: 2048,
        readChunkSize: 256,
        handler: async (stream) => {
          limits.push([stream.maxBufferSize, stream.maxWriteBufferSize, stream.readChunkSize]);
          await stream.readUntil('\n');
        },
      }),
    );
    await server.listen(0, '127.0.0.1');
    const client = await connect(server.port);
    await waitUntil(() => limits.length === 1);
    expect(limits).toEqual([[1024, 2048, 256]]);
    // A line longer than maxBufferSize closes the server's stream; iostream logs why, once.
    const errors = await recordLog(appLog, () =>
      expectLog(genLog, /Reached maximum read buffer size/, async () => {
        await client.write(Buffer.alloc(4096, 'x'));
        await client.readUntilClose();
        await waitUntil(() => server.connectionCount === 0);
      }),
    );
    expect(errors).toEqual([]);
  });

  it('can be stopped twice, and refuses to accept once stopped', async () => {
    const server = track(await new EchoServer().listen(0, '127.0.0.1'));
    await server.stop();
    await server.stop();
    expect(server.addresses()).toEqual([]);
    expect(server.port).toBeNull();
    await expect(server.listen(0, '127.0.0.1')).rejects.toThrow(ServerStoppedError);
    await expect(server.start(1)).rejects.toThrow(ServerStoppedError);
  });

  it('survives stop() called from handleStream while many clients connect (Tornado issue 2069)', async () => {
    const clients = 40;
    const server = track(
      new TCPServer({
        handler: async (stream) => {
          void server.stop();
          await stream.readUntilClose();
        },
      }),
    );
    await server.listen(0, '127.0.0.1');
    const port = server.port as number;
    const results = await Promise.allSettled(Array.from({ length: clients }, () => connect(port)));
    const connected = results.filter((result) => result.status === 'fulfilled').length;
    expect(connected).toBeGreaterThan(0);
    expect(server.addresses()).toEqual([]);
  });

  it('runs in this process with start(1), which is no fork: taskId() stays null', async () => {
    const server = track(await new EchoServer().listen(0, '127.0.0.1'));
    expect(await server.start(1)).toBeNull();
    expect(taskId()).toBeNull();
    await expect(server.start(1)).rejects.toThrow(ServerAlreadyStartedError);
    expect(await roundTrip(await connect(server.port), 'still here')).toBe('still here');
  });

  it('logs an error on a listening socket instead of crashing', async () => {
    const server = track(await new EchoServer().listen(0, '127.0.0.1'));
    const [listener] = (await bindSockets(0, '127.0.0.1')).map(track);
    server.addSocket(listener);
    await expectLog(genLog, /Error on a listening socket: accept EMFILE/, () => {
      listener.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
    });
    expect(await roundTrip(await connect(server.port), 'alive')).toBe('alive');
  });
});
