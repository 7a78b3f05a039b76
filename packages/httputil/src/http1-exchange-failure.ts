// How a failed or timed-out HTTP/1.x exchange ends: the codec's own answer, one log line, the close.

import { appLog, genLog } from '@tornado-ts/ioloop';
import { StreamClosedError, UnsatisfiableReadError } from '@tornado-ts/iostream';
import { HTTPInputError } from './errors';
import type { HTTP1Connection } from './http1-connection';
import type { HTTP1ConnectionState } from './http1-connection-state';
import { DelegateFailure } from './http1-delegate-calls';
import { exchangeSteps as steps } from './http1-exchange-steps';
import { errorResponse } from './http1-head';
import type { ReadExpiry } from './read-deadlines';

/** The connection boundary: answers what can still be answered (400/413/431/500), logs once, closes. */
export async function failExchange(connection: HTTP1Connection, error: unknown): Promise<void> {
  if (steps.detached(connection)) return;
  steps.setError(connection, error instanceof DelegateFailure ? error.cause : error);
  const stream = connection.stream;
  if (error instanceof StreamClosedError || error instanceof UnsatisfiableReadError) {
    // The peer left, a timeout closed the stream (logged by answerReadDeadline), or the stream
    // refused an overlong line (logged by the stream).
    connection.close();
    return;
  }
  let status = 500;
  if (error instanceof HTTPInputError) {
    genLog.info('Malformed HTTP message from %s: %s', describePeer(connection), error.message);
    status = error.status;
  } else if (!(error instanceof DelegateFailure)) {
    appLog.error('Uncaught exception in HTTP/1 connection from %s', describePeer(connection), error);
  }
  if (!stream.closed() && steps.claimAnswer(connection)) {
    try {
      await stream.write(errorResponse(status));
    } catch {
      // The peer is gone; nothing more to say.
    }
    // The peer may still be sending the request we refused: drain it, so it reads the answer.
    if (!steps.detached(connection)) stream.closeLingering();
  }
  connection.close();
}

/** A read limit of the connection passed (see ReadDeadlines): 408 when nothing was answered yet, else a close. */
export function answerReadDeadline(state: HTTP1ConnectionState, kind: ReadExpiry): void {
  const stream = state.stream;
  const current = state.current;
  if (stream.closed() || (current !== null && steps.detached(current))) return;
  if (kind === 'idle') {
    stream.close();
    return;
  }
  genLog.info('Timeout reading %s from %s', kind === 'header' ? 'headers' : 'body', current === null ? 'peer' : describePeer(current));
  if (current !== null) steps.abort(current);
  const answer = current === null || steps.claimAnswer(current);
  if (!answer) {
    stream.close();
    return;
  }
  const closeStream = () => stream.close();
  stream.write(errorResponse(408)).then(closeStream, closeStream);
}

function describePeer(connection: HTTP1Connection): string {
  const ip = connection.context?.remoteIp;
  if (ip) return ip;
  const socket = connection.stream.socket as { remoteAddress?: string };
  return socket.remoteAddress ?? 'unknown peer';
}
