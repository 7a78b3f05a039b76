// The fast lane of a kept-alive server connection: a request that arrives whole (its head, and a
// Content-Length body up to `chunkSize`, in one piece; no chunking, no `Expect`) is parsed and
// handed to the delegate synchronously, from the 'data' event that brought it (readBytesSync),
// and a delegate that answers synchronously finishes the exchange there too: no read promise, no
// await. Anything else is left, with its bytes untouched, to the regular reader
// (HTTP1Connection's readResponse), and a delegate step that returns a promise or throws hands
// the rest of the exchange to an async tail that does what the regular reader does from there.

import { appLog } from '@tornado-ts/ioloop';
import type { HTTPMessageDelegate, RequestStartLine } from './delegates';
import { HTTPInputError } from './errors';
import type { HTTPHeaders } from './http-headers';
import { parseHeaderBlock } from './header-block';
import type { HTTP1Connection } from './http1-connection';
import type { HTTP1ConnectionState } from './http1-connection-state';
import { callConnectionClose, delegateFailure } from './http1-delegate-calls';
import { failExchange } from './http1-exchange-failure';
import { exchangeSteps as steps } from './http1-exchange-steps';
import { headerBlockEnd, readLatin1 } from './http1-head';
import { parseRequestStartLine } from './start-line';

const LF = 0x0a;
const CR = 0x0d;

// Where the async tail takes over from the synchronous exchange.
const LANE_FAILED = 0;
const LANE_HEADERS = 1;
const LANE_BODY = 2;
const LANE_FINISH = 3;
const LANE_AFTER_FINISH = 4;

/** What the last successful {@link takeRequestHead} found: one reused object, read right after the call. */
export const laneHead = {
  startLine: null as RequestStartLine | null,
  headers: null as HTTPHeaders | null,
  /** Where the head ends in the piece (the body or the next request starts there). */
  end: 0,
};

/**
 * Parses the request head at the start of `piece` (a partial read of at most `maxHeaderSize`
 * bytes) into {@link laneHead}; true on success. False, with nothing kept, when the piece does not
 * start with a whole head, or holds blank lines before it, or a malformed one: the regular reader
 * then sees the same bytes and answers them with the usual status and log line.
 */
export function takeRequestHead(piece: Buffer, maxHeaderCount: number): boolean {
  const end = headerBlockEnd(piece);
  if (end < 0 || piece[0] === CR || piece[0] === LF) return false;
  const text = readLatin1(piece, 0, end);
  const eol = text.indexOf('\n');
  const line = text.slice(0, eol > 0 && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol);
  try {
    laneHead.startLine = parseRequestStartLine(line);
    laneHead.headers = parseHeaderBlock(text, eol + 1, maxHeaderCount);
  } catch {
    laneHead.startLine = null;
    laneHead.headers = null;
    return false;
  }
  laneHead.end = end;
  return true;
}

/** Wires the lane's readBytesSync callback into a server connection's state: once per connection. */
export function wireFastLane(state: HTTP1ConnectionState): void {
  state.onLaneData = (data) => laneArrived(state, data);
}

/**
 * Reads and serves one request on `connection` (the state's current exchange) as its
 * `readResponse` would, by the fast lane when the request allows. Returns what readResponse would
 * resolve to when the exchange ended during the call; otherwise undefined, and `done` hears the
 * result later.
 */
export function serveRequest(
  connection: HTTP1Connection,
  state: HTTP1ConnectionState,
  delegate: HTTPMessageDelegate,
  done: (keepGoing: boolean) => void,
): boolean | undefined {
  state.laneDone = done;
  if (connection.params.decompress) {
    connection.readResponse(delegate).then(done);
    return undefined;
  }
  state.laneDelegate = delegate;
  state.readDeadlines(false)?.waitForReportedHeaders();
  const stream = connection.stream;
  const first = stream.closed() ? null : stream.readBytesSync(connection.params.maxHeaderSize, state.onLaneData);
  if (first !== null) return take(connection, state, first);
  return stream.reading() ? undefined : regularPath(connection, state);
}

/** The readBytesSync callback: the bytes of the awaited request arrived (null: the stream closed). */
function laneArrived(state: HTTP1ConnectionState, data: Buffer | null): void {
  const connection = state.current;
  if (connection === null) return;
  let result: boolean | undefined;
  try {
    result = data === null ? regularPath(connection, state) : take(connection, state, data);
  } catch (error) {
    // Not expected (delegate errors are caught where it is called): never let it reach the socket.
    appLog.error('Uncaught exception serving HTTP/1 connection', error);
    connection.stream.close();
    result = false;
  }
  if (result !== undefined) state.laneDone(result);
}

/** The regular reader, from the head read on (the header wait has begun); its result goes to `laneDone`. */
function regularPath(connection: HTTP1Connection, state: HTTP1ConnectionState): undefined {
  steps.readMessage(connection, state.laneDelegate as HTTPMessageDelegate, true).then(state.laneDone);
  return undefined;
}

/** Serves the request at the start of `piece` if it is whole and simple; else gives `piece` back to the regular reader. */
function take(connection: HTTP1Connection, state: HTTP1ConnectionState, piece: Buffer): boolean | undefined {
  const stream = connection.stream;
  const params = connection.params;
  let end = -1;
  let headEnd = 0;
  let startLine: RequestStartLine | null = null;
  let headers: HTTPHeaders | null = null;
  if (takeRequestHead(piece, params.maxHeaderCount)) {
    startLine = laneHead.startLine as RequestStartLine;
    headers = laneHead.headers as HTTPHeaders;
    headEnd = laneHead.end;
    laneHead.startLine = null;
    laneHead.headers = null;
    let bodyLength = -1;
    try {
      bodyLength = steps.frame(connection, startLine, headers);
    } catch {
      // A framing error: the regular reader decides again and answers it.
    }
    if (bodyLength >= 0 && headEnd + bodyLength <= piece.length && bodyLength <= params.chunkSize && bodyLength <= connection.maxBodySize) {
      end = headEnd + bodyLength;
    }
  }
  if (end < 0) {
    state.deadlines?.noteHeadBytes();
    stream.unread(piece);
    return regularPath(connection, state);
  }
  if (end < piece.length) stream.unread(piece.subarray(end));
  state.deadlines?.pause();
  state.busy = true;
  const body = end > headEnd ? piece.subarray(headEnd, end) : null;
  return exchange(connection, state, state.laneDelegate as HTTPMessageDelegate, startLine as RequestStartLine, headers as HTTPHeaders, body);
}

/** The regular reader's steps from headersReceived on, without awaiting; at the first promise or error the async tail takes over. */
function exchange(
  connection: HTTP1Connection,
  state: HTTP1ConnectionState,
  delegate: HTTPMessageDelegate,
  startLine: RequestStartLine,
  headers: HTTPHeaders,
  body: Buffer | null,
): boolean | undefined {
  const stream = connection.stream;
  let result: void | Promise<void>;
  try {
    result = delegate.headersReceived(startLine, headers);
  } catch (error) {
    return tail(connection, state, delegate, LANE_FAILED, delegateFailure(error), null, true);
  }
  if (result) return tail(connection, state, delegate, LANE_HEADERS, result, body, true);
  if (steps.detached(connection)) return false;
  if (body !== null) {
    const tooLong = checkBodySize(connection, body);
    if (tooLong !== null) return tail(connection, state, delegate, LANE_FAILED, tooLong, null, true);
    const bodyTimeout = steps.bodyTimeout(connection);
    const deadlines = bodyTimeout === null ? state.deadlines : state.readDeadlines(true);
    deadlines?.waitForBody(bodyTimeout);
    // A server that answered already drops the body, as the regular reader does.
    if (!steps.writeFinished(connection)) {
      try {
        result = delegate.dataReceived(body);
      } catch (error) {
        return tail(connection, state, delegate, LANE_FAILED, delegateFailure(error), null, true);
      }
      if (result) return tail(connection, state, delegate, LANE_BODY, result, null, true);
    }
    deadlines?.pause();
  }
  // A server that answered before the request was read does not call finish(): onConnectionClose() is owed instead.
  const owed = steps.writeFinished(connection);
  if (owed) {
    steps.setRead(connection, false);
  } else {
    steps.setRead(connection, true);
    try {
      result = delegate.finish();
    } catch (error) {
      return tail(connection, state, delegate, LANE_FAILED, delegateFailure(error), null, false);
    } finally {
      steps.setRead(connection, false);
    }
    if (result) return tail(connection, state, delegate, LANE_FINISH, result, null, false);
  }
  if (steps.writeFinished(connection)) {
    if (stream.writing()) return tail(connection, state, delegate, LANE_AFTER_FINISH, null, null, owed);
    steps.finishRequest(connection);
  } else if (!steps.detached(connection) && !stream.closed()) {
    return tail(connection, state, delegate, LANE_AFTER_FINISH, null, null, owed);
  }
  const detached = steps.detached(connection);
  if (!detached) state.busy = false;
  if (owed) callConnectionClose(delegate);
  return !detached && !stream.closed();
}

/** The 413 a body over the limit gets (the limit may have been lowered in headersReceived); null when it fits. */
function checkBodySize(connection: HTTP1Connection, body: Buffer): HTTPInputError | null {
  const limit = connection.maxBodySize;
  if (body.length <= limit) return null;
  return new HTTPInputError(`Content-Length too long (${body.length} > ${limit})`, { status: 413 });
}

/** Starts the async tail; its result goes to `laneDone`. `owed`: finish() was not called, so finish() or onConnectionClose() still is. */
function tail(
  connection: HTTP1Connection,
  state: HTTP1ConnectionState,
  delegate: HTTPMessageDelegate,
  phase: number,
  pending: unknown,
  body: Buffer | null,
  owed: boolean,
): undefined {
  tailAsync(connection, state, delegate, phase, pending, body, owed).then(state.laneDone);
  return undefined;
}

/** The rest of the exchange from `phase` on (awaiting `pending`, or failing with it), as the regular reader does it. */
async function tailAsync(
  connection: HTTP1Connection,
  state: HTTP1ConnectionState,
  delegate: HTTPMessageDelegate,
  phase: number,
  pending: unknown,
  body: Buffer | null,
  owed: boolean,
): Promise<boolean> {
  const stream = connection.stream;
  try {
    if (phase === LANE_FAILED) throw pending;
    if (phase !== LANE_AFTER_FINISH) {
      try {
        await pending;
      } catch (error) {
        throw delegateFailure(error);
      }
    }
    if (phase === LANE_HEADERS) {
      if (steps.detached(connection)) {
        owed = false;
        return false;
      }
      if (body !== null) {
        const tooLong = checkBodySize(connection, body);
        if (tooLong !== null) throw tooLong;
        const bodyTimeout = steps.bodyTimeout(connection);
        const deadlines = bodyTimeout === null ? state.deadlines : state.readDeadlines(true);
        deadlines?.waitForBody(bodyTimeout);
        await steps.deliver(connection, delegate, body);
      }
    }
    if (phase === LANE_HEADERS || phase === LANE_BODY) {
      if (body !== null || phase === LANE_BODY) state.deadlines?.pause();
      steps.setRead(connection, false);
      if (!steps.writeFinished(connection)) {
        owed = false;
        try {
          steps.setRead(connection, true);
          const result = delegate.finish();
          steps.setRead(connection, false);
          if (result) await result;
        } catch (error) {
          throw delegateFailure(error);
        } finally {
          steps.setRead(connection, false);
        }
      }
    }
    if (steps.writeFinished(connection)) {
      if (stream.writing()) {
        try {
          await steps.lastWrite(connection);
        } catch {
          // The stream closed; finishRequest sees it.
        }
      }
      steps.finishRequest(connection);
    } else if (!steps.detached(connection) && !stream.closed()) {
      stream.setCloseCallback(state.onStreamClose);
      await new Promise<void>(state.captureFinish);
    }
    return !steps.detached(connection) && !stream.closed();
  } catch (error) {
    await failExchange(connection, error);
    return false;
  } finally {
    if (!steps.detached(connection)) state.busy = false;
    if (owed) callConnectionClose(delegate);
  }
}
