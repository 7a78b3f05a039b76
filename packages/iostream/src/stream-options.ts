// The options and limits of a stream, and what detach() hands back.

/** Limits of a stream; every field is optional. */
export interface IOStreamOptions {
  /** Most unread bytes a read may need before the stream fails with StreamBufferFullError (default 100 MiB). */
  maxBufferSize?: number;
  /** Most bytes queued for writing; a write past it is refused with StreamBufferFullError (default unlimited). */
  maxWriteBufferSize?: number;
  /** Unread bytes to accept while no read is pending before pausing the socket (default 64 KiB, at most maxBufferSize / 2). */
  readChunkSize?: number;
}

/** Options of `readUntil` and `readUntilRegex`. */
export interface ReadUntilOptions {
  /** Fail with UnsatisfiableReadError (and close) when no match ends within this many bytes. */
  maxBytes?: number;
}

/** Options of `readBytes` and `readInto`. */
export interface ReadBytesOptions {
  /** Settle as soon as at least one byte is available instead of waiting for all of them. */
  partial?: boolean;
}

/** Called once after the stream closes; an exception or rejection is logged to `appLog`. */
export type CloseCallback = () => void | Promise<void>;

/** What `detach()` hands back: the socket (paused, no listeners of ours) and the bytes read but not consumed. */
export interface DetachedSocket<S> {
  /** The socket, paused; writes started before `detach()` still settle through it. */
  socket: S;
  /** Bytes received but not consumed; they come before anything still in the socket. */
  buffered: Buffer;
}

export const DEFAULT_MAX_BUFFER_SIZE = 100 * 1024 * 1024;
export const DEFAULT_READ_CHUNK_SIZE = 64 * 1024;

/**
 * `value`, or `fallback` when it is undefined.
 * @throws {RangeError} for a negative or NaN value.
 */
export function positiveLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0)) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  return value;
}
