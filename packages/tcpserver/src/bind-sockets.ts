import cluster from 'node:cluster';
import dns from 'node:dns';
import { chmod, lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import { isMainThread } from 'node:worker_threads';
import { NotASocketError } from './errors';
import { ephemeralKey, inheritedPort, rememberBinding } from './worker-handoff';

/** Options of {@link bindSockets} (Tornado's `bind_sockets` keywords). */
export interface BindOptions {
  /** 4 or 6 binds only IPv4 or only IPv6 addresses; 0 (the default) binds every address the host has. */
  family?: 0 | 4 | 6;
  /** Length of the queue of connections not yet accepted (default: Node's 511). */
  backlog?: number;
  /** `dns.lookup` hints (`dns.ADDRCONFIG`, `dns.V4MAPPED`) used when `address` is a host name: Tornado's getaddrinfo flags. */
  flags?: number;
}

/** Options of {@link bindUnixSocket}. */
export interface BindUnixOptions {
  /** Length of the queue of connections not yet accepted (default: Node's 511). */
  backlog?: number;
}

interface Candidate {
  address: string;
  family: 4 | 6;
}

/**
 * Creates listening servers for `port` on every address `address` resolves to: all interfaces
 * (IPv4 `0.0.0.0` and IPv6 `::`) when it is omitted or empty. IPv6 servers are IPv6-only, so both
 * families can hold the same port; with port 0 every address gets the port the first one was given.
 * In a worker started by `forkProcesses`, a port-0 call gets the port the primary's matching call got.
 * Hand the servers to `TCPServer.addSockets`.
 */
export async function bindSockets(port: number, address?: string, options: BindOptions = {}): Promise<net.Server[]> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  const family = options.family ?? 0;
  if (family !== 0 && family !== 4 && family !== 6) throw new RangeError(`family must be 0, 4 or 6, got ${String(family)}`);
  const host = address === '' ? undefined : address;
  const candidates = await bindAddresses(host, family, options.flags);
  const key = port === 0 ? ephemeralKey(host, family) : null;
  let chosenPort = key === null ? port : (inheritedPort(key) ?? 0);

  const servers: net.Server[] = [];
  let skipped: unknown = null;
  for (const candidate of candidates) {
    let server: net.Server;
    try {
      server = await listenOn({
        host: candidate.address,
        port: chosenPort,
        backlog: options.backlog,
        ipv6Only: candidate.family === 6,
      });
    } catch (error) {
      if (mayBeUnavailable(error, candidate, host)) {
        skipped = error;
        continue;
      }
      for (const bound of servers) bound.close();
      throw error;
    }
    servers.push(server);
    chosenPort = (server.address() as net.AddressInfo).port;
  }
  if (servers.length === 0) throw skipped;
  rememberBinding(key, chosenPort, servers);
  return servers;
}

/**
 * Creates a server listening on the unix socket `path`, with permissions `mode`. A socket file
 * left at `path` (by a server that died) is removed first; any other file is left alone.
 * In a cluster worker the primary binds the path, so nothing is removed there.
 * @throws {NotASocketError} when `path` exists and is not a socket.
 */
export async function bindUnixSocket(path: string, mode = 0o600, options: BindUnixOptions = {}): Promise<net.Server> {
  if (!cluster.isWorker) await removeStaleSocket(path);
  // The file is created with `mode` (no window in which anyone may connect) where the umask can be
  // set: in the main thread of a process that binds by itself; chmod makes it exact everywhere.
  const umask = !cluster.isWorker && isMainThread ? ~mode & 0o777 : null;
  const server = await listenOn({ path, backlog: options.backlog }, umask);
  try {
    await chmod(path, mode);
  } catch (error) {
    server.close();
    throw error;
  }
  rememberBinding(null, 0, [server]);
  return server;
}

/** The addresses to bind for `host`, IPv4 first, each once: Tornado's sorted getaddrinfo results. */
async function bindAddresses(host: string | undefined, family: 0 | 4 | 6, hints: number | undefined): Promise<Candidate[]> {
  if (host === undefined) {
    const any: Candidate[] = [];
    if (family !== 6) any.push({ address: '0.0.0.0', family: 4 });
    if (family !== 4) any.push({ address: '::', family: 6 });
    return any;
  }
  const found = await dns.promises.lookup(host, { all: true, family, hints, verbatim: true });
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const entry of found) {
    // An IP literal comes back as itself whatever family was asked for.
    if ((family !== 0 && entry.family !== family) || seen.has(entry.address)) continue;
    seen.add(entry.address);
    candidates.push({ address: entry.address, family: entry.family === 6 ? 6 : 4 });
  }
  if (candidates.length === 0) throw new RangeError(`${host} has no IPv${family} address to bind`);
  return candidates.sort((a, b) => a.family - b.family);
}

/** IPv6 that is missing, or half there (as in many containers), is skipped for the wildcard and localhost. */
function mayBeUnavailable(error: unknown, candidate: Candidate, host: string | undefined): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EAFNOSUPPORT') return true;
  return code === 'EADDRNOTAVAIL' && candidate.family === 6 && (host === undefined || host === 'localhost');
}

function listenOn(options: net.ListenOptions, umask: number | null = null): Promise<net.Server> {
  const server = net.createServer();
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // The bind happens synchronously inside listen() unless a cluster primary does it for us.
    const previous = umask === null ? null : process.umask(umask);
    try {
      server.listen(options);
    } finally {
      if (previous !== null) process.umask(previous);
    }
  });
}

async function removeStaleSocket(path: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!stats.isSocket()) throw new NotASocketError(path);
  await unlink(path);
}
