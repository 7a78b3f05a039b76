import { appLog, genLog } from '@tornado-ts/ioloop';
import { AlreadyReadingError, StreamBufferFullError, UnsatisfiableReadError } from './errors';
import type { ReadBuffer } from './read-buffer';
import { describePattern } from './read-patterns';

const EMPTY = Buffer.alloc(0);

// The kind of the pending read; READ_NONE when there is none.
export const READ_NONE = 0;
export const READ_BYTES = 1;
export const READ_UNTIL = 2;
export const READ_REGEX = 3;
export const READ_INTO = 4;
export const READ_CLOSE = 5;

function noop(): void {}

/** What a pending read needs from its stream besides the buffer: the stream's state, and closing it when a read fails. */
export interface ReadOwner {
  /** True once the stream is closed. */
  closed(): boolean;
  /** Closes the stream with the error that failed the read (a limit was passed). */
  close(error: Error): void;
}

/**
 * The one pending read of a stream and how the unread bytes settle it: made once per stream and
 * reused by every read. Its parameters live in fields so no object or closure is made per read;
 * #capture is the one promise executor, bound at construction. The stream decides when to try
 * (new bytes, a new read, a close) and keeps the socket flowing; this settles the read, rejecting
 * it and closing the stream when it passes `maxBytes` or `maxBufferSize`.
 */
export class PendingRead {
  readonly #owner: ReadOwner;
  readonly #buffer: ReadBuffer;
  readonly #maxBufferSize: number;
  /** Called on a later turn of the event loop when a readUntilRegex search was deferred. */
  readonly #onDeferredSearch: () => void;

  #kind = READ_NONE;
  #promise: Promise<Buffer | number> | null = null;
  #resolve: (value: Buffer | number) => void = noop;
  #reject: (reason: unknown) => void = noop;
  #bytes = 0;
  #partial = false;
  #delimiter: Buffer = EMPTY;
  #regex: RegExp | null = null;
  #maxBytes = Infinity;
  /** readUntil: where the next search starts; readUntilRegex: buffered size at which to search eagerly again. */
  #scanFrom = 0;
  /** readUntilRegex: the unread bytes searched so far, as latin1 text. */
  #regexText = '';
  #regexImmediate: NodeJS.Immediate | null = null;
  #target: Uint8Array = EMPTY;
  #filled = 0;
  /** readBytesSync: who gets the bytes (or null for a close), instead of a promise. */
  #callback: ((data: Buffer | null) => void) | null = null;
  /** A readBytesSync callback settled during a 'data' event or close(), run once the stream's own bookkeeping is done. */
  #settledCallback: ((data: Buffer | null) => void) | null = null;
  #settledData: Buffer | null = null;

  #capture = (resolve: (value: Buffer | number) => void, reject: (reason: unknown) => void): void => {
    this.#resolve = resolve;
    this.#reject = reject;
  };

  /** `onDeferredSearch` runs when a deferred readUntilRegex search is due; it calls {@link deferredSearchDue}. */
  constructor(owner: ReadOwner, buffer: ReadBuffer, maxBufferSize: number, onDeferredSearch: () => void) {
    this.#owner = owner;
    this.#buffer = buffer;
    this.#maxBufferSize = maxBufferSize;
    this.#onDeferredSearch = onDeferredSearch;
  }

  /** READ_NONE, or the kind of the pending read. */
  get kind(): number {
    return this.#kind;
  }

  /** True when a readBytesSync callback has settled and waits for {@link runSettledCallback}. */
  get hasSettledCallback(): boolean {
    return this.#settledCallback !== null;
  }

  /** @throws {AlreadyReadingError} when a read is pending. */
  assertNotReading(): void {
    if (this.#kind !== READ_NONE) throw new AlreadyReadingError('Already reading: a stream allows one pending read at a time');
  }

  /** Starts a readBytes: exactly `n` bytes, or with `partial` at most `n` and as soon as any are buffered. */
  startBytes(n: number, partial: boolean): Promise<Buffer | number> {
    const promise = this.#start(READ_BYTES);
    this.#bytes = n;
    this.#partial = partial;
    return promise;
  }

  /**
   * Starts a readBytesSync: a partial read of at most `n` bytes whose result goes to `onData`, not
   * to a promise. The caller has checked that no read is pending ({@link assertNotReading}).
   */
  startBytesSync(n: number, onData: (data: Buffer | null) => void): void {
    this.#kind = READ_BYTES;
    this.#bytes = n;
    this.#partial = true;
    this.#callback = onData;
  }

  /** Starts a readUntil of `delimiter` (non-empty). */
  startUntil(delimiter: Buffer, maxBytes: number): Promise<Buffer | number> {
    const promise = this.#start(READ_UNTIL);
    this.#delimiter = delimiter;
    this.#maxBytes = maxBytes;
    return promise;
  }

  /** Starts a readUntilRegex of `regex` (one safe to `exec` from index 0). */
  startUntilRegex(regex: RegExp, maxBytes: number): Promise<Buffer | number> {
    const promise = this.#start(READ_REGEX);
    this.#regex = regex;
    this.#maxBytes = maxBytes;
    return promise;
  }

  /** Starts a readInto of `target`, filling it at once with what is buffered. */
  startInto(target: Uint8Array, partial: boolean): Promise<Buffer | number> {
    const promise = this.#start(READ_INTO);
    this.#target = target;
    this.#partial = partial;
    const n = Math.min(target.length, this.#buffer.length);
    if (n > 0) {
      this.#buffer.copyOut(target, 0, n);
      this.#filled = n;
    }
    return promise;
  }

  /** Starts a readUntilClose; it settles only when the stream closes. */
  startUntilClose(): Promise<Buffer | number> {
    return this.#start(READ_CLOSE);
  }

  #start(kind: number): Promise<Buffer | number> {
    this.assertNotReading();
    this.#kind = kind;
    const promise = new Promise<Buffer | number>(this.#capture);
    this.#promise = promise;
    return promise;
  }

  /** Settles the pending read if the buffered bytes allow it; true when it settled (either way). */
  trySettle(eager: boolean): boolean {
    const available = this.#buffer.length;
    switch (this.#kind) {
      case READ_BYTES: {
        const n = this.#bytes;
        if (!this.#partial) {
          if (available < n) return false;
          this.resolve(this.#buffer.consume(n));
        } else {
          if (available === 0 && n > 0) return false;
          // A partial read takes what the first chunk holds, so it never copies.
          const front = this.#buffer.contiguous;
          this.resolve(this.#buffer.consume(front < n ? front : n));
        }
        return true;
      }
      case READ_UNTIL: {
        const needle = this.#delimiter;
        const at = this.#buffer.indexOf(needle, this.#scanFrom);
        if (at >= 0) return this.#resolveThrough(at + needle.length, needle);
        this.#scanFrom = available - needle.length + 1;
        return this.#failIfPastMaxBytes(available, needle);
      }
      case READ_REGEX:
        return this.#searchRegex(available, eager);
      case READ_INTO: {
        const filled = this.#filled;
        if (filled < this.#target.length && !(this.#partial && filled > 0)) return false;
        this.resolve(filled);
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * The common case of a pending readUntil or readBytes when nothing is buffered: settles it from
   * `chunk` alone (the chunk itself or a view of it) and returns how many bytes of it the read took;
   * the caller buffers only the rest. -1, with nothing consumed, when the chunk does not satisfy the
   * read or the read must fail: the slow path decides.
   */
  settleFromChunk(chunk: Buffer): number {
    let end: number;
    if (this.#kind === READ_UNTIL) {
      const needle = this.#delimiter;
      const at = needle.length === 1 ? chunk.indexOf(needle[0]) : chunk.indexOf(needle);
      if (at < 0) {
        // The slow path will hold exactly this chunk: let it search only where a match may still start.
        this.#scanFrom = chunk.length - needle.length + 1;
        return -1;
      }
      end = at + needle.length;
      if (end > this.#maxBytes || end > this.#maxBufferSize) return -1;
    } else {
      end = this.#bytes;
      if (chunk.length < end) {
        if (!this.#partial || chunk.length === 0) return -1;
        end = chunk.length;
      }
    }
    this.resolve(end === chunk.length ? chunk : chunk.subarray(0, end));
    return end;
  }

  /** A pending readInto: copies what fits of `chunk` into the target; returns the rest (all of it once the target is full). */
  fillTarget(chunk: Buffer): Buffer {
    const room = this.#target.length - this.#filled;
    if (room === 0) return chunk;
    const n = room < chunk.length ? room : chunk.length;
    chunk.copy(this.#target, this.#filled, 0, n);
    this.#filled += n;
    return n === chunk.length ? EMPTY : chunk.subarray(n);
  }

  /** The deferred readUntilRegex search is due (see the constructor): true when its read is still pending. */
  deferredSearchDue(): boolean {
    this.#regexImmediate = null;
    return this.#kind === READ_REGEX;
  }

  /**
   * A regex cannot resume mid-text, so each search covers all unread bytes: done at once when the
   * buffer has doubled since the last search or passed a limit, otherwise once per event-loop turn.
   */
  #searchRegex(available: number, eager: boolean): boolean {
    if (available === 0) return false;
    if (!eager && available < this.#scanFrom && available <= this.#maxBytes && available <= this.#maxBufferSize) {
      if (this.#regexImmediate === null) this.#regexImmediate = setImmediate(this.#onDeferredSearch);
      return false;
    }
    if (this.#regexText.length < available) this.#regexText += this.#buffer.latin1(this.#regexText.length);
    const regex = this.#regex as RegExp;
    const match = regex.exec(this.#regexText);
    if (match !== null) return this.#resolveThrough(match.index + match[0].length, regex);
    this.#scanFrom = available * 2;
    return this.#failIfPastMaxBytes(available, regex);
  }

  #resolveThrough(end: number, pattern: Buffer | RegExp): boolean {
    if (end > this.#maxBytes) this.#unsatisfiable(pattern);
    else if (end > this.#maxBufferSize) this.failBufferFull();
    else this.resolve(this.#buffer.consume(end));
    return true;
  }

  #failIfPastMaxBytes(available: number, pattern: Buffer | RegExp): boolean {
    if (available <= this.#maxBytes) return false;
    this.#unsatisfiable(pattern);
    return true;
  }

  #unsatisfiable(pattern: Buffer | RegExp): void {
    const error = new UnsatisfiableReadError(`${describePattern(pattern)} not found within ${this.#maxBytes} bytes`);
    if (!this.#owner.closed()) genLog.info('Unsatisfiable read, closing connection: %s', error.message);
    this.reject(error);
    this.#owner.close(error);
  }

  /** Fails the pending read with StreamBufferFullError (it needs more than maxBufferSize) and closes the stream. */
  failBufferFull(): void {
    const error = new StreamBufferFullError(`Reached maximum read buffer size (${this.#maxBufferSize} bytes)`);
    if (!this.#owner.closed()) genLog.warn('%s, closing connection', error.message);
    this.reject(error);
    this.#owner.close(error);
  }

  /** Resolves the pending read with `value`; a readBytesSync callback is kept for {@link runSettledCallback}. */
  resolve(value: Buffer | number): void {
    const callback = this.#callback;
    if (callback !== null) {
      this.#reset();
      this.#settledCallback = callback;
      this.#settledData = value as Buffer;
      return;
    }
    const resolve = this.#resolve;
    this.#reset();
    resolve(value);
  }

  /** Rejects the pending read; marked handled, since a caller may have started it and moved on. */
  reject(error: Error): void {
    const callback = this.#callback;
    if (callback !== null) {
      this.#reset();
      this.#settledCallback = callback;
      this.#settledData = null;
      return;
    }
    const reject = this.#reject;
    this.#promise?.catch(noop);
    this.#reset();
    reject(error);
  }

  /** Hands a settled readBytesSync its bytes (null: closed); the callback may start the next read. */
  runSettledCallback(): void {
    const callback = this.#settledCallback as (data: Buffer | null) => void;
    const data = this.#settledData;
    this.#settledCallback = null;
    this.#settledData = null;
    try {
      callback(data);
    } catch (error) {
      // Thrown into a socket event it would crash the process: logged, and the stream closed.
      appLog.error('Exception in readBytesSync callback', error);
      this.#owner.close(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #reset(): void {
    this.#kind = READ_NONE;
    this.#promise = null;
    this.#resolve = noop;
    this.#reject = noop;
    this.#callback = null;
    this.#partial = false;
    this.#maxBytes = Infinity;
    this.#scanFrom = 0;
    if (this.#delimiter !== EMPTY) this.#delimiter = EMPTY;
    if (this.#regex !== null) {
      this.#regex = null;
      this.#regexText = '';
      if (this.#regexImmediate !== null) {
        clearImmediate(this.#regexImmediate);
        this.#regexImmediate = null;
      }
    }
    if (this.#target !== EMPTY) {
      this.#target = EMPTY;
      this.#filled = 0;
    }
  }
}
