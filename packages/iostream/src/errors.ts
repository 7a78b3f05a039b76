const STREAM_CLOSED_BRAND = Symbol.for('tornado-ts.StreamClosedError');

/**
 * A read, write or connect could not complete because the stream is closed. `realError` (also
 * `cause`) is what closed it, or null for a clean close. `instanceof` holds across duplicate installs.
 */
export class StreamClosedError extends Error {
  override name = 'StreamClosedError';
  readonly code = 'TORNADO_ERR_STREAM_CLOSED';
  /** The error that closed the stream; null when it closed cleanly. */
  readonly realError: Error | null;

  /** `realError` becomes `cause` too, and its message is appended to `message`. */
  constructor(realError?: Error | null, message = 'Stream is closed') {
    super(realError ? `${message}: ${realError.message}` : message, realError ? { cause: realError } : undefined);
    this.realError = realError ?? null;
    Object.defineProperty(this, STREAM_CLOSED_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && STREAM_CLOSED_BRAND in value;
  }
}

/** A `readUntil`/`readUntilRegex` found no match within its `maxBytes`; the stream is closed. */
export class UnsatisfiableReadError extends Error {
  override name = 'UnsatisfiableReadError';
  readonly code = 'TORNADO_ERR_UNSATISFIABLE_READ';
}

/**
 * A read needed more than `maxBufferSize` unread bytes (the stream is closed), or a write would
 * have queued more than `maxWriteBufferSize` bytes (the write is refused, the stream stays open).
 */
export class StreamBufferFullError extends Error {
  override name = 'StreamBufferFullError';
  readonly code = 'TORNADO_ERR_STREAM_BUFFER_FULL';
}

/** A read was started while another read on the same stream was still pending. */
export class AlreadyReadingError extends Error {
  override name = 'AlreadyReadingError';
  readonly code = 'TORNADO_ERR_ALREADY_READING';
}

/** `startTls` or `detach` was called while reads, writes or unread bytes were pending. */
export class StreamNotIdleError extends Error {
  override name = 'StreamNotIdleError';
  readonly code = 'TORNADO_ERR_STREAM_NOT_IDLE';
}

/** The TLS handshake failed (bad certificate, wrong host name, protocol error, peer gone); see `cause`. */
export class SSLHandshakeError extends Error {
  override name = 'SSLHandshakeError';
  readonly code = 'TORNADO_ERR_SSL_HANDSHAKE';
}

const CONN_RESET_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT']);

/** True for errors that just mean "the peer went away" (Tornado's `_is_connreset`): closed quietly. */
export function isConnectionReset(error: Error | null): boolean {
  return error !== null && CONN_RESET_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}
