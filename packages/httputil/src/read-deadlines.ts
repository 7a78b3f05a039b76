// Read timeouts of one HTTP/1.x connection, checked by one interval timer per connection instead
// of a timer per request: a request only records the time and byte count at which its wait began,
// so the keep-alive fast path sets no timer (Node's http checks headersTimeout the same way).

import type { BaseIOStream } from '@tornado-ts/iostream';

/** Which limit passed: no request started in time, a header block or a body took too long. */
export type ReadExpiry = 'idle' | 'header' | 'body';

/** Told when a limit passes; it answers (408) and/or closes the stream, which fails the pending read. */
export interface ReadDeadlineTarget {
  onReadDeadline(kind: ReadExpiry): void;
}

/** The timeout settings this class reads (a subset of HTTP1ConnectionParameters). */
export interface ReadTimeoutSettings {
  readonly headerTimeout: number | null;
  readonly idleConnectionTimeout: number | null;
  readonly bodyTimeout: number | null;
}

/** #waitBytes of a wait whose first bytes are reported by noteHeadBytes (no byte count read per request). */
const BYTES_REPORTED = -2;

const PHASE_NONE = 0;
const PHASE_HEADERS = 1;
const PHASE_BODY = 2;

/** A limit is checked this many times per its length, so it fires at most 1/8 late (plus one tick). */
const TICKS_PER_LIMIT = 8;
const MIN_PERIOD = 5;

/**
 * Tracks the read phase of one connection and closes it through its target when a limit passes.
 * Header waits tell an idle connection (no byte of a new request yet: `idleConnectionTimeout`)
 * from a slow one (bytes arrived but no complete header block: `headerTimeout`) by the socket's
 * `bytesRead`; each falls back to the other when unset.
 */
export class ReadDeadlines {
  #stream: BaseIOStream;
  #target: ReadDeadlineTarget;
  #idleLimit: number | null;
  #headerLimit: number | null;
  #timer: NodeJS.Timeout | null = null;
  #period = Infinity;
  #phase = PHASE_NONE;
  #waitStart = 0;
  #waitBytes = 0;
  /** The socket counts bytes (false for pipes, whose whole header wait counts as one); read once. */
  #countsBytes: boolean | null = null;
  /** When the first bytes of the awaited header block were noticed; -1 before that. */
  #partialSince = -1;
  #bodyDeadline = Infinity;
  #disposed = false;
  /** The limit that passed, once one has. */
  expired: ReadExpiry | null = null;

  constructor(stream: BaseIOStream, settings: ReadTimeoutSettings, target: ReadDeadlineTarget) {
    this.#stream = stream;
    this.#target = target;
    this.#idleLimit = settings.idleConnectionTimeout ?? settings.headerTimeout;
    this.#headerLimit = settings.headerTimeout ?? settings.idleConnectionTimeout;
  }

  /** True when header waits are limited at all (else `waitForHeaders` costs nothing). */
  get limitsHeaders(): boolean {
    return this.#headerLimit !== null;
  }

  /** A header block is awaited from now on. */
  waitForHeaders(): void {
    this.#phase = PHASE_HEADERS;
    if (this.#headerLimit === null) return;
    this.#waitStart = performance.now();
    const bytes = this.#bytesRead();
    this.#waitBytes = bytes;
    // Without a byte count (pipes) the whole wait counts as a header wait.
    this.#partialSince = bytes < 0 ? this.#waitStart : -1;
    this.#ensurePeriod(Math.min(this.#headerLimit, this.#idleLimit as number));
  }

  /**
   * A header block is awaited from now on, and the caller reports its first bytes with
   * {@link noteHeadBytes} (the server's fast lane sees every arrival): as `waitForHeaders`, without
   * reading the socket's byte count per request.
   */
  waitForReportedHeaders(): void {
    if (this.#headerLimit === null) {
      this.#phase = PHASE_HEADERS;
      return;
    }
    this.#countsBytes ??= this.#bytesRead() >= 0;
    if (!this.#countsBytes) {
      this.waitForHeaders();
      return;
    }
    this.#phase = PHASE_HEADERS;
    this.#waitStart = performance.now();
    this.#waitBytes = BYTES_REPORTED;
    this.#partialSince = -1;
    this.#ensurePeriod(Math.min(this.#headerLimit, this.#idleLimit as number));
  }

  /** Bytes of the awaited header block arrived (see waitForReportedHeaders): its header time starts now. */
  noteHeadBytes(): void {
    if (this.#phase === PHASE_HEADERS && this.#waitBytes === BYTES_REPORTED && this.#partialSince < 0) this.#partialSince = performance.now();
  }

  /** A body is being read from now on; it must be complete within `timeout` ms (null: no limit). */
  waitForBody(timeout: number | null): void {
    if (timeout === null) {
      this.#phase = PHASE_NONE;
      return;
    }
    this.#phase = PHASE_BODY;
    this.#bodyDeadline = performance.now() + timeout;
    this.#ensurePeriod(timeout);
  }

  /** Nothing is being read (the application is answering): no limit applies. */
  pause(): void {
    this.#phase = PHASE_NONE;
  }

  /** Stops the timer for good. */
  dispose(): void {
    this.#disposed = true;
    this.#phase = PHASE_NONE;
    if (this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #bytesRead(): number {
    const count = (this.#stream.socket as { bytesRead?: unknown }).bytesRead;
    return typeof count === 'number' ? count : -1;
  }

  #ensurePeriod(limit: number): void {
    if (this.#disposed) return;
    const period = Math.max(MIN_PERIOD, limit / TICKS_PER_LIMIT);
    if (period >= this.#period) return;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#period = period;
    this.#timer = setInterval(this.#tick, period);
    this.#timer.unref();
  }

  #tick = (): void => {
    const phase = this.#phase;
    if (phase === PHASE_NONE) return;
    const now = performance.now();
    if (phase === PHASE_BODY) {
      if (now >= this.#bodyDeadline) this.#expire('body');
      return;
    }
    if (this.#headerLimit === null) return;
    if (this.#partialSince < 0) {
      if (this.#waitBytes === BYTES_REPORTED || this.#bytesRead() === this.#waitBytes) {
        if (now - this.#waitStart >= (this.#idleLimit as number)) this.#expire('idle');
        return;
      }
      // Bytes of a request came in since the last tick: its header time starts now (never early).
      this.#partialSince = now;
      return;
    }
    if (now - this.#partialSince >= this.#headerLimit) this.#expire('header');
  };

  #expire(kind: ReadExpiry): void {
    this.#phase = PHASE_NONE;
    this.expired = kind;
    this.#target.onReadDeadline(kind);
  }
}
