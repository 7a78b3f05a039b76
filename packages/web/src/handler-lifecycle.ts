// The lifecycle of one handler (Tornado's RequestHandler._execute): method check, body parsing,
// path groups, XSRF check, prepare(), the body of a streamed request, the method, and the
// automatic finish. It runs synchronously for as long as nothing returns a promise (the usual
// `get() { this.write(...) }` costs no promise at all) and continues asynchronously from the
// first one.

import { HTTPInputError, type HTTPServerRequest } from '@tornado-ts/httputil';
import { appLog } from '@tornado-ts/ioloop';
import { HTTPError } from './errors';
import { handleRequestException } from './handler-errors';
import { isPromiseLike, type HandlerState } from './handler-state';
import type { OutputTransform } from './output-transform';
import { RequestHandler } from './request-handler';
import { NO_GROUPS, type RouteMatch } from './routing-matchers';
import { plainPathGroups } from './routing-path-matches';

type HandlerMethod = (this: RequestHandler, ...args: unknown[]) => unknown;

/** The method names of the usual verbs, so dispatch makes no lower-cased string per request. */
const METHOD_NAMES = new Map(['GET', 'HEAD', 'POST', 'DELETE', 'PATCH', 'PUT', 'OPTIONS'].map((verb) => [verb, verb.toLowerCase()]));

/**
 * Runs `handler` for its request. Never throws: errors go to the handler's error handling. Path
 * groups come from the route's `match` (its `kwargs` for named groups, else its `args`); `body` is
 * the pending streamed body, or null when the body was buffered.
 */
export function runHandler(
  handler: RequestHandler,
  state: HandlerState,
  transforms: readonly OutputTransform[],
  match: RouteMatch,
  body: Promise<void> | null,
): void {
  state.transforms = transforms;
  const rawKwargs = match.kwargs;
  try {
    const request = handler.request;
    const method = request.method;
    if (!(handler.constructor as typeof RequestHandler).SUPPORTED_METHODS.includes(method)) throw new HTTPError(405);
    if (body === null && request.body.length > 0) parseBody(request);
    decodePathGroups(handler, match);
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && handler.settings.xsrfCookies) handler.checkXsrfCookie();

    const prepared = handler.prepare();
    if (isPromiseLike(prepared)) {
      void continueAsync(handler, state, prepared, body, rawKwargs !== null);
    } else {
      state.prepared?.resolve();
      if (state.finished) return;
      if (body !== null) {
        void continueAsync(handler, state, null, body, rawKwargs !== null);
      } else {
        const result = callMethod(handler, rawKwargs !== null);
        if (isPromiseLike(result)) void finishAfter(handler, state, result);
        else if (!state.finished) void handler.finish();
      }
    }
  } catch (error) {
    failed(handler, state, error);
  }
  // Still answering (something async, or an async error page): hear the client leaving meanwhile.
  if (!state.finished) watchConnectionClose(handler, state);
}

/** The lifecycle from an awaited prepare() and/or a streamed body on. */
async function continueAsync(
  handler: RequestHandler,
  state: HandlerState,
  prepared: PromiseLike<unknown> | null,
  body: Promise<void> | null,
  named: boolean,
): Promise<void> {
  try {
    if (prepared !== null) {
      await prepared;
      state.prepared?.resolve();
      if (state.finished) return;
    }
    if (body !== null) {
      try {
        await body;
      } catch (error) {
        if (state.closeNotified) return; // the client left mid-body
        throw error;
      }
    }
    const result = callMethod(handler, named);
    if (isPromiseLike(result)) await result;
    if (!state.finished) void handler.finish();
  } catch (error) {
    failed(handler, state, error);
  }
}

/** The rest of the lifecycle after an async method: the automatic finish. */
async function finishAfter(handler: RequestHandler, state: HandlerState, result: PromiseLike<unknown>): Promise<void> {
  try {
    await result;
    if (!state.finished) void handler.finish();
  } catch (error) {
    failed(handler, state, error);
  }
}

function failed(handler: RequestHandler, state: HandlerState, error: unknown): void {
  try {
    handleRequestException(handler, state, error);
  } catch (inner) {
    appLog.error('Exception in exception handler', inner);
  }
  state.prepared?.resolve();
}

function parseBody(request: HTTPServerRequest): void {
  try {
    request.parseBody();
  } catch (error) {
    if (error instanceof HTTPInputError) throw new HTTPError(400, 'Invalid body: %s', error.message);
    throw error;
  }
}

/** Sets `pathArgs` / `pathKwargs` from the route's groups, decoded by `decodeArgument`. */
function decodePathGroups(handler: RequestHandler, match: RouteMatch): void {
  const rawKwargs = match.kwargs;
  if (match === NO_GROUPS) return;
  if (rawKwargs === null && handler.decodeArgument === RequestHandler.prototype.decodeArgument) {
    // The usual group (ASCII, no escapes) is its own UTF-8 decoding: no bytes made and read back.
    const texts = plainPathGroups(match);
    if (texts !== null) {
      if (texts.length > 0) handler.pathArgs = texts;
      return;
    }
  }
  const rawArgs = match.args;
  if (rawArgs.length > 0) {
    const args: string[] = new Array(rawArgs.length);
    for (let i = 0; i < rawArgs.length; i++) {
      const raw = rawArgs[i];
      args[i] = raw === undefined ? (undefined as unknown as string) : handler.decodeArgument(raw);
    }
    handler.pathArgs = args;
  }
  if (rawKwargs !== null) {
    const kwargs: Record<string, string> = {};
    for (const name of Object.keys(rawKwargs)) {
      const raw = rawKwargs[name];
      kwargs[name] = raw === undefined ? (undefined as unknown as string) : handler.decodeArgument(raw, name);
    }
    handler.pathKwargs = kwargs;
  }
}

/** Calls the handler's method for the request's verb with the path groups. @throws {HTTPError} 405 when it has none. */
function callMethod(handler: RequestHandler, named: boolean): unknown {
  const verb = handler.request.method;
  const name = METHOD_NAMES.get(verb) ?? verb.toLowerCase();
  const method = (handler as unknown as Record<string, HandlerMethod | undefined>)[name];
  if (typeof method !== 'function') throw new HTTPError(405);
  return named ? method.call(handler, handler.pathKwargs) : method.apply(handler, handler.pathArgs);
}

/** Runs `onConnectionClose()` if the client leaves before the response is finished. */
export function watchConnectionClose(handler: RequestHandler, state: HandlerState): void {
  handler.request.connection?.setCloseCallback(() => notifyConnectionClose(handler, state));
}

/** The connection closed early: fail a streamed body in progress, then tell `onConnectionClose()` once. */
export function notifyConnectionClose(handler: RequestHandler, state: HandlerState): void {
  if (state.closeNotified) return;
  state.closeNotified = true;
  state.bodyClosed?.();
  try {
    handler.onConnectionClose();
  } catch (error) {
    appLog.error('Exception in onConnectionClose() of %s', handler.requestSummary(), error);
  }
}
