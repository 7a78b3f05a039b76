// The private steps of HTTP1Connection that its helpers in other files drive.

import type { HTTPMessageDelegate, RequestStartLine } from './delegates';
import type { HTTPHeaders } from './http-headers';
import type { HTTP1Connection } from './http1-connection';

/**
 * Internal: what the fast lane (http1-fast-lane.ts), the body readers (http1-body-readers.ts) and
 * the failure handling (http1-exchange-failure.ts) read and change of HTTP1Connection's private
 * members; set once by the class's static block, so each of them lives in its own file.
 */
export interface ExchangeSteps {
  readMessage(connection: HTTP1Connection, delegate: HTTPMessageDelegate, headWaitStarted: boolean): Promise<boolean>;
  /** Decides the framing of a request head (may throw HTTPInputError); returns its Content-Length body size, or -1 when chunked or `Expect` was sent. */
  frame(connection: HTTP1Connection, startLine: RequestStartLine, headers: HTTPHeaders): number;
  bodyTimeout(connection: HTTP1Connection): number | null;
  detached(connection: HTTP1Connection): boolean;
  writeFinished(connection: HTTP1Connection): boolean;
  /** Marks the request read; `inFinish` brackets the delegate's finish() call (see HTTP1Connection.finish). */
  setRead(connection: HTTP1Connection, inFinish: boolean): void;
  lastWrite(connection: HTTP1Connection): Promise<void>;
  finishRequest(connection: HTTP1Connection): void;
  deliver(connection: HTTP1Connection, delegate: HTTPMessageDelegate, piece: Buffer): Promise<void>;
  /** Keeps the trailer fields being read (the `trailers` getter shows them, even when a later line fails). */
  setTrailers(connection: HTTP1Connection, trailers: HTTPHeaders): void;
  /** Keeps why the exchange failed (the `error` getter). */
  setError(connection: HTTP1Connection, error: unknown): void;
  /** A timeout answered or closed for the application: its later writes go nowhere. */
  abort(connection: HTTP1Connection): void;
  /** The codec answers in the application's place: true, with the head marked written, on a server that has not begun its answer. */
  claimAnswer(connection: HTTP1Connection): boolean;
}

export let exchangeSteps: ExchangeSteps;

/** Called once, by HTTP1Connection's static block. */
export function provideExchangeSteps(steps: ExchangeSteps): void {
  exchangeSteps = steps;
}
