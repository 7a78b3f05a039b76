import type { BaseIOStream } from '@tornado-ts/iostream';
import type { HTTPMessageDelegate } from './delegates';
import type { HTTP1Connection } from './http1-connection';
import type { HTTP1ConnectionParameters } from './http1-parameters';
import { ReadDeadlines, type ReadExpiry } from './read-deadlines';

/** The placeholder of a handler not yet wired. */
export function noop(): void {}

/**
 * State shared by the successive exchanges of one connection: the read timeouts, the exchange in
 * progress, and handlers bound once per connection so no exchange allocates a closure for them.
 * Internal: HTTP1ServerConnection passes one to each HTTP1Connection it creates.
 */
export class HTTP1ConnectionState {
  /** The exchange reading or answering right now. */
  current: HTTP1Connection | null = null;
  /** Set by a graceful close: the exchange in progress answers with `Connection: close`, then the connection closes. */
  closing = false;
  /** True from the arrival of a header block until its exchange is finished (a graceful close waits for it). */
  busy = false;
  /** Nagle is off on this stream (set once, at the first finished message). */
  nodelay = false;
  deadlines: ReadDeadlines | null = null;
  finishResolve: (() => void) | null = null;
  readonly captureFinish = (resolve: () => void): void => {
    this.finishResolve = resolve;
  };
  /** Wired by HTTP1Connection (it needs its private members). */
  onStreamClose: () => void = noop;
  onLastWrite: () => void = noop;
  onReadDeadline: (kind: ReadExpiry) => void = noop;
  /** The fast lane's readBytesSync callback: hands the next request's bytes (null: closed) to the exchange waiting for them. */
  onLaneData: (data: Buffer | null) => void = noop;
  /** Fast lane: the delegate of the exchange waiting for a request, and who hears how an exchange ended. */
  laneDelegate: HTTPMessageDelegate | null = null;
  laneDone: (keepGoing: boolean) => void = noop;

  constructor(
    readonly stream: BaseIOStream,
    readonly params: HTTP1ConnectionParameters,
  ) {}

  /** The deadline tracker, created on first use; null when no timeout is configured and `force` is false. */
  readDeadlines(force: boolean): ReadDeadlines | null {
    if (this.deadlines === null) {
      const p = this.params;
      if (!force && p.headerTimeout === null && p.idleConnectionTimeout === null && p.bodyTimeout === null) return null;
      this.deadlines = new ReadDeadlines(this.stream, p, this);
    }
    return this.deadlines;
  }

  /** Stops the timers and forgets the exchange (the connection is done). */
  dispose(): void {
    this.deadlines?.dispose();
    this.current = null;
    this.busy = false;
  }
}
