// The per-request state behind a RequestHandler's public methods: the response being built
// (status, headers, unsent body) and where the lifecycle stands. One plain object per handler, so
// the output, error and lifecycle code can live in their own files (handler-output.ts,
// handler-errors.ts, handler-lifecycle.ts) while users see only RequestHandler's methods.

import { formatTimestamp, HTTPHeaders } from '@tornado-ts/httputil';
import type { OutputTransform } from './output-transform';

const NO_TRANSFORMS: readonly OutputTransform[] = [];

/** True for a promise or any other thenable (what `await` would wait on). */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A rejection handler that ignores the error (for promises whose failure is seen elsewhere). */
export function swallow(): void {}

/** The state of one handler's response and lifecycle (internal to the package). */
export class HandlerState {
  status = 200;
  reason = 'OK';
  headers: HTTPHeaders;
  /** Body chunks written and not yet flushed. */
  buffer: Buffer[] = [];
  /** The Date header value the headers carry while `pristine`. */
  date: string;
  /**
   * True while the status, headers and body are exactly what `resetOutput` left: `clear()` has
   * nothing to undo then (the usual case when a handler starts), so no new headers are made.
   */
  pristine = true;
  /** True until the first reset, which comes right after construction (the handler's first `clear()`). */
  fresh = true;
  headersWritten = false;
  finished = false;
  transforms: readonly OutputTransform[] = NO_TRANSFORMS;
  /** Set-Cookie values by cookie name (a later setCookie for a name replaces the earlier one). */
  newCookies: Map<string, string> | null = null;
  /** Settled once prepare() is done; made only for streamed bodies (see `preparedPromise`). */
  prepared: { promise: Promise<void>; resolve: () => void } | null = null;
  /** The connection closed before the response finished (told to the handler once). */
  closeNotified = false;
  /** Fails a streamed body in progress when the connection closes. */
  bodyClosed: (() => void) | null = null;

  constructor() {
    this.date = formatTimestamp(Date.now());
    this.headers = defaultHeaders(this.date);
  }
}

/** The default headers of the current second; each response starts from a copy (no validation to redo). */
let template = new HTTPHeaders();
let templateDate = '';

function defaultHeaders(date: string): HTTPHeaders {
  if (date !== templateDate) {
    const headers = new HTTPHeaders();
    headers.set('Content-Type', 'text/html; charset=UTF-8');
    headers.set('Date', date);
    template = headers;
    templateDate = date;
  }
  return new HTTPHeaders(template);
}

/** Back to a 200 with only the default headers and no body (what `clear()` does before `setDefaultHeaders()`). */
export function resetOutput(state: HandlerState): void {
  if (state.pristine && state.fresh) {
    // The first clear(), just after construction: nothing to undo, and the Date was set just now.
    state.fresh = false;
    return;
  }
  state.fresh = false;
  const date = formatTimestamp(Date.now());
  if (state.pristine) {
    // Nothing changed since the last reset: only the clock may have moved on.
    if (date !== state.date) {
      state.headers.set('Date', date);
      state.date = date;
    }
    return;
  }
  state.headers = defaultHeaders(date);
  state.date = date;
  state.buffer = [];
  state.status = 200;
  state.reason = 'OK';
  state.pristine = true;
}

/** A promise settled once prepare() is done (the point from which a streamed body may flow). */
export function preparedPromise(state: HandlerState): Promise<void> {
  if (state.prepared === null) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    state.prepared = { promise, resolve };
  }
  return state.prepared.promise;
}
