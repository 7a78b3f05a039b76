// The response machinery behind RequestHandler's write / flush / finish (Tornado's): body chunks
// buffered until a flush, the first flush sending the headers (through the output transforms, with
// the new cookies), and finish adding Content-Length, the ETag and its 304.

import { jsonEncode } from '@tornado-ts/escape';
import { appLog } from '@tornado-ts/ioloop';
import { HandlerUsageError } from './errors';
import { swallow, type HandlerState } from './handler-state';
import type { RequestHandler, ResponseChunk } from './request-handler';

const EMPTY = Buffer.alloc(0);
/** Representation headers a bodiless response (1xx, 204, 304) must not carry. */
const BODYLESS_REMOVED = ['Content-Encoding', 'Content-Language', 'Content-Type'];
const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

/** Buffers `chunk` (see RequestHandler.write). @throws {HandlerUsageError} after finish, or for an unsupported value. */
export function writeChunk(state: HandlerState, chunk: ResponseChunk): void {
  if (state.finished) throw new HandlerUsageError('Cannot write() after finish()');
  if (typeof chunk === 'string') {
    if (chunk.length > 0) {
      state.buffer.push(Buffer.from(chunk, 'utf8'));
      state.pristine = false;
    }
  } else if (Buffer.isBuffer(chunk)) {
    if (chunk.length > 0) {
      state.buffer.push(chunk);
      state.pristine = false;
    }
  } else if (typeof chunk === 'object' && chunk !== null && !Array.isArray(chunk) && !(chunk instanceof Uint8Array)) {
    state.buffer.push(Buffer.from(jsonEncode(chunk), 'utf8'));
    state.headers.set('Content-Type', JSON_CONTENT_TYPE);
    state.pristine = false;
  } else {
    const what = Array.isArray(chunk) ? 'an array (wrap it in an object; top-level JSON arrays are refused for safety)' : typeof chunk;
    throw new HandlerUsageError(`write() accepts a string, a Buffer or an object, not ${what}`);
  }
}

/**
 * Sends the buffered body (see RequestHandler.flush). The returned promise is marked handled, so a
 * caller that does not await it cannot crash the process when the peer left.
 * @throws {HandlerUsageError} when the request has no connection.
 */
export function flushOutput(handler: RequestHandler, state: HandlerState): Promise<void> {
  const result = sendBuffered(handler, state, false);
  result.catch(swallow);
  return result;
}

/** Sends the buffered body, after the headers the first time; the write's promise as the connection gave it. */
function sendBuffered(handler: RequestHandler, state: HandlerState, finishing: boolean): Promise<void> {
  const request = handler.request;
  const connection = request.connection;
  if (connection === null) throw new HandlerUsageError('This request has no connection to write to');
  const buffer = state.buffer;
  let chunk = buffer.length === 0 ? EMPTY : buffer.length === 1 ? buffer[0] : Buffer.concat(buffer);
  if (buffer.length > 0) state.buffer = [];
  const transforms = state.transforms;
  let result: Promise<void>;
  if (!state.headersWritten) {
    state.headersWritten = true;
    state.pristine = false;
    const headers = state.headers;
    for (let i = 0; i < transforms.length; i++) {
      [state.status, chunk] = transforms[i].transformFirstChunk(state.status, headers, chunk, finishing);
    }
    if (request.method === 'HEAD') chunk = EMPTY;
    if (state.newCookies !== null) for (const cookie of state.newCookies.values()) headers.add('Set-Cookie', cookie);
    result = connection.writeHeaders({ version: '', code: state.status, reason: state.reason }, headers, chunk.length > 0 ? chunk : undefined);
  } else {
    for (let i = 0; i < transforms.length; i++) chunk = transforms[i].transformChunk(chunk, finishing);
    if (request.method === 'HEAD' || chunk.length === 0) return Promise.resolve();
    result = connection.write(chunk);
  }
  return result;
}

/**
 * Ends the response (see RequestHandler.finish). Resolves when the last bytes are handed to the
 * socket; rejects (already marked handled) when the peer is gone.
 * @throws {HandlerUsageError} when called twice, or for a body on a 1xx/204/304.
 */
export function finishResponse(handler: RequestHandler, state: HandlerState, chunk: ResponseChunk | undefined): Promise<void> {
  if (state.finished) throw new HandlerUsageError('finish() called twice');
  if (chunk !== undefined && chunk !== null) writeChunk(state, chunk);
  const request = handler.request;
  if (!state.headersWritten) {
    const method = request.method;
    if (state.status === 200 && (method === 'GET' || method === 'HEAD') && !state.headers.has('Etag')) {
      handler.setEtagHeader();
      if (handler.checkEtagHeader()) {
        state.buffer = [];
        handler.setStatus(304);
      }
    }
    const status = state.status;
    if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
      if (state.buffer.length > 0) throw new HandlerUsageError(`Cannot send a body with a ${status} response`);
      for (const name of BODYLESS_REMOVED) state.headers.delete(name);
    } else if (!state.headers.has('Content-Length')) {
      const buffer = state.buffer;
      let length = 0;
      for (let i = 0; i < buffer.length; i++) length += buffer[i].length;
      state.headers.setGeneratedValue('Content-Length', String(length));
    }
  }
  const connection = request.connection;
  connection?.setCloseCallback(null);
  const written = sendBuffered(handler, state, true);
  state.finished = true;
  let ended: void | Promise<void> = undefined;
  try {
    ended = connection?.finish();
  } finally {
    // A connection that hands the last write back as its own completion observes it (HTTP1Connection
    // awaits it): marking it handled again would cost a promise and a microtask per response.
    if (ended !== written) written.catch(swallow);
    request.markFinished();
    handler.application.logRequest(handler);
    runOnFinish(handler);
  }
  // The codec's finish usually hands back the very promise of the last write.
  if (ended === undefined || ended === written) return written;
  const done = Promise.all([written, ended]).then(swallow);
  done.catch(swallow);
  return done;
}

function runOnFinish(handler: RequestHandler): void {
  try {
    handler.onFinish();
  } catch (error) {
    appLog.error('Exception in onFinish() of %s', handler.requestSummary(), error);
  }
}
