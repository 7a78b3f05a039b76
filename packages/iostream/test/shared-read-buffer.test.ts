// useSharedReadBuffer: accepted sockets read through one process-wide buffer. Streams take the bytes
// without 'data' events; anyone else using such a socket must see an ordinary net.Socket.
import { randomBytes } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import net from 'node:net';
import tls from 'node:tls';
import { IOStream, useSharedReadBuffer } from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import { attachReadSink } from '../src/shared-read-buffer';
import { certificate, closeAll, listen, nextConnection, sleep, track, waitFor } from './helpers';

afterEach(closeAll);

function connect(port: number, options: net.TcpSocketConnectOpts = { port }): Promise<net.Socket> {
  const socket = track(net.connect({ ...options, port, host: '127.0.0.1' }));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function readAll(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

describe('useSharedReadBuffer', () => {
  it('takes a listening plain server, and one not listening yet from the moment it listens', async () => {
    const { server, port } = await listen();
    expect(useSharedReadBuffer(server)).toBe(true);
    expect(useSharedReadBuffer(server)).toBe(true);
    const accepted = nextConnection(server);
    await connect(port);
    expect(attachReadSink(await accepted, () => {})).toBe(true);

    const later = track(net.createServer());
    expect(useSharedReadBuffer(later)).toBe(true);
    await new Promise<void>((resolve) => later.listen(0, '127.0.0.1', resolve));
    const acceptedLater = nextConnection(later);
    await connect((later.address() as net.AddressInfo).port);
    expect(attachReadSink(await acceptedLater, () => {})).toBe(true);
  });

  it('keeps reading through the shared buffer after the server closes and listens again', async () => {
    const { server } = await listen();
    useSharedReadBuffer(server);
    await new Promise((resolve) => server.close(resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = nextConnection(server);
    await connect((server.address() as net.AddressInfo).port);
    expect(attachReadSink(await accepted, () => {})).toBe(true);
  });

  it('leaves alone TLS servers and servers that pause or limit their connections', async () => {
    const tlsServer = track(tls.createServer({ cert: certificate }));
    expect(useSharedReadBuffer(tlsServer)).toBe(false);
    const pausing = track(net.createServer({ pauseOnConnect: true }));
    expect(useSharedReadBuffer(pausing)).toBe(false);
    const limited = track(net.createServer());
    limited.maxConnections = 2;
    expect(useSharedReadBuffer(limited)).toBe(false);
  });

  it('falls back to Node when a limit is set after the hook went in: the limit holds', async () => {
    const { server, port } = await listen((socket) => track(socket));
    useSharedReadBuffer(server);
    server.maxConnections = 1;
    let dropped = 0;
    server.on('drop', () => dropped++);
    await connect(port);
    const second = await connect(port);
    await new Promise((resolve) => second.once('close', resolve));
    expect(dropped).toBe(1);
  });

  it("announces each accepted socket on the net.server.socket diagnostics channel, as Node's accept does", async () => {
    const { server, port } = await listen();
    useSharedReadBuffer(server);
    const announced: net.Socket[] = [];
    const onMessage = (message: unknown) => announced.push((message as { socket: net.Socket }).socket);
    diagnosticsChannel.subscribe('net.server.socket', onMessage);
    try {
      const accepted = nextConnection(server);
      await connect(port);
      const socket = await accepted;
      expect(announced).toContain(socket);
      expect(attachReadSink(socket, () => {})).toBe(true);
    } finally {
      diagnosticsChannel.unsubscribe('net.server.socket', onMessage);
    }
  });

  it('a stream gets the bytes without any data event, while a data listener hears nothing', async () => {
    const { server, port } = await listen();
    useSharedReadBuffer(server);
    const accepted = nextConnection(server);
    const client = await connect(port);
    const socket = await accepted;
    let dataEvents = 0;
    const stream = track(new IOStream(socket));
    socket.on('data', () => dataEvents++);
    client.write('hello\n');
    expect((await stream.readUntil('\n')).toString()).toBe('hello\n');
    expect(dataEvents).toBe(0);
  });

  it('keeps every connection\'s bytes apart: 16 echo clients of 1 MiB each get their own bytes back', async () => {
    const { server, port } = await listen((socket) => {
      track(socket);
      socket.pipe(socket);
    });
    useSharedReadBuffer(server);
    const results = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const payload = randomBytes(1 << 20);
        const client = await connect(port);
        const echoed = readAll(client);
        for (let at = 0; at < payload.length; at += 7001) client.write(payload.subarray(at, at + 7001));
        client.end();
        return (await echoed).equals(payload);
      }),
    );
    expect(results).toEqual(Array(16).fill(true));
  });

  it('pause() stops reading, so the peer backs up, and resume() delivers the rest in order', async () => {
    const { server, port } = await listen();
    useSharedReadBuffer(server);
    const accepted = nextConnection(server);
    const client = await connect(port);
    const socket = track(await accepted);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.pause();
    const payload = randomBytes(8 << 20);
    client.write(payload);
    await sleep(100);
    expect(received.length).toBe(0);
    expect(client.writableLength).toBeGreaterThan(0);
    socket.resume();
    await waitFor(() => received.reduce((n, chunk) => n + chunk.length, 0) === payload.length);
    expect(Buffer.concat(received).equals(payload)).toBe(true);
  });

  it('honours allowHalfOpen: after the client ends, the server still writes back', async () => {
    const server = track(net.createServer({ allowHalfOpen: true }, (socket) => {
      track(socket);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => socket.end(Buffer.concat(chunks).toString().toUpperCase()));
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    useSharedReadBuffer(server);
    const client = await connect((server.address() as net.AddressInfo).port);
    const reply = readAll(client);
    client.end('half open');
    expect((await reply).toString()).toBe('HALF OPEN');
  });

  it('counts its connections: getConnections sees them, and close() waits for them to end', async () => {
    const { server, port } = await listen((socket) => track(socket));
    useSharedReadBuffer(server);
    const accepted = nextConnection(server);
    const client = await connect(port);
    const socket = await accepted;
    const count = await new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
    expect(count).toBe(1);
    let closed = false;
    server.close(() => {
      closed = true;
    });
    await sleep(50);
    expect(closed).toBe(false);
    client.destroy();
    socket.destroy();
    await waitFor(() => closed);
  });

  it('a detached stream\'s socket reads through data events again', async () => {
    const { server, port } = await listen();
    useSharedReadBuffer(server);
    const accepted = nextConnection(server);
    const client = await connect(port);
    const stream = new IOStream(await accepted);
    client.write('one');
    expect((await stream.readBytes(3)).toString()).toBe('one');
    const { socket } = stream.detach();
    track(socket);
    const rest = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    socket.resume();
    client.write('two');
    expect(await rest).toBe('two');
  });
});
