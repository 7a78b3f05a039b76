// The keep-alive pool: reuse only after a complete response that allows it, one request per
// connection at a time, per-host limit, idle timeout, connections the server closed while idle,
// stale-connection retry (the server's Keep-Alive timeout: keep-alive-timeout.test.ts).
import { appLog, expectLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTPStreamClosedError } from '../src/index';
import { closeAll, newClient, ok, rawServer, sleep, track } from './helpers';
import { startNodeServer } from './servers';

afterEach(closeAll);

describe('connection reuse', () => {
  it('makes 20 sequential requests to one host over one TCP connection', async () => {
    const server = await startNodeServer();
    track({ close: () => void server.stop() });
    const client = newClient();
    for (let i = 0; i < 20; i++) expect((await client.fetch(server.url('/hello'))).text()).toBe('Hello world!');
    expect(server.connections()).toBe(1);
    expect(client.pool.idleCount).toBe(1);
  });

  it('never hands one connection to two requests: concurrent requests open their own', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await rawServer(async (_request, index) => {
      if (index < 3) await gate;
      return ok(`r${index}`);
    });
    const client = newClient({ maxClients: 10 });
    const pending = [client.fetch(server.url('/a')), client.fetch(server.url('/b')), client.fetch(server.url('/c'))];
    await sleep(50);
    release();
    const bodies = (await Promise.all(pending)).map((r) => r.text()).sort();
    expect(bodies).toEqual(['r0', 'r1', 'r2']);
    expect(server.connections()).toBe(3);
    expect(new Set(server.received.map((r) => r.connection)).size).toBe(3);
    // All three went idle and are reused from now on.
    for (let i = 0; i < 5; i++) await client.fetch(server.url('/d'));
    expect(server.connections()).toBe(3);
  });

  it('does not reuse a connection after Connection: close or an HTTP/1.0 response', async () => {
    const server = await rawServer((_request, index) =>
      index % 2 === 0 ? ok('x', 'Connection: close\r\n') : 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\ny',
    );
    const client = newClient();
    for (let i = 0; i < 4; i++) await client.fetch(server.url());
    expect(server.connections()).toBe(4);
    expect(client.pool.idleCount).toBe(0);
  });

  it('reuses an HTTP/1.0 connection that says keep-alive', async () => {
    const server = await rawServer(() => 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\ny');
    const client = newClient();
    for (let i = 0; i < 3; i++) await client.fetch(server.url());
    expect(server.connections()).toBe(1);
  });

  it('does not reuse a connection on which the server sent bytes past the response, with it or while idle', async () => {
    const junk = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!';
    const withResponse = await rawServer((_request, index) => (index === 0 ? ok('first') + junk : ok(`r${index}`)));
    const client = newClient();
    expect((await client.fetch(withResponse.url())).text()).toBe('first');
    expect((await client.fetch(withResponse.url())).text()).toBe('r1');
    expect(withResponse.connections()).toBe(2);

    const whileIdle = await rawServer((_request, index, socket) => {
      if (index === 0) setTimeout(() => socket.write(junk), 20);
      return ok(`r${index}`);
    });
    expect((await client.fetch(whileIdle.url())).text()).toBe('r0');
    await sleep(80);
    expect((await client.fetch(whileIdle.url())).text()).toBe('r1');
    expect(whileIdle.connections()).toBe(2);
  });

  it('does not reuse a connection whose response was not read completely', async () => {
    const server = await rawServer(() => ok('x'.repeat(100_000)));
    const client = newClient();
    const failing = client.fetch(server.url(), {
      streamingCallback: () => {
        throw new Error('stop reading');
      },
    });
    await expectLog(appLog, /Uncaught exception in HTTP message delegate/, async () => {
      await expect(failing).rejects.toThrow('stop reading');
    });
    expect(client.pool.idleCount).toBe(0);
    expect((await client.fetch(server.url())).body.length).toBe(100_000);
    expect(server.connections()).toBe(2);
  });

  it('does not reuse a connection after a timeout or a malformed response', async () => {
    const server = await rawServer((request) => (request.includes('/slow') ? null : request.includes('/bad') ? 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n' : ok()));
    const client = newClient();
    await client.fetch(server.url());
    await expect(client.fetch(server.url('/slow'), { requestTimeout: 50 })).rejects.toThrow('Timeout during request');
    await expectLog(genLog, /Malformed HTTP message/, async () => {
      await expect(client.fetch(server.url('/bad'))).rejects.toBeInstanceOf(HTTPStreamClosedError);
    });
    await client.fetch(server.url());
    expect(server.connections()).toBe(3);
  });

  it('keeps at most maxConnectionsPerHost connections; the others wait their turn', async () => {
    const server = await rawServer(async () => {
      await sleep(5);
      return ok();
    });
    const client = newClient({ maxClients: 10, maxConnectionsPerHost: 2 });
    await Promise.all(Array.from({ length: 8 }, () => client.fetch(server.url())));
    expect(server.connections()).toBe(2);
    expect(server.received).toHaveLength(8);
  });

  it('pools per host: another port gets its own connection', async () => {
    const a = await rawServer(() => ok('a'));
    const b = await rawServer(() => ok('b'));
    const client = newClient();
    for (let i = 0; i < 3; i++) {
      expect((await client.fetch(a.url())).text()).toBe('a');
      expect((await client.fetch(b.url())).text()).toBe('b');
    }
    expect([a.connections(), b.connections()]).toEqual([1, 1]);
    expect(client.pool.idleCount).toBe(2);
  });

  it('closes a connection idle for idleConnectionTimeout ms', async () => {
    const server = await rawServer(() => ok());
    const client = newClient({ idleConnectionTimeout: 60 });
    await client.fetch(server.url());
    const serverSide = server.sockets[0];
    const closed = new Promise<void>((resolve) => serverSide.once('end', () => resolve()));
    await closed;
    expect(client.pool.idleCount).toBe(0);
    await client.fetch(server.url());
    expect(server.connections()).toBe(2);
  });

  it('drops an idle connection the server closed, without an error', async () => {
    const server = await rawServer(() => ok(), { closeAfter: true });
    const client = newClient();
    for (let i = 0; i < 3; i++) {
      await client.fetch(server.url());
      await sleep(20);
    }
    expect(server.connections()).toBe(3);
  });

  it('sends a POST on a new connection when the server closed the idle one: a closed one is never reused', async () => {
    // POSTs are not retried, so each one succeeding shows that no closed connection was handed out.
    const server = await rawServer((_request, _index, socket) => {
      setTimeout(() => socket.end(), 10);
      return ok();
    });
    const client = newClient();
    for (let i = 0; i < 3; i++) {
      expect((await client.fetch(server.url(), { method: 'POST', body: 'x' })).code).toBe(200);
      await sleep(50);
    }
    expect(server.connections()).toBe(3);
    expect(server.received).toHaveLength(3);
  });

  it('retries a GET once on a new connection when a pooled one turns out closed', async () => {
    // The first connection answers one request, then closes when the second arrives unanswered:
    // the race of a server closing an idle connection just as it is reused.
    const server = await rawServer((_request, index, socket) => {
      if (index === 1) {
        socket.destroy();
        return null;
      }
      return ok(`r${index}`);
    });
    const client = newClient();
    expect((await client.fetch(server.url())).text()).toBe('r0');
    expect((await client.fetch(server.url())).text()).toBe('r2');
    expect(server.connections()).toBe(2);
  });

  it('does not retry a POST on a closed pooled connection', async () => {
    const server = await rawServer((_request, index, socket) => {
      if (index === 1) {
        socket.destroy();
        return null;
      }
      return ok();
    });
    const client = newClient();
    await client.fetch(server.url());
    await expect(client.fetch(server.url(), { method: 'POST', body: 'x' })).rejects.toBeInstanceOf(HTTPStreamClosedError);
    expect(server.received).toHaveLength(2);
  });
});
