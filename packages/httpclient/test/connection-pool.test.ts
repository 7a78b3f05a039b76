// ConnectionPool on its own, with real streams to a local server: slots, waiters, release rules, idle sweep.
import net from 'node:net';
import { IOStream } from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionPool, type PooledConnection } from '../src/connection-pool';
import { Fifo } from '../src/fifo';
import { closeAll, sleep, track } from './helpers';

afterEach(closeAll);

async function streamFactory() {
  const server = track(net.createServer((socket) => track(socket).on('error', () => {})));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return async () => track(await IOStream.connect(port, '127.0.0.1'));
}

describe('ConnectionPool', () => {
  it('reuses a released connection, newest first, and never hands out a busy one', async () => {
    const open = await streamFactory();
    const pool = new ConnectionPool({ maxConnectionsPerHost: 10, idleTimeout: 10_000 });
    expect(pool.reserve('k')).toBe(true);
    expect(pool.reserve('k')).toBe(true);
    const a = pool.add('k', await open());
    const b = pool.add('k', await open());
    expect(pool.takeIdle('k')).toBeNull();
    pool.release(a, true);
    pool.release(b, true);
    expect(pool.idleCount).toBe(2);
    const first = pool.takeIdle('k');
    expect(first).toBe(b);
    expect(first?.busy).toBe(true);
    expect(first?.uses).toBe(2);
    expect(pool.takeIdle('k')).toBe(a);
    expect(pool.takeIdle('k')).toBeNull();
    expect(pool.takeIdle('other')).toBeNull();
    pool.close();
  });

  it('closes a connection released as not reusable, and one whose stream closed', async () => {
    const open = await streamFactory();
    const pool = new ConnectionPool({ maxConnectionsPerHost: 10, idleTimeout: 10_000 });
    pool.reserve('k');
    const a = pool.add('k', await open());
    pool.release(a, false);
    expect(a.stream.closed()).toBe(true);
    expect(pool.openCount('k')).toBe(0);
    pool.reserve('k');
    const b = pool.add('k', await open());
    pool.release(b, true);
    b.stream.close();
    expect(pool.takeIdle('k')).toBeNull();
    expect(pool.openCount('k')).toBe(0);
  });

  it('limits connections per key and hands a released one, or a freed slot, to the oldest waiter', async () => {
    const open = await streamFactory();
    const pool = new ConnectionPool({ maxConnectionsPerHost: 1, idleTimeout: 10_000 });
    expect(pool.reserve('k')).toBe(true);
    expect(pool.reserve('k')).toBe(false);
    const connection = pool.add('k', await open());
    const granted: (PooledConnection | null)[] = [];
    pool.wait('k', { grant: (c) => granted.push(c) });
    const second = pool.wait('k', { grant: () => granted.push(null) });
    pool.cancelWait('k', second);
    pool.release(connection, true);
    expect(granted).toEqual([connection]);
    expect(connection.busy).toBe(true);
    // A failed connect gives its slot to the next waiter.
    pool.wait('k', { grant: (c) => granted.push(c) });
    pool.release(connection, false);
    expect(granted).toEqual([connection, null]);
    expect(pool.openCount('k')).toBe(1);
    pool.unreserve('k');
    expect(pool.openCount('k')).toBe(0);
  });

  it('closes connections idle longer than idleTimeout, and unrefs idle sockets', async () => {
    const open = await streamFactory();
    const pool = new ConnectionPool({ maxConnectionsPerHost: 10, idleTimeout: 40 });
    pool.reserve('k');
    const connection = pool.add('k', await open());
    pool.release(connection, true);
    expect((connection.stream.socket as net.Socket & { _handle: { hasRef(): boolean } })._handle.hasRef()).toBe(false);
    await sleep(120);
    expect(connection.stream.closed()).toBe(true);
    expect(pool.idleCount).toBe(0);
    expect(pool.openCount('k')).toBe(0);
  });

  it('keeps a connection idle no longer than the server allows, less 1 s, and not at all when that is 0', async () => {
    const open = await streamFactory();
    const pool = new ConnectionPool({ maxConnectionsPerHost: 10, idleTimeout: 4000 });
    pool.reserve('k');
    const connection = pool.add('k', await open());
    pool.release(connection, true, 1500);
    expect(connection.idleTimeout).toBe(500);
    expect(pool.takeIdle('k')).toBe(connection);
    pool.release(connection, true, 60_000);
    expect(connection.idleTimeout).toBe(4000);
    expect(pool.takeIdle('k')).toBe(connection);
    pool.release(connection, true);
    expect(connection.idleTimeout).toBe(4000);
    expect(pool.takeIdle('k')).toBe(connection);
    pool.release(connection, true, 1000);
    expect(connection.stream.closed()).toBe(true);
    expect(pool.idleCount).toBe(0);
    expect(pool.openCount('k')).toBe(0);
  });

  it('does not hand out a connection past its idle time, even before the sweep closes it', async () => {
    const open = await streamFactory();
    // The sweep runs every second here; the connection may idle 50 ms.
    const pool = new ConnectionPool({ maxConnectionsPerHost: 10, idleTimeout: 50 });
    pool.reserve('k');
    const connection = pool.add('k', await open());
    pool.release(connection, true);
    connection.idleSince -= 60;
    expect(pool.takeIdle('k')).toBeNull();
    expect(connection.stream.closed()).toBe(true);
    expect(pool.openCount('k')).toBe(0);
    pool.close();
  });

  it('never hands out an idle connection the server closed, nor counts it against the limit', async () => {
    const serverSockets: net.Socket[] = [];
    const server = track(net.createServer((socket) => serverSockets.push(track(socket).on('error', () => {}))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const pool = new ConnectionPool({ maxConnectionsPerHost: 1, idleTimeout: 10_000 });
    pool.reserve('k');
    const connection = pool.add('k', track(await IOStream.connect(port, '127.0.0.1')));
    pool.release(connection, true);
    while (serverSockets.length === 0) await sleep(5);
    serverSockets[0].end();
    // No read is pending while idle, yet the stream sees the close.
    for (let i = 0; i < 100 && !connection.stream.closed(); i++) await sleep(5);
    expect(connection.stream.closed()).toBe(true);
    expect(pool.takeIdle('k')).toBeNull();
    expect(pool.openCount('k')).toBe(0);
    expect(pool.reserve('k')).toBe(true);
    pool.close();
  });
});

describe('Fifo', () => {
  it('keeps order and removes from the middle in O(1)', () => {
    const fifo = new Fifo<number>();
    const nodes = [1, 2, 3, 4].map((n) => fifo.push(n));
    fifo.remove(nodes[1]);
    fifo.remove(nodes[1]);
    expect(fifo.size).toBe(3);
    expect(fifo.shift()).toBe(1);
    fifo.remove(nodes[3]);
    expect(fifo.drain()).toEqual([3]);
    expect(fifo.shift()).toBeUndefined();
  });
});
