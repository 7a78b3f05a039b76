import { readFileSync } from 'node:fs';
import net from 'node:net';
import { BaseIOStream, type IOStreamOptions } from './base-iostream';

/** Options of `PipeIOStream`: the stream's limits and, when the descriptor's mode cannot be read, its direction. */
export interface PipeIOStreamOptions extends IOStreamOptions {
  /** Read from the descriptor (default: from its open mode on Linux, else true). */
  readable?: boolean;
  /** Write to the descriptor (default: from its open mode on Linux, else true). */
  writable?: boolean;
}

/** The access mode of an open descriptor from /proc on Linux; null where that is not available. */
function accessMode(fd: number): { readable: boolean; writable: boolean } | null {
  try {
    const match = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    if (match === null) return null;
    const mode = Number.parseInt(match[1], 8) & 3; // O_ACCMODE: 0 read, 1 write, 2 both
    return { readable: mode !== 1, writable: mode !== 0 };
  } catch {
    return null;
  }
}

/**
 * A stream over a pipe (or FIFO, or any stream) file descriptor, such as a child process's stdio:
 * Tornado's `PipeIOStream`. Pipes are one-way, so such a stream either reads or writes. Unix only.
 */
export class PipeIOStream extends BaseIOStream<net.Socket> {
  /** The file descriptor; the stream owns it and closes it on `close()`. */
  readonly fd: number;

  /** Takes ownership of `fd`, readable and/or writable as opened (or as `options` say). */
  constructor(fd: number, options: PipeIOStreamOptions = {}) {
    const mode = options.readable === undefined || options.writable === undefined ? accessMode(fd) : null;
    const readable = options.readable ?? mode?.readable ?? true;
    const writable = options.writable ?? mode?.writable ?? true;
    super(new net.Socket({ fd, readable, writable }), options);
    this.fd = fd;
  }
}
