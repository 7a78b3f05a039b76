import type { IOStream } from '@tornado-ts/iostream';
import { Fifo, type FifoNode } from './fifo';

/** Limits of a {@link ConnectionPool}. */
export interface ConnectionPoolOptions {
  /** Most connections (busy, idle or opening) per pool key. */
  maxConnectionsPerHost: number;
  /** Ms an idle connection is kept before it is closed (less when the server keeps it for less). */
  idleTimeout: number;
}

/**
 * Ms taken off the idle time a server announces (`Keep-Alive: timeout=N`), so that we stop reusing
 * a connection before the server closes it rather than race its close (undici's threshold).
 */
export const KEEP_ALIVE_MARGIN_MS = 1000;

/**
 * Told when its turn comes: a pooled connection to use, or null meaning a slot was reserved for it
 * and it should open a connection itself.
 */
export interface PoolWaiter {
  grant(connection: PooledConnection | null): void;
}

/** One keep-alive connection: its stream and where it belongs. */
export class PooledConnection {
  readonly stream: IOStream;
  readonly host: HostPool;
  /** Requests this connection has carried, the current one included. */
  uses = 0;
  /** performance.now() when it last became idle. */
  idleSince = 0;
  /** Ms it may stay idle from idleSince: the pool's idleTimeout, or less when the server said so. */
  idleTimeout = 0;
  busy = true;

  constructor(stream: IOStream, host: HostPool) {
    this.stream = stream;
    this.host = host;
  }
}

/** The connections of one pool key (scheme, host, port, proxy and TLS identity). */
export class HostPool {
  readonly key: string;
  /** Idle connections, most recently used last (taken first: the likeliest to be alive). */
  readonly idle: PooledConnection[] = [];
  readonly waiters = new Fifo<PoolWaiter>();
  /** Connections counted against the limit: busy, idle, and being opened. */
  open = 0;

  constructor(key: string) {
    this.key = key;
  }
}

/**
 * Keep-alive connections per key, undici-style one concern per layer: a connection is reused only
 * after its previous response was read completely and allowed reuse (the caller says so in
 * `release`), is never handed to two requests at once, is closed after `idleTimeout` ms idle (or
 * sooner when the server announced a shorter keep-alive timeout), is never handed out once the
 * server closed it, and no key has more than `maxConnectionsPerHost` connections (further requests
 * wait their turn). Idle sockets are unreferenced so they never keep the process alive.
 */
export class ConnectionPool {
  #hosts = new Map<string, HostPool>();
  #maxPerHost: number;
  #idleTimeout: number;
  #sweeper: NodeJS.Timeout | null = null;
  #idleCount = 0;
  #closed = false;

  constructor(options: ConnectionPoolOptions) {
    this.#maxPerHost = options.maxConnectionsPerHost;
    this.#idleTimeout = options.idleTimeout;
  }

  /** Number of idle connections across all keys. */
  get idleCount(): number {
    return this.#idleCount;
  }

  /** Connections of `key` (busy, idle or opening); 0 for an unknown key. */
  openCount(key: string): number {
    return this.#hosts.get(key)?.open ?? 0;
  }

  /**
   * The newest idle connection of `key` that is still open, within its idle time and without bytes
   * the server sent unasked, now busy; null when there is none. Others met on the way are dropped
   * (the sweep is coarse).
   */
  takeIdle(key: string): PooledConnection | null {
    const host = this.#hosts.get(key);
    if (host === undefined) return null;
    const idle = host.idle;
    if (idle.length === 0) return null;
    const now = performance.now();
    while (idle.length > 0) {
      const connection = idle.pop() as PooledConnection;
      this.#idleCount--;
      const stream = connection.stream;
      if (stream.closed() || stream.bufferedLength > 0 || now - connection.idleSince >= connection.idleTimeout) {
        stream.close();
        this.#forget(connection);
        continue;
      }
      this.#activate(connection);
      return connection;
    }
    return null;
  }

  /** Reserves a slot to open a new connection for `key`; false at the per-host limit (or once closed). */
  reserve(key: string): boolean {
    if (this.#closed) return false;
    const host = this.#host(key);
    if (host.open >= this.#maxPerHost) return false;
    host.open++;
    return true;
  }

  /** Gives up a slot from `reserve` whose connect failed; the next waiter may try. */
  unreserve(key: string): void {
    const host = this.#hosts.get(key);
    if (host === undefined) return;
    host.open--;
    this.#offerSlot(host);
  }

  /** Registers the stream opened in a reserved slot; the connection is busy for its opener. */
  add(key: string, stream: IOStream): PooledConnection {
    const connection = new PooledConnection(stream, this.#host(key));
    connection.uses = 1;
    return connection;
  }

  /** Queues `waiter` for the next connection or slot of `key`; remove the node to give up. */
  wait(key: string, waiter: PoolWaiter): FifoNode<PoolWaiter> {
    return this.#host(key).waiters.push(waiter);
  }

  /** Stops waiting (timeout, abort). */
  cancelWait(key: string, node: FifoNode<PoolWaiter>): void {
    const host = this.#hosts.get(key);
    if (host === undefined) return;
    host.waiters.remove(node);
    this.#dropIfEmpty(host);
  }

  /**
   * Returns a busy connection. `reusable`: its last response was read completely and allowed
   * reuse. `serverIdleTimeout`: ms the server keeps it idle (its `Keep-Alive: timeout`), -1 when
   * it did not say; the connection then stays idle at most that less {@link KEEP_ALIVE_MARGIN_MS}.
   * When not reusable, when that leaves no idle time, or when the stream is closed, the connection
   * is closed. A waiting request gets it (or the freed slot) at once; else it goes idle.
   */
  release(connection: PooledConnection, reusable: boolean, serverIdleTimeout = -1): void {
    if (!connection.busy) return;
    connection.busy = false;
    const host = connection.host;
    const stream = connection.stream;
    const idleTimeout = serverIdleTimeout < 0 ? this.#idleTimeout : Math.min(this.#idleTimeout, serverIdleTimeout - KEEP_ALIVE_MARGIN_MS);
    // Bytes past the end of the response would be read as the next response: never reuse then.
    if (!reusable || idleTimeout <= 0 || this.#closed || stream.closed() || stream.bufferedLength > 0) {
      stream.close();
      this.#forget(connection);
      this.#offerSlot(host);
      return;
    }
    const waiter = host.waiters.shift();
    if (waiter !== undefined) {
      this.#activate(connection);
      waiter.grant(connection);
      return;
    }
    connection.idleSince = performance.now();
    connection.idleTimeout = idleTimeout;
    stream.socket.unref();
    host.idle.push(connection);
    this.#idleCount++;
    if (this.#sweeper === null) this.#startSweeper();
  }

  /** Closes every idle connection and refuses new slots; busy ones close when released. */
  close(): void {
    this.#closed = true;
    for (const host of this.#hosts.values()) {
      for (const connection of host.idle.splice(0)) {
        this.#idleCount--;
        connection.stream.close();
        host.open--;
      }
      for (const waiter of host.waiters.drain()) waiter.grant(null);
      this.#dropIfEmpty(host);
    }
    this.#stopSweeper();
  }

  #activate(connection: PooledConnection): void {
    connection.busy = true;
    connection.uses++;
    connection.stream.socket.ref();
  }

  #host(key: string): HostPool {
    let host = this.#hosts.get(key);
    if (host === undefined) {
      host = new HostPool(key);
      this.#hosts.set(key, host);
    }
    return host;
  }

  #forget(connection: PooledConnection): void {
    const host = connection.host;
    host.open--;
    this.#dropIfEmpty(host);
  }

  /** A slot came free: the next waiter opens a connection in it. */
  #offerSlot(host: HostPool): void {
    if (this.#closed || host.waiters.size === 0 || host.open >= this.#maxPerHost) return;
    const waiter = host.waiters.shift() as PoolWaiter;
    host.open++;
    waiter.grant(null);
  }

  #dropIfEmpty(host: HostPool): void {
    if (host.open <= 0 && host.waiters.size === 0 && this.#hosts.get(host.key) === host) this.#hosts.delete(host.key);
  }

  #startSweeper(): void {
    const period = Math.max(10, Math.min(this.#idleTimeout / 2, 1000));
    this.#sweeper = setInterval(this.#sweep, period);
    this.#sweeper.unref();
  }

  #stopSweeper(): void {
    if (this.#sweeper !== null) {
      clearInterval(this.#sweeper);
      this.#sweeper = null;
    }
  }

  /** Closes connections idle for their idleTimeout ms (and drops ones the server closed). */
  #sweep = (): void => {
    const now = performance.now();
    for (const host of this.#hosts.values()) {
      const idle = host.idle;
      if (idle.length === 0) continue;
      let kept = 0;
      for (let i = 0; i < idle.length; i++) {
        const connection = idle[i];
        const stream = connection.stream;
      if (stream.closed() || stream.bufferedLength > 0 || now - connection.idleSince >= connection.idleTimeout) {
          connection.stream.close();
          host.open--;
          this.#idleCount--;
        } else {
          idle[kept++] = connection;
        }
      }
      idle.length = kept;
      this.#dropIfEmpty(host);
    }
    if (this.#idleCount === 0) this.#stopSweeper();
  };
}
