import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import type { ResolvedAddress, Resolver } from '@tornado-ts/tcpclient';

/** Self-signed test certificate (CN=localhost, SAN DNS:localhost, DNS:tornado.test, IP:127.0.0.1, IP:::1) and its key. */
export const [certificate, privateKey] = ['test.crt', 'test.key'].map((name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** What {@link closeAll} runs, newest first: closing tracked things, stopping blackhole listeners. */
const cleanups: Array<() => unknown> = [];

/** Closes (or destroys) `thing` in {@link closeAll}; returns it. */
export function track<T extends { close(): unknown } | { destroy(): unknown }>(thing: T): T {
  cleanups.push(() => ('close' in thing ? thing.close() : thing.destroy()));
  return thing;
}

/** Runs every pending cleanup; call it in `afterEach`. */
export async function closeAll(): Promise<void> {
  const pending = cleanups.splice(0).reverse();
  await Promise.all(pending.map((cleanup) => cleanup()));
}

/** The port a listening server is bound to. */
export function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

/** A TCP server (tracked) on `host` and an ephemeral port; every accepted socket is tracked too. */
export async function listen(host = '127.0.0.1', server: net.Server = net.createServer()): Promise<{ server: net.Server; port: number }> {
  track(server);
  server.on(server instanceof tls.Server ? 'secureConnection' : 'connection', (socket: net.Socket) => track(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return { server, port: portOf(server) };
}

/** A TLS server with the test certificate on `host`. */
export function listenTls(host = '127.0.0.1'): Promise<{ server: tls.Server; port: number }> {
  return listen(host, tls.createServer({ key: privateKey, cert: certificate })) as Promise<{ server: tls.Server; port: number }>;
}

/** Resolves with the next socket the server accepts (after the handshake for a TLS server). */
export function nextConnection<S extends net.Socket = net.Socket>(server: net.Server): Promise<S> {
  return new Promise((resolve) => server.once(server instanceof tls.Server ? 'secureConnection' : 'connection', resolve));
}

/** A port on `host` where nothing listens (bound, then released), so connecting is refused. */
export async function refusedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let ipv6: Promise<boolean> | undefined;

/** True when this machine can listen on and connect to ::1 (checked once). */
export function hasIPv6Loopback(): Promise<boolean> {
  ipv6 ??= new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => {
      const socket = net.connect(portOf(server), '::1');
      const done = (ok: boolean) => {
        socket.destroy();
        server.close();
        resolve(ok);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  });
  return ipv6;
}

/** Skips the rest of a test (with the reason logged) when ::1 is unusable on this machine. */
export async function needIPv6(context: { skip: () => void }): Promise<void> {
  if (!(await hasIPv6Loopback())) {
    console.warn('skipping an IPv6 assertion: no IPv6 loopback (::1) on this machine');
    context.skip();
  }
}

/** A resolver answering every name with `addresses`, in that order (ports included). */
export function fixedResolver(addresses: ResolvedAddress[]): Resolver & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    resolve: async (...args) => {
      calls.push(args);
      return addresses;
    },
  };
}

// Runs in a worker: listens with the smallest backlog, reports the port, then blocks its own event
// loop so nothing is ever accepted. Once the kernel's accept queue is full, new connects hang.
const BLACKHOLE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const server = net.createServer();
server.listen({ port: 0, host: workerData.host, backlog: 1 }, () => {
  parentPort.postMessage(server.address().port);
  Atomics.wait(new Int32Array(workerData.flag), 0, 0);
  server.close();
});
`;

function connectsWithin(port: number, host: string, ms: number, fillers: net.Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.on('error', () => {});
    fillers.push(socket);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * A port on `host` where a connect neither succeeds nor fails for a long while: a listener whose
 * accept queue is full and which never accepts (an unreachable address, but on loopback).
 */
export async function blackholePort(host = '127.0.0.1'): Promise<number> {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(BLACKHOLE_WORKER, { eval: true, workerData: { host, flag } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const fillers: net.Socket[] = [];
  const stop = async (): Promise<void> => {
    for (const socket of fillers) socket.destroy();
    Atomics.store(new Int32Array(flag), 0, 1);
    Atomics.notify(new Int32Array(flag), 0);
    await worker.terminate();
  };
  cleanups.push(stop);
  for (let i = 0; i < 64; i++) {
    if (!(await connectsWithin(port, host, 150, fillers))) return port;
  }
  throw new Error('could not fill the accept queue of the blackhole listener');
}

/** Milliseconds since `start` (a `performance.now()` value). */
export function elapsedSince(start: number): number {
  return performance.now() - start;
}
