// The server's `Keep-Alive: timeout=N`: a pooled connection stays idle at most N s less a 1 s
// margin (and never longer than idleConnectionTimeout); malformed values keep the default.
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveTimeoutMs } from '../src/keep-alive-timeout';
import { closeAll, newClient, ok, rawServer, sleep } from './helpers';

afterEach(closeAll);

/** A raw server answering every request with `200 OK` and `Keep-Alive: <keepAlive>`. */
function keepAliveServer(keepAlive: string) {
  return rawServer(() => ok('ok', `Keep-Alive: ${keepAlive}\r\n`));
}

/** Fetches `url` `count` times, `gap` ms apart. */
async function fetchSpaced(client: ReturnType<typeof newClient>, url: string, count: number, gap: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(gap);
    expect((await client.fetch(url)).text()).toBe('ok');
  }
}

describe('Keep-Alive: timeout from the server', () => {
  it('timeout=2 leaves 1 s of idle time: requests 200 ms apart share a connection', async () => {
    const server = await keepAliveServer('timeout=2, max=100');
    const client = newClient();
    await fetchSpaced(client, server.url(), 3, 200);
    expect(server.connections()).toBe(1);
  });

  it('timeout=2 leaves 1 s of idle time: requests 1.5 s apart use a new connection, the old one closed', async () => {
    const server = await keepAliveServer('timeout=2');
    const client = newClient();
    await fetchSpaced(client, server.url(), 2, 1500);
    expect(server.connections()).toBe(2);
    expect(new Set(server.received.map((r) => r.connection))).toEqual(new Set([0, 1]));
    // The expired connection was closed by us, not left for the server to close.
    const first = server.sockets[0];
    for (let i = 0; i < 50 && !(first.readableEnded || first.destroyed); i++) await sleep(10);
    expect(first.readableEnded || first.destroyed).toBe(true);
  }, 5000);

  it.each(['timeout=1', 'timeout=0', 'TIMEOUT=1, max=5'])('%s leaves no idle time: a connection is never reused', async (keepAlive) => {
    const server = await keepAliveServer(keepAlive);
    const client = newClient();
    await fetchSpaced(client, server.url(), 3, 0);
    expect(server.connections()).toBe(3);
    expect(client.pool.idleCount).toBe(0);
  });

  it('timeout=0 with requests waiting for the one allowed connection: each opens its own in turn', async () => {
    const server = await keepAliveServer('timeout=0');
    const client = newClient({ maxConnectionsPerHost: 1 });
    const bodies = await Promise.all(Array.from({ length: 3 }, () => client.fetch(server.url()).then((r) => r.text())));
    expect(bodies).toEqual(['ok', 'ok', 'ok']);
    expect(server.connections()).toBe(3);
  });

  it.each(['timeout=abc', 'timeout=-1', 'timeout=', 'timeout', 'timeout=1.5', 'timeout=0x1', 'timeout=abc, timeout=0', 'max=0'])(
    'ignores a malformed or missing timeout (%s): idleConnectionTimeout applies',
    async (keepAlive) => {
      const server = await keepAliveServer(keepAlive);
      const client = newClient({ idleConnectionTimeout: 300 });
      await fetchSpaced(client, server.url(), 3, 50);
      expect(server.connections()).toBe(1);
      await sleep(400);
      await client.fetch(server.url());
      expect(server.connections()).toBe(2);
    },
  );

  it('keeps idleConnectionTimeout when the server allows longer', async () => {
    const server = await keepAliveServer('timeout=60');
    const client = newClient({ idleConnectionTimeout: 300 });
    await fetchSpaced(client, server.url(), 3, 100);
    expect(server.connections()).toBe(1);
    await sleep(400);
    await client.fetch(server.url());
    expect(server.connections()).toBe(2);
  });

  it('follows the latest response: a later response without Keep-Alive restores the default', async () => {
    const server = await rawServer((_request, index) => (index === 0 ? ok('ok', 'Keep-Alive: timeout=0\r\n') : ok()));
    const client = newClient();
    await fetchSpaced(client, server.url(), 4, 0);
    // The first connection closed after its response; the second carried the other three.
    expect(server.connections()).toBe(2);
  });
});

describe('keepAliveTimeoutMs', () => {
  it('reads the first timeout parameter, any case, in ms', () => {
    expect(keepAliveTimeoutMs('timeout=5')).toBe(5000);
    expect(keepAliveTimeoutMs('timeout=5, max=100')).toBe(5000);
    expect(keepAliveTimeoutMs('max=100, Timeout=7')).toBe(7000);
    expect(keepAliveTimeoutMs(' TIMEOUT = 3 ,max=1')).toBe(3000);
    expect(keepAliveTimeoutMs('timeout="4"')).toBe(4000);
    expect(keepAliveTimeoutMs('timeout=0')).toBe(0);
    expect(keepAliveTimeoutMs('timeout=2, timeout=9')).toBe(2000);
    expect(keepAliveTimeoutMs('foo="a, timeout=1", timeout=6')).toBe(6000);
    expect(keepAliveTimeoutMs('timeouts=1, timeout=8')).toBe(8000);
    expect(keepAliveTimeoutMs('timeout=99999999999999999999')).toBe(1e12);
  });

  it('returns -1 for no timeout or a malformed first one', () => {
    for (const value of ['', 'max=100', 'timeout', 'timeout=', 'timeout=abc', 'timeout=-1', 'timeout=1.5', 'timeout=5s', 'timeout="5', 'timeout=abc, timeout=5', 'timeou=5', 'time-out=5']) {
      expect(keepAliveTimeoutMs(value), value).toBe(-1);
    }
  });
});
