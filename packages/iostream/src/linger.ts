import type { Duplex } from 'node:stream';

/** How long a cleanly closed socket may take to flush before it is destroyed anyway. */
const LINGER_MS = 5000;
/** How long `closeLingering` keeps draining a peer that goes on sending, by default. */
export const DEFAULT_LINGER_MS = 5000;

function destroySelf(this: Duplex): void {
  this.destroy();
}

function destroySocket(socket: Duplex): void {
  socket.destroy();
}

/**
 * Lets a socket go after a close: ends it so bytes of resolved writes that a TLS layer still holds
 * reach the peer, then destroys it at 'finish', or after LINGER_MS if the peer stops reading (the
 * timer is returned, to be cleared if the socket closes first). A socket that failed (`failed`) or
 * has nothing left to flush is destroyed at once.
 */
export function endThenDestroy(socket: Duplex, failed: boolean): NodeJS.Timeout | null {
  if (!failed && !socket.destroyed) {
    if (socket.writable) socket.end();
    if (socket.writableEnded && !socket.writableFinished) {
      socket.once('finish', destroySelf);
      const linger = setTimeout(destroySocket, LINGER_MS, socket);
      linger.unref();
      return linger;
    }
  }
  socket.destroy();
  return null;
}

/** Destroys the socket once its own side has flushed (at once if it has, or was never ended). */
function destroyWhenFlushed(this: Duplex): void {
  if (this.writableEnded && !this.writableFinished) this.once('finish', destroySelf);
  else this.destroy();
}

/**
 * Lets a socket go after a lingering close: ends it, keeps it reading (the stream that owned it
 * drops what arrives) until the peer ends its side, then destroys it once ours has flushed; a peer
 * still sending after `ms` is cut off. Returns the timer (to be cleared if the socket closes first).
 */
export function endThenDrain(socket: Duplex, ms: number): NodeJS.Timeout | null {
  if (socket.destroyed) return null;
  if (socket.writable) socket.end();
  if (socket.readableEnded) {
    destroyWhenFlushed.call(socket);
  } else {
    socket.once('end', destroyWhenFlushed);
    socket.resume();
  }
  const linger = setTimeout(destroySocket, ms, socket);
  linger.unref();
  return linger;
}
