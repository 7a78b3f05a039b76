import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { format } from 'node:util';
import type { Logger, LogLevel } from '@tornado-ts/ioloop';
import { type BaseIOStream, IOStream, type IOStreamOptions, PipeIOStream, SSLIOStream, useSharedReadBuffer } from '@tornado-ts/iostream';

/** A connected pair: the first stream reads what the second writes (Tornado's `rs, ws`). */
export type StreamPair = [reader: BaseIOStream, writer: BaseIOStream];
/** Makes a connected pair with the given options on both ends. */
export type PairFactory = (options?: IOStreamOptions) => Promise<StreamPair>;

const fixtures = new URL('./fixtures/', import.meta.url);
/** The self-signed test certificate (CN=localhost, SAN DNS:localhost and IP:127.0.0.1) and its key. */
export const certificate = readFileSync(new URL('test.crt', fixtures));
export const privateKey = readFileSync(new URL('test.key', fixtures));

type Closable = { close(): unknown } | { destroy(): unknown };
const open = new Set<Closable>();

/** Registers a stream, server or socket to be closed by {@link closeAll}. */
export function track<T extends Closable>(thing: T): T {
  open.add(thing);
  return thing;
}

/** Closes everything registered with {@link track}; call it in `afterEach`. */
export function closeAll(): void {
  for (const thing of open) {
    if ('close' in thing) thing.close();
    else thing.destroy();
  }
  open.clear();
}

/** A TCP server on 127.0.0.1 and an ephemeral port; resolves once listening. */
export async function listen(onConnection?: (socket: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  const server = track(net.createServer({ noDelay: true }, onConnection));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Resolves with the next socket the server accepts. */
export function nextConnection(server: net.Server): Promise<net.Socket> {
  return new Promise((resolve) => server.once('connection', resolve));
}

/** A port nobody listens on (bound, then released). */
export async function refusedPort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Two IOStreams over a TCP connection on 127.0.0.1: [server side, client side]. Both ends read
 * through the shared read buffer, as a TCPServer's streams and `IOStream.connect`'s do.
 */
export const tcpPair: PairFactory = async (options) => {
  const { server, port } = await listen();
  if (!useSharedReadBuffer(server)) throw new Error('useSharedReadBuffer refused a plain listening server');
  const accepted = nextConnection(server);
  const client = track(await IOStream.connect(port, '127.0.0.1', options));
  const serverStream = track(new IOStream(await accepted, options));
  server.close();
  return [serverStream, client];
};

/** Like {@link tcpPair}, but both sockets are plain Node sockets whose reads arrive as 'data' events. */
export const dataEventTcpPair: PairFactory = async (options) => {
  const { server, port } = await listen();
  const accepted = nextConnection(server);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const client = track(new IOStream(socket, options));
  const serverStream = track(new IOStream(await accepted, options));
  server.close();
  return [serverStream, client];
};

/** Two SSLIOStreams after a completed handshake: [server side, client side]. */
export const tlsPair: PairFactory = async (options) => {
  const { server, port } = await listen();
  const accepted = nextConnection(server).then((socket) => {
    const tlsSocket = new tls.TLSSocket(socket, { isServer: true, key: privateKey, cert: certificate });
    return track(new SSLIOStream(tlsSocket, options)).waitForHandshake();
  });
  const client = track(await SSLIOStream.connect(port, '127.0.0.1', { ...options, ca: certificate, serverHostname: 'localhost' }));
  const serverStream = await accepted;
  server.close();
  return [serverStream, client];
};

/** Both ends of a fresh pipe (a FIFO opened twice, then unlinked): [read end, write end] descriptors. */
export function makePipe(): [readFd: number, writeFd: number] {
  const dir = mkdtempSync(join(tmpdir(), 'iostream-pipe-'));
  try {
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', [path]);
    const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    return [readFd, writeFd];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Two PipeIOStreams over one pipe: [read end, write end]. */
export const pipePair: PairFactory = async (options) => {
  const [readFd, writeFd] = makePipe();
  return [track(new PipeIOStream(readFd, options)), track(new PipeIOStream(writeFd, options))];
};

/** Resolves when the stream's close callback runs (replacing any earlier callback). */
export function closeCallback(stream: BaseIOStream): Promise<void> {
  return new Promise((resolve) => stream.setCloseCallback(resolve));
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition()` holds, polling every few ms; fails after `ms`. */
export async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

/** Runs `fn` and returns every record `logger` emitted meanwhile (as "level message"), none passed on. */
export async function captureLogs(logger: Logger, fn: () => Promise<unknown>): Promise<string[]> {
  const records: string[] = [];
  const sink = (level: LogLevel) => (message: string, ...args: unknown[]) => {
    records.push(`${level} ${format(message, ...args)}`);
  };
  const previous = logger.setSink({ debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error') });
  const previousLevel = logger.level;
  logger.level = 'debug';
  try {
    await fn();
    return records;
  } finally {
    logger.setSink(previous);
    logger.level = previousLevel;
  }
}
