import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IOStream } from '@tornado-ts/iostream';
import { NotASocketError, TCPServer, bindSockets, bindUnixSocket } from '@tornado-ts/tcpserver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAll, roundTrip, track } from './helpers';

const hasIPv6 = Object.values(networkInterfaces()).some((list) => list?.some((entry) => entry.address === '::1'));

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

function describeAll(servers: net.Server[]): string[] {
  return servers.map((server) => {
    const { address, port } = server.address() as net.AddressInfo;
    return `${address} ${port}`;
  });
}

/** Binds, then tracks every server for closing after the test. */
async function bound(...args: Parameters<typeof bindSockets>): Promise<net.Server[]> {
  return (await bindSockets(...args)).map(track);
}

afterEach(closeAll);

describe('bindSockets', () => {
  it('binds one server on an IP address, port 0 picking a free port', async () => {
    const servers = await bound(0, '127.0.0.1');
    expect(servers).toHaveLength(1);
    expect(servers[0].listening).toBe(true);
    expect(portOf(servers[0])).toBeGreaterThan(0);
  });

  it.skipIf(!hasIPv6)('binds IPv4 and IPv6 wildcards on one port when the host is omitted (same port allocation)', async () => {
    const servers = await bound(0);
    const port = portOf(servers[0]);
    expect(describeAll(servers)).toEqual([`0.0.0.0 ${port}`, `:: ${port}`]);
    // An empty host means the same.
    const again = await bound(0, '');
    expect(again).toHaveLength(2);
    expect(portOf(again[1])).toBe(portOf(again[0]));
  });

  it.skipIf(!hasIPv6)('makes the IPv6 server IPv6-only, so each family reaches its own server', async () => {
    const [v4, v6] = await bound(0);
    const seen: string[] = [];
    v4.on('connection', (socket: net.Socket) => {
      seen.push('v4');
      socket.destroy();
    });
    v6.on('connection', (socket: net.Socket) => {
      seen.push('v6');
      socket.destroy();
    });
    for (const host of ['127.0.0.1', '::1']) {
      const client = track(net.connect(portOf(v4), host));
      await new Promise((resolve) => client.once('close', resolve));
    }
    expect(seen).toEqual(['v4', 'v6']);
  });

  it.skipIf(!hasIPv6)('restricts the addresses to one family', async () => {
    expect(describeAll(await bound(0, undefined, { family: 4 }))).toEqual([expect.stringMatching(/^0\.0\.0\.0 \d+$/)]);
    expect(describeAll(await bound(0, undefined, { family: 6 }))).toEqual([expect.stringMatching(/^:: \d+$/)]);
    expect(describeAll(await bound(0, '::1'))).toEqual([expect.stringMatching(/^::1 \d+$/)]);
  });

  it('resolves a host name and binds each of its addresses on the same port', async () => {
    const servers = await bound(0, 'localhost');
    expect(servers.length).toBeGreaterThan(0);
    const port = portOf(servers[0]);
    expect(servers.every((server) => portOf(server) === port)).toBe(true);
  });

  it('binds a given port, and rejects with EADDRINUSE when it is taken', async () => {
    const [first] = await bound(0, '127.0.0.1');
    const port = portOf(first);
    await expect(bindSockets(port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await new Promise((resolve) => first.close(resolve));
    const [second] = await bound(port, '127.0.0.1', { backlog: 16 });
    expect(portOf(second)).toBe(port);
  });

  it.skipIf(!hasIPv6)('closes the servers it did bind when a later address fails', async () => {
    const [v6] = await bound(0, '::', { family: 6 });
    const port = portOf(v6);
    // 0.0.0.0 binds, then :: fails: the IPv4 server must not be left behind.
    await expect(bindSockets(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const [v4] = await bound(port, '0.0.0.0');
    expect(portOf(v4)).toBe(port);
  });

  it('rejects bad arguments before binding anything', async () => {
    await expect(bindSockets(-1)).rejects.toThrow(RangeError);
    await expect(bindSockets(70000)).rejects.toThrow(RangeError);
    await expect(bindSockets(0, '127.0.0.1', { family: 5 as 4 })).rejects.toThrow(RangeError);
    await expect(bindSockets(0, '127.0.0.1', { family: 6 })).rejects.toThrow('127.0.0.1 has no IPv6 address to bind');
  });
});

describe('bindUnixSocket', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpserver-unix-'));
    path = join(dir, 'server.sock');
  });

  afterEach(async () => {
    await closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on a socket file with mode 0600 by default, or the mode given', async () => {
    track(await bindUnixSocket(path));
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    const other = join(dir, 'shared.sock');
    track(await bindUnixSocket(other, 0o660));
    expect(lstatSync(other).mode & 0o777).toBe(0o660);
  });

  it('replaces a stale socket file left by a server that died', async () => {
    // A process that exits without closing its server leaves the file behind.
    execFileSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`]);
    expect(lstatSync(path).isSocket()).toBe(true);
    const server = track(await bindUnixSocket(path));
    track(net.connect(path));
    const accepted = await new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    accepted.destroy();
  });

  it('refuses to remove a file that is not a socket', async () => {
    writeFileSync(path, 'keep me');
    const error = await bindUnixSocket(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotASocketError);
    expect((error as NotASocketError).path).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe('keep me');
  });

  it('serves a TCPServer over the unix socket, and the file goes away when it stops', async () => {
    const addresses: net.AddressInfo[] = [];
    const server = track(
      new TCPServer({
        handler: async (stream, address) => {
          addresses.push(address);
          await stream.write(await stream.readUntil('\n'));
        },
      }),
    );
    server.addSocket(await bindUnixSocket(path));
    expect(server.addresses()).toEqual([path]);
    expect(server.port).toBeNull();
    const socket = net.connect(path);
    await new Promise((resolve) => socket.once('connect', resolve));
    const client = track(new IOStream(socket));
    expect(await roundTrip(client, 'over unix')).toBe('over unix');
    expect(addresses).toEqual([{ address: '', family: 'unix', port: 0 }]);
    await server.stop({ grace: 0 });
    expect(existsSync(path)).toBe(false);
  });
});
