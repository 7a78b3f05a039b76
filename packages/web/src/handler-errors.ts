// What happens when a handler fails (Tornado's send_error / write_error / log_exception /
// _handle_request_exception): the error is logged, and unsent output is replaced by an error page.
// A client that left mid-response is not an error: its closed stream ends the request quietly.

import { appLog, genLog } from '@tornado-ts/ioloop';
import { StreamClosedError } from '@tornado-ts/iostream';
import { errorPageHtml, tracebackText } from './error-page';
import { Finish, HTTPError } from './errors';
import { isPromiseLike, type HandlerState } from './handler-state';
import type { ErrorDetails, RequestHandler } from './request-handler';

/** Replaces unsent output with the error page of `writeError` (see RequestHandler.sendError). */
export function sendErrorResponse(handler: RequestHandler, state: HandlerState, statusCode: number, details: ErrorDetails): void {
  if (state.headersWritten) {
    genLog.error('Cannot send error response after headers written');
    if (!state.finished) {
      try {
        void handler.finish();
      } catch (error) {
        genLog.error('Failed to flush partial response', error);
      }
    }
    return;
  }
  handler.clear();
  let reason = details.reason;
  if (details.error instanceof HTTPError && details.error.reason) reason = details.error.reason;
  try {
    handler.setStatus(statusCode, reason);
  } catch {
    // An unusable code or reason must not stop the error response itself.
    if (Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599) handler.setStatus(statusCode, 'Unknown');
    else handler.setStatus(500);
  }
  let pending: void | Promise<void> = undefined;
  try {
    if (statusCode !== 304) pending = handler.writeError(statusCode, details);
  } catch (error) {
    appLog.error('Uncaught exception in writeError', error);
  }
  if (isPromiseLike(pending)) {
    Promise.resolve(pending).then(
      () => finishIfOpen(handler, state),
      (error: unknown) => {
        appLog.error('Uncaught exception in writeError', error);
        finishIfOpen(handler, state);
      },
    );
  } else {
    finishIfOpen(handler, state);
  }
}

function finishIfOpen(handler: RequestHandler, state: HandlerState): void {
  if (!state.finished) void handler.finish();
}

/** The default error page: the stack trace as text with `serveTraceback`, else a small HTML page. */
export function writeDefaultErrorPage(handler: RequestHandler, state: HandlerState, statusCode: number, details: ErrorDetails): void {
  if (handler.settings.serveTraceback && details.error !== undefined) {
    handler.setHeader('Content-Type', 'text/plain; charset=UTF-8');
    void handler.finish(tracebackText(details.error));
  } else {
    void handler.finish(errorPageHtml(statusCode, state.reason));
  }
}

/** The default logException: an HTTPError's log message as a warning, anything else as an error with the request. */
export function logHandlerException(handler: RequestHandler, error: unknown): void {
  if (error instanceof HTTPError) {
    const message = error.formattedLogMessage;
    if (message !== null) genLog.warn('%d %s: %s', error.statusCode, handler.requestSummary(), message);
  } else {
    appLog.error('Uncaught exception %s\n%s', handler.requestSummary(), handler.request.toString(), error);
  }
}

/**
 * True when `error` is this request's own connection closing under its output (the client left
 * mid-response): a StreamClosedError after the headers went out, with the connection gone.
 */
function isClientGone(handler: RequestHandler, state: HandlerState, error: unknown): boolean {
  if (!(error instanceof StreamClosedError) || !state.headersWritten) return false;
  if (state.closeNotified) return true;
  const stream = (handler.request.connection as { stream?: { closed?(): boolean } } | null)?.stream;
  return typeof stream?.closed === 'function' && stream.closed();
}

/** An error that reached the lifecycle: `Finish` ends quietly, a departed client too; the rest is logged and answered. */
export function handleRequestException(handler: RequestHandler, state: HandlerState, error: unknown): void {
  if (error instanceof Finish) {
    if (!state.finished) void handler.finish(error.chunk);
    return;
  }
  if (isClientGone(handler, state, error)) {
    if (!state.finished) void handler.finish();
    return;
  }
  try {
    handler.logException(error);
  } catch (logError) {
    appLog.error('Error in exception logger', logError);
  }
  if (state.finished) return;
  handler.sendError(error instanceof HTTPError ? error.statusCode : 500, { error });
}
