// HTTPServer.close({ timeout }): stop accepting, close idle keep-alive connections at once, let
// in-flight requests finish (their response says Connection: close), force-close at the timeout.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, connect, deferred, hello, readAll, readResponse, respond, serve } from './helpers';

afterEach(closeAll);

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** A server whose requests wait for `release` before answering; `arrived` resolves with each request. */
async function slowServer() {
  let release = deferred();
  let arrived = deferred();
  const server = await serve(async (request) => {
    arrived.resolve();
    await release.promise;
    await respond(request, `done ${request.path}`);
  });
  return {
    server,
    /** Resolves when the next request reaches the callback. */
    nextArrival: () => arrived.promise,
    release: () => {
      release.resolve();
      release = deferred();
      arrived = deferred();
    },
  };
}

describe('HTTPServer.close', () => {
  it('closes idle keep-alive connections at once and stops accepting', async () => {
    const server = await serve(hello);
    const port = server.port;
    const used = await connect(port);
    await used.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await readResponse(used);
    const fresh = await connect(port);
    const started = Date.now();
    await server.close({ timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await readAll(used)).toBe('');
    expect(await readAll(fresh)).toBe('');
    expect(server.connectionCount).toBe(0);
    expect(await refused(port)).toBe(true);
  });

  it('lets an in-flight request finish, with Connection: close, and serves nothing after it', async () => {
    const { server, nextArrival, release } = await slowServer();
    const stream = await connect(server.port);
    const arrival = nextArrival();
    // A second, pipelined request must not be served once closing.
    await stream.write('GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n');
    await arrival;
    let closed = false;
    const closing = server.close({ timeout: 10_000 }).then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    expect(await refused(server.port ?? 0)).toBe(true);
    release();
    const response = await readResponse(stream);
    expect(response.body.toString()).toBe('done /first');
    expect(response.headers.get('Connection')).toBe('close');
    expect(await readAll(stream)).toBe('');
    await closing;
    expect(server.connectionCount).toBe(0);
  });

  it('force-closes what is still open at the timeout', async () => {
    const { server, nextArrival, release } = await slowServer();
    const stream = await connect(server.port);
    const arrival = nextArrival();
    await stream.write('GET /stuck HTTP/1.1\r\nHost: a\r\n\r\n');
    await arrival;
    const started = Date.now();
    await server.close({ timeout: 150 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(2_000);
    expect(await readAll(stream)).toBe('');
    expect(server.connectionCount).toBe(0);
    release(); // the callback's late write fails quietly on the closed stream
  });

  it('timeout 0 closes everything at once', async () => {
    const { server, nextArrival } = await slowServer();
    const stream = await connect(server.port);
    const arrival = nextArrival();
    await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await arrival;
    await server.close({ timeout: 0 });
    expect(await readAll(stream)).toBe('');
  });

  it('stop() only stops accepting: open keep-alive connections go on being served', async () => {
    const server = await serve(hello);
    const port = server.port;
    const stream = await connect(port);
    await server.stop();
    expect(await refused(port)).toBe(true);
    for (let i = 0; i < 2; i++) {
      await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      expect((await readResponse(stream)).body.toString()).toBe('Hello world');
    }
    await server.close({ timeout: 1_000 });
    expect(await readAll(stream)).toBe('');
  });

  it('refuses a negative or NaN timeout', async () => {
    const server = await serve(hello);
    await expect(server.close({ timeout: -1 })).rejects.toThrow(RangeError);
    await expect(server.close({ timeout: Number.NaN })).rejects.toThrow(/close timeout/);
  });

  it('closes at once when nothing is open, and may be called again', async () => {
    const server = await serve(hello);
    await server.close();
    await server.close();
    expect(server.connectionCount).toBe(0);
  });
});
