import { createHash } from 'node:crypto';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { TimeoutError, appLog, expectLog, genLog } from '@tornado-ts/ioloop';
import {
  IOStream,
  StreamBufferFullError,
  StreamClosedError,
  StreamNotIdleError,
  useSharedReadBuffer,
} from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureLogs,
  closeAll,
  closeCallback,
  dataEventTcpPair,
  listen,
  nextConnection,
  refusedPort,
  sleep,
  tcpPair,
  track,
  waitFor,
} from './helpers';
import { readWriteSuite } from './read-write.suite';

readWriteSuite('IOStream', tcpPair);
readWriteSuite('IOStream over sockets read through data events', dataEventTcpPair);

/**
 * A tiny HTTP/1.0 server on raw sockets (Tornado's web mixin needs only this much): answers each
 * request with "Hello" and closes.
 */
async function helloServer(): Promise<number> {
  const { port } = await listen((socket) => {
    track(socket);
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nHello');
    });
    socket.on('error', () => {});
  });
  return port;
}

describe('IOStream over TCP', () => {
  afterEach(closeAll);

  it('connects, writes a request and reads the response piece by piece', async () => {
    const port = await helloServer();
    const stream = track(await IOStream.connect(port, '127.0.0.1'));
    await stream.write('GET / HTTP/1.0\r\n\r\n');
    expect((await stream.readUntil('\r\n')).toString()).toBe('HTTP/1.1 200 OK\r\n');
    const headers = (await stream.readUntil('\r\n\r\n')).toString('latin1');
    const length = Number(/Content-Length: (\d+)/.exec(headers)?.[1]);
    expect((await stream.readBytes(length)).toString()).toBe('Hello');
  });

  it('readUntilClose returns the whole response once the server closes', async () => {
    const port = await helloServer();
    const stream = track(await IOStream.connect(port, '127.0.0.1'));
    stream.write('GET / HTTP/1.0\r\n\r\n');
    const data = (await stream.readUntilClose()).toString();
    expect(data.startsWith('HTTP/1.1 200')).toBe(true);
    expect(data.endsWith('Hello')).toBe(true);
  });

  it('reads zero bytes between normal reads', async () => {
    const port = await helloServer();
    const stream = track(await IOStream.connect(port, '127.0.0.1'));
    stream.write('GET / HTTP/1.0\r\n\r\n');
    expect((await stream.readBytes(9)).toString()).toBe('HTTP/1.1 ');
    expect((await stream.readBytes(0)).length).toBe(0);
    expect((await stream.readBytes(3)).toString()).toBe('200');
  });

  it('accepts writes while the socket is still connecting; the connect comes first', async () => {
    const port = await helloServer();
    const socket = net.connect(port, '127.0.0.1');
    const stream = track(new IOStream(socket));
    const order: string[] = [];
    socket.once('connect', () => order.push('connect'));
    const writing = stream.write('GET / HTTP/1.0\r\n\r\n').then(() => order.push('write'));
    expect(order).toEqual([]);
    await writing;
    expect(order).toEqual(['connect', 'write']);
    expect((await stream.readUntilClose()).toString().endsWith('Hello')).toBe(true);
  });

  it('a read longer than the response fails with StreamClosedError when the server closes', async () => {
    const port = await helloServer();
    const stream = track(await IOStream.connect(port, '127.0.0.1'));
    await stream.write('GET / HTTP/1.0\r\n\r\n');
    await expect(stream.readBytes(1024 * 1024)).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('delivers the body before the close is reported', async () => {
    const port = await helloServer();
    const stream = track(await IOStream.connect(port, '127.0.0.1'));
    await stream.write('GET / HTTP/1.0\r\nConnection: close\r\n\r\n');
    await stream.readUntil('\r\n\r\n');
    expect((await stream.readUntilClose()).toString()).toBe('Hello');
    await expect(stream.readBytes(1)).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('connect to a refused port rejects with StreamClosedError carrying ECONNREFUSED', async () => {
    const port = await refusedPort();
    const error = await IOStream.connect(port, '127.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamClosedError);
    expect((error as StreamClosedError).realError).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a stream over a socket whose connect is refused closes, sets error and runs its close callback', async () => {
    const port = await refusedPort();
    const stream = new IOStream(net.connect(port, '127.0.0.1'));
    const closed = closeCallback(stream);
    const writing = stream.write('hello');
    await expectLog(genLog, /ECONNREFUSED/, () => closed, { required: false });
    expect(stream.error).toMatchObject({ code: 'ECONNREFUSED' });
    await expect(writing).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('a failed name lookup rejects with StreamClosedError carrying the lookup error', async () => {
    const failure = Object.assign(new Error('getaddrinfo EAI_FAIL nowhere.invalid'), { code: 'EAI_FAIL' });
    const lookup: net.LookupFunction = (_host, _options, callback) => callback(failure, '', 0);
    const error = await IOStream.connect(80, 'nowhere.invalid', { lookup }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamClosedError);
    expect((error as StreamClosedError).realError).toBe(failure);
  });

  it('connect gives up after its timeout, or when its signal aborts', async () => {
    const hang: net.LookupFunction = () => {};
    await expect(IOStream.connect(80, 'example.invalid', { lookup: hang, timeout: 20 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const connecting = IOStream.connect(80, 'example.invalid', { lookup: hang, signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await expect(connecting).rejects.toThrow('user gave up');
    await expect(IOStream.connect(80, 'example.invalid', { lookup: hang, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('a socket error fails the pending read with StreamClosedError whose realError and cause are the error, logged once', async () => {
    const [server] = await tcpPair();
    const closed = closeCallback(server);
    const reading = server.readBytes(1);
    const boom = new Error('boom');
    const records = await captureLogs(genLog, async () => {
      server.socket.destroy(boom);
      const error = await reading.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamClosedError);
      expect((error as StreamClosedError).realError).toBe(boom);
      expect((error as StreamClosedError).cause).toBe(boom);
      await closed;
    });
    expect(server.error).toBe(boom);
    expect(records).toEqual(['warn Closing stream after error: boom']);
  });

  it('a connection reset closes the stream quietly, with the reset as its error', async () => {
    const [server, client] = await tcpPair();
    const records = await captureLogs(genLog, async () => {
      const reading = client.readBytes(10);
      (server.socket as net.Socket).resetAndDestroy();
      const error = await reading.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamClosedError);
      expect((error as StreamClosedError).realError).toMatchObject({ code: 'ECONNRESET' });
    });
    expect(records).toEqual([]);
  });

  it('never orphans a write promise under many concurrent writers', async () => {
    const size = 5000;
    const count = 200;
    const producers = 10;
    const total = size * count * producers;
    const [server, client] = await tcpPair({ maxBufferSize: total });
    const produce = async () => {
      const data = Buffer.alloc(size, 'x');
      for (let i = 0; i < count; i++) await server.write(data);
    };
    const consume = async () => {
      for (let read = 0; read < total; ) read += (await client.readBytes(size)).length;
    };
    await Promise.all([...Array.from({ length: producers }, produce), consume()]);
    expect(server.writing()).toBe(false);
  });

  it('moves 50 MB intact with bounded buffers on both sides', async () => {
    const total = 50 * 1024 * 1024;
    const chunk = 1024 * 1024;
    const [reader, writer] = await tcpPair();
    // Garbage (consumed chunks) is freed only by a GC, so memory is measured right after one.
    v8.setFlagsFromString('--expose-gc');
    const runGc = vm.runInNewContext('gc') as () => void;
    // Buffers are released by a callback after the collection that finds them dead: collect twice.
    const gc = () => {
      runGc();
      runGc();
    };
    gc();
    const before = process.memoryUsage();
    let maxPending = 0;
    let maxArrayBufferGrowth = 0;
    let maxRssGrowth = 0;
    const sent = createHash('sha256');
    const received = createHash('sha256');
    const produce = async () => {
      // One buffer, refilled: a write has resolved once the kernel holds the bytes.
      const data = Buffer.allocUnsafe(chunk);
      for (let offset = 0; offset < total; offset += chunk) {
        for (let i = 0; i < chunk; i += 4) data.writeUInt32LE((offset + i) >>> 0, i);
        sent.update(data);
        const writing = writer.write(data);
        maxPending = Math.max(maxPending, writer.socket.writableLength);
        await writing;
      }
    };
    const consume = async () => {
      for (let read = 0, checked = 0; read < total; ) {
        const data = await reader.readBytes(256 * 1024, { partial: true });
        received.update(data);
        read += data.length;
        if (read - checked >= 8 * 1024 * 1024) {
          checked = read;
          gc();
          const now = process.memoryUsage();
          maxArrayBufferGrowth = Math.max(maxArrayBufferGrowth, now.arrayBuffers - before.arrayBuffers);
          maxRssGrowth = Math.max(maxRssGrowth, now.rss - before.rss);
        }
      }
    };
    await Promise.all([produce(), consume()]);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    // The writer never has more than the chunk it awaits in flight ...
    expect(maxPending).toBeLessThanOrEqual(chunk);
    // ... and what stays alive on both sides is a few chunks, not the 50 MB that went through.
    expect(maxArrayBufferGrowth).toBeLessThan(8 * 1024 * 1024);
    expect(maxRssGrowth).toBeLessThan(25 * 1024 * 1024);
  });

  it('pauses a reader that is not reading, so the writer waits, and resumes on the next read', async () => {
    const [reader, writer] = await tcpPair();
    const total = 32 * 1024 * 1024;
    const writing = writer.write(Buffer.alloc(total, 'z'));
    await waitFor(() => reader.socket.isPaused());
    await sleep(50);
    expect(writer.writing()).toBe(true);
    let read = 0;
    while (read < total) read += (await reader.readBytes(1024 * 1024, { partial: true })).length;
    await writing;
    expect(writer.writing()).toBe(false);
  });

  it('reads a 4 MB message sent in 1 to 16 byte writes in linear time', async () => {
    const [reader, writer] = await tcpPair();
    writer.setNodelay(true);
    const size = 4 * 1024 * 1024;
    const body = Buffer.alloc(size, 'a');
    const started = performance.now();
    const reading = reader.readUntil('\r\n\r\n');
    let last: Promise<void> = Promise.resolve();
    for (let offset = 0, step = 1; offset < size; offset += step, step = (step % 16) + 1) {
      last = writer.write(body.subarray(offset, Math.min(size, offset + step)));
      if (offset % 65536 < step) await last;
    }
    writer.write('\r\n\r\n');
    expect((await reading).length).toBe(size + 4);
    await last;
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('readUntilClose fails with StreamBufferFullError past maxBufferSize', async () => {
    const [reader, writer] = await tcpPair({ maxBufferSize: 100 * 1024 });
    await expectLog(genLog, /maximum read buffer size/, async () => {
      const reading = reader.readUntilClose();
      writer.write(Buffer.alloc(1024 * 1024));
      await expect(reading).rejects.toBeInstanceOf(StreamBufferFullError);
    });
  });

  it('refuses writes past maxWriteBufferSize and stays open', async () => {
    const [reader, writer] = await tcpPair({ maxWriteBufferSize: 1000 });
    await expect(writer.write(Buffer.alloc(2000))).rejects.toBeInstanceOf(StreamBufferFullError);
    await writer.write(Buffer.alloc(500, 'k'));
    expect(writer.closed()).toBe(false);
    expect((await reader.readBytes(500)).equals(Buffer.alloc(500, 'k'))).toBe(true);
  });

  it('close() with writes still pending drops them and destroys the socket at once', async () => {
    const [reader, writer] = await tcpPair();
    const writing = writer.write(Buffer.alloc(64 * 1024 * 1024));
    expect(writer.writing()).toBe(true);
    writer.close();
    expect(writer.socket.destroyed).toBe(true);
    await expect(writing).rejects.toBeInstanceOf(StreamClosedError);
    // The reader is paused on its read-ahead, so it learns of the close only once it reads on.
    expect(reader.closed()).toBe(false);
  });

  it('close() without pending writes ends the socket so the peer sees a clean end of stream', async () => {
    const [reader, writer] = await tcpPair();
    const reading = reader.readUntilClose();
    writer.write('last words');
    await writer.write('.');
    writer.close();
    expect((await reading).toString()).toBe('last words.');
    expect(reader.error).toBeNull();
    await waitFor(() => writer.socket.destroyed);
  });

  it('detach hands over the socket and the bytes read but not consumed', async () => {
    const [server, client] = await tcpPair();
    let closeCalls = 0;
    server.setCloseCallback(() => {
      closeCalls++;
    });
    await client.write('hello world');
    expect((await server.readBytes(5)).toString()).toBe('hello');
    const { socket, buffered } = server.detach();
    expect(buffered.toString()).toBe(' world');
    expect(server.closed()).toBe(true);
    await expect(server.readBytes(1)).rejects.toBeInstanceOf(StreamClosedError);
    await expect(server.write('x')).rejects.toBeInstanceOf(StreamClosedError);
    expect(() => server.detach()).toThrow(StreamClosedError);

    // The socket is ours now: paused, and still connected both ways.
    track(socket);
    expect(socket.isPaused()).toBe(true);
    const more = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    socket.resume();
    await client.write('!');
    expect(await more).toBe('!');
    socket.write('bye');
    expect((await client.readBytes(3)).toString()).toBe('bye');
    socket.destroy();
    await sleep(20);
    expect(closeCalls).toBe(0);
  });

  it('detach refuses while a read is pending', async () => {
    const [server] = await tcpPair();
    const reading = server.readBytes(1);
    expect(() => server.detach()).toThrow(StreamNotIdleError);
    server.close();
    await expect(reading).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('settles a write the kernel takes at once without waiting for a later tick', async () => {
    const [reader, writer] = await tcpPair();
    let settled = false;
    const writing = writer.write('abc').then(() => {
      settled = true;
    });
    expect(writer.writing()).toBe(false);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(true);
    await writing;
    expect((await reader.readBytes(3)).toString()).toBe('abc');
  });

  it('reports bufferedLength: bytes received and not yet read', async () => {
    const [server, client] = await tcpPair();
    expect(server.bufferedLength).toBe(0);
    await client.write('hello world');
    await waitFor(() => server.bufferedLength === 11);
    expect((await server.readBytes(5)).toString()).toBe('hello');
    expect(server.bufferedLength).toBe(6);
    server.unread(Buffer.from('>'));
    expect(server.bufferedLength).toBe(7);
  });

  it('reports reading() and writing()', async () => {
    const [reader, writer] = await tcpPair();
    expect(reader.reading()).toBe(false);
    const reading = reader.readBytes(3);
    expect(reader.reading()).toBe(true);
    // A small write goes to the kernel during the call (as in Tornado), so it is never pending.
    const small = writer.write('abc');
    expect(writer.writing()).toBe(false);
    await small;
    await reading;
    expect(reader.reading()).toBe(false);
    // One the kernel cannot take at once waits in the socket until the reader drains it.
    const size = 32 * 1024 * 1024;
    const large = writer.write(Buffer.alloc(size, 'q'));
    expect(writer.writing()).toBe(true);
    let read = 0;
    while (read < size) read += (await reader.readBytes(size, { partial: true })).length;
    await large;
    expect(writer.writing()).toBe(false);
  });

  it('setNodelay toggles TCP_NODELAY and is a no-op once closed', async () => {
    const [server] = await tcpPair();
    server.setNodelay(true);
    server.setNodelay(false);
    server.close();
    expect(() => server.setNodelay(true)).not.toThrow();
  });

  it('logs an exception thrown by the close callback; a callback set after the close still runs once', async () => {
    const [server] = await tcpPair();
    server.setCloseCallback(() => {
      throw new Error('callback failed');
    });
    await expectLog(appLog, /Exception in close callback/, async () => {
      server.close();
      await sleep(10);
    });
    let late = 0;
    server.setCloseCallback(() => {
      late++;
    });
    await sleep(10);
    expect(late).toBe(1);
  });

  it('a stream over an already destroyed socket starts closed', async () => {
    const socket = new net.Socket();
    socket.destroy();
    const stream = new IOStream(socket);
    expect(stream.closed()).toBe(true);
    await expect(stream.readBytes(1)).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('rejects bad arguments synchronously', async () => {
    const [server] = await tcpPair();
    expect(() => server.readBytes(-1)).toThrow(RangeError);
    expect(() => server.readBytes(1.5)).toThrow(RangeError);
    expect(() => server.readUntil('')).toThrow(RangeError);
    expect(() => server.readUntil('x', { maxBytes: -1 })).toThrow(RangeError);
    expect(() => server.write(42 as unknown as string)).toThrow(TypeError);
    expect(() => new IOStream(new net.Socket(), { maxBufferSize: -5 })).toThrow(RangeError);
    expect(server.reading()).toBe(false);
  });

  it('reads after a local close can still be served from the buffer', async () => {
    const [reader, writer] = await tcpPair();
    await writer.write('abcdef');
    await sleep(10);
    reader.close();
    expect((await reader.readUntil('c')).toString()).toBe('abc');
    expect((await reader.readBytes(3)).toString()).toBe('def');
    await expect(reader.readBytes(1)).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('accepts a server connection made with nextConnection and closes both ends', async () => {
    const { server, port } = await listen();
    const accepted = nextConnection(server);
    const client = track(await IOStream.connect(port, '127.0.0.1', { readChunkSize: 1024 }));
    const stream = track(new IOStream(await accepted));
    expect(client.readChunkSize).toBe(1024);
    expect(stream.maxBufferSize).toBe(100 * 1024 * 1024);
    expect(stream.maxWriteBufferSize).toBe(Infinity);
    const closed = closeCallback(client);
    stream.close();
    await closed;
    expect(client.error).toBeNull();
  });
});

describe('IOStream.closeLingering', () => {
  afterEach(closeAll);

  /** A stream accepted through the shared read buffer, and the raw client socket at the other end. */
  async function streamAndPeer(allowHalfOpen = false): Promise<[IOStream, net.Socket]> {
    const { server, port } = await listen();
    useSharedReadBuffer(server);
    const accepted = nextConnection(server);
    const peer = track(net.connect({ port, host: '127.0.0.1', allowHalfOpen }));
    await new Promise((resolve) => peer.once('connect', resolve));
    return [track(new IOStream(await accepted)), peer];
  }

  it('drains a peer that is still sending, so it can finish and read the last words without a reset', async () => {
    const [server, peer] = await streamAndPeer();
    peer.pause();
    const errors: string[] = [];
    peer.on('error', (error: NodeJS.ErrnoException) => errors.push(String(error.code)));
    // The server answers, then closes while 8 MiB it will never read are still on their way.
    const sent = new Promise<void>((resolve) => {
      peer.write(Buffer.alloc(8 << 20, 1), () => resolve());
      peer.once('close', () => resolve());
    });
    await server.write('refused');
    server.closeLingering(5000);
    await sent;
    expect(errors).toEqual([]);
    const received: Buffer[] = [];
    const ended = new Promise<void>((resolve) => peer.once('end', resolve));
    peer.on('data', (chunk: Buffer) => received.push(chunk));
    peer.resume();
    await ended;
    expect(Buffer.concat(received).toString()).toBe('refused');
    expect(errors).toEqual([]);
    peer.end();
    // The peer has ended its side: the server lets the socket go well before the 5 s bound.
    await waitFor(() => server.socket.destroyed, 1000);
  });

  it('cuts off a peer that keeps sending once the time is up', async () => {
    // Half open: the peer goes on sending after the server's end of stream.
    const [server, peer] = await streamAndPeer(true);
    peer.on('error', () => {});
    const chunk = Buffer.alloc(16 * 1024, 2);
    const flood = setInterval(() => peer.writable && peer.write(chunk), 1);
    try {
      const started = Date.now();
      server.closeLingering(200);
      await sleep(100);
      expect(server.socket.destroyed).toBe(false);
      await waitFor(() => server.socket.destroyed, 3000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      clearInterval(flood);
    }
  });

  it('is close() for a stream with writes pending, and refuses a negative time', async () => {
    const [server] = await streamAndPeer();
    expect(() => server.closeLingering(-1)).toThrow(RangeError);
    const big = server.write(Buffer.alloc(32 << 20));
    server.closeLingering(5000);
    await expect(big).rejects.toBeInstanceOf(StreamClosedError);
    expect(server.socket.destroyed).toBe(true);
  });
});
