// Reading sockets through one process-wide buffer (Node's `onread` socket option) instead of a
// fresh ArrayBuffer per read.
//
// Why: every 'data' chunk Node hands out is backed by its own ArrayBuffer, and each of those costs
// the young-generation GC a sweep of its backing store. At tens of thousands of small reads per
// second that sweep was half of every scavenge pause (`--trace-gc-nvp`: sweep_array_buffers). Here the
// kernel reads into SHARED, and the bytes are copied into pooled memory (`Buffer.allocUnsafe`, Node's
// 8 KiB pool for small reads), which owns no backing store of its own.
//
// What this relies on beyond Node's documented API, all stable since Node 12 and checked before use
// (anything unexpected leaves Node's own accept path in place):
// - a listening `net.Server` keeps its libuv handle in `_handle`, whose `onconnection(status,
//   clientHandle)` Node calls for each accepted connection (in cluster workers too);
// - `new net.Socket({ handle })` wraps such a client handle (as Node's own accept does), and honours
//   `onread` for it just as `net.connect` does;
// - the server counts its connections in `_connections`, which a socket with `_server` set gives
//   back when it is destroyed (so `server.close()` and `getConnections()` stay right).
import diagnosticsChannel from 'node:diagnostics_channel';
import net from 'node:net';
import tls from 'node:tls';

/** Where every socket set up here reads; a read is delivered synchronously, before the next one. */
const SHARED = Buffer.allocUnsafe(64 * 1024);

/** Receives each read's bytes (owned, not a view of SHARED) while a stream owns the socket. */
export type ReadSink = (bytes: Buffer) => void;

const SINK = Symbol('tornado-ts.readSink');

/** Where Node's own accept announces each accepted socket (documented in node:diagnostics_channel). */
const acceptChannel = diagnosticsChannel.channel('net.server.socket');

interface SharedReadSocket extends net.Socket {
  /** Present (null or a sink) exactly on the sockets that read through SHARED. */
  [SINK]?: ReadSink | null;
}

/** The parts of Node's listening handle this module touches. */
interface ListenHandle {
  onconnection?: (this: ListenHandle, status: number, clientHandle?: object) => void;
}

/** The fields of net.Server read or kept up to date here: its options as Node stores them, and internals. */
interface ServerInternals {
  allowHalfOpen?: boolean;
  pauseOnConnect?: boolean;
  noDelay?: boolean;
  keepAlive?: boolean;
  /** Seconds. */
  keepAliveInitialDelay?: number;
  _handle?: ListenHandle | null;
  _connections?: number;
}

function internalsOf(server: net.Server): ServerInternals {
  return server as unknown as ServerInternals;
}

/** The internal fields Node's own accept sets on a socket so the server can count it out again. */
interface AcceptedSocketInternals {
  server?: net.Server;
  _server?: net.Server;
}

/**
 * Hands one read to the socket's sink or, without one, to the socket's readable side as Node would
 * (so 'data' listeners, pipes and pause/resume behave as on any socket). False pauses reading.
 */
function deliver(socket: SharedReadSocket, n: number): boolean {
  const bytes = Buffer.allocUnsafe(n);
  SHARED.copy(bytes, 0, 0, n);
  const sink = socket[SINK];
  if (sink) {
    sink(bytes);
    return true;
  }
  return socket.push(bytes);
}

function sharedReadOption(socket: () => SharedReadSocket): net.OnReadOpts {
  return { buffer: SHARED, callback: (n) => deliver(socket(), n) };
}

/**
 * Routes the socket's reads to `sink` instead of 'data' events; false (nothing done) when the
 * socket does not read through the shared buffer, so the caller listens for 'data' instead.
 */
export function attachReadSink(socket: net.Socket | object, sink: ReadSink): boolean {
  const target = socket as SharedReadSocket;
  if (target[SINK] === undefined) return false;
  target[SINK] = sink;
  return true;
}

/** Undoes {@link attachReadSink}: reads become 'data' events again. False when none was attached. */
export function detachReadSink(socket: net.Socket | object): boolean {
  const target = socket as SharedReadSocket;
  if (!target[SINK]) return false;
  target[SINK] = null;
  return true;
}

/** `net.connect(options)`, with the socket reading through the shared buffer. */
export function connectWithSharedReadBuffer(options: net.NetConnectOpts): net.Socket {
  const socket: SharedReadSocket = net.connect({ ...options, onread: sharedReadOption(() => socket) } as net.NetConnectOpts);
  socket[SINK] = null;
  return socket;
}

const installed = new WeakSet<net.Server>();
/** Listening handles whose accept is ours already. */
const hooked = new WeakSet<ListenHandle>();

/**
 * Makes the connections a plain `net.Server` accepts read through one buffer shared by the whole
 * process (see the module comment) instead of an ArrayBuffer per read; 'connection' listeners get
 * ordinary `net.Socket`s. Streams of this package take the bytes without 'data' events; any other
 * user of the socket sees them as usual. Takes effect whenever the server listens (at once if it
 * does). Returns false, changing nothing, for a TLS server, one that pauses or limits its
 * connections, or (when already listening) a Node whose server internals differ from what this relies on.
 */
export function useSharedReadBuffer(server: net.Server): boolean {
  if (server instanceof tls.Server || internalsOf(server).pauseOnConnect || server.maxConnections > 0) return false;
  if (installed.has(server)) return true;
  if (server.listening && !hookAccept(server)) return false;
  installed.add(server);
  // A server closed and listening again has a new handle.
  server.on('listening', () => hookAccept(server));
  return true;
}

function hookAccept(server: net.Server): boolean {
  const internals = internalsOf(server);
  const handle = internals._handle;
  const nodeAccept = handle?.onconnection;
  if (!handle || typeof nodeAccept !== 'function' || typeof internals._connections !== 'number') return false;
  if (hooked.has(handle)) return true;
  hooked.add(handle);
  handle.onconnection = function (status, clientHandle) {
    // Errors, and limits set after the hook went in, take Node's own path.
    if (status !== 0 || clientHandle === undefined || server.maxConnections > 0 || internals.pauseOnConnect) {
      nodeAccept.call(this, status, clientHandle);
      return;
    }
    const socket = acceptedSocket(server, clientHandle);
    internals._connections = (internals._connections as number) + 1;
    const accepted = socket as net.Socket & AcceptedSocketInternals;
    accepted.server = server;
    accepted._server = server;
    server.emit('connection', socket);
    if (acceptChannel.hasSubscribers) acceptChannel.publish({ socket });
  };
  return true;
}

function acceptedSocket(server: net.Server, clientHandle: object): net.Socket {
  const settings = internalsOf(server);
  const options = {
    handle: clientHandle,
    allowHalfOpen: settings.allowHalfOpen === true,
    readable: true,
    writable: true,
    onread: sharedReadOption(() => socket),
  };
  const socket: SharedReadSocket = new net.Socket(options as net.SocketConstructorOpts);
  socket[SINK] = null;
  if (settings.noDelay) socket.setNoDelay(true);
  if (settings.keepAlive) socket.setKeepAlive(true, (settings.keepAliveInitialDelay ?? 0) * 1000);
  return socket;
}
