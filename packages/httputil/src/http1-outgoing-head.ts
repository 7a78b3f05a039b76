// The head of an outgoing HTTP/1.x message and the body framing it commits to (and a chunked body's end).

import { currentDateLine } from './date-header';
import { HTTPOutputError } from './errors';
import { hasConnectionToken, isChunked, parseOutgoingContentLength } from './framing';
import { isFieldVchars, isToken } from './http-grammar';
import type { HTTPHeaders } from './http-headers';
import { checkLatin1, connectionLines, joinHead, scan, serializeFields, statusLine } from './http1-head';

const LAST_CHUNK = '0\r\n\r\n';

/**
 * What the last requestHead / responseHead decided: one reused object, read right after the call.
 * Neither checks the head for chars latin1 cannot carry: the caller runs checkLatin1 on it.
 */
export const outgoingFraming = {
  /** The body goes out in chunks. */
  chunking: false,
  /** HEAD, 1xx, 204, 304: the message has no body, whatever its headers say (responses only). */
  bodyless: false,
  /** Body bytes owed to the declared Content-Length; -1 when none was declared. */
  expectedRemaining: -1,
  /** The connection closes after this response (responses only). */
  disconnect: false,
};

/** @throws {HTTPOutputError} for a method that is no token or a request target with invalid chars. */
export function checkRequestLine(method: string, path: string): void {
  if (!isToken(method)) throw new HTTPOutputError(`Invalid method ${JSON.stringify(method)}`);
  if (!isFieldVchars(path)) throw new HTTPOutputError(`Invalid request target ${JSON.stringify(path)}`);
}

/** The head of a request (its line checked by checkRequestLine); a body without Content-Length is chunked for POST, PUT, PATCH. */
export function requestHead(method: string, path: string, headers: HTTPHeaders): string {
  const fields = serializeFields(headers);
  const te = scan.te;
  const cl = scan.cl;
  if (te !== undefined && !isChunked(te)) throw new HTTPOutputError(`Unsupported Transfer-Encoding ${JSON.stringify(te)}`);
  if (te !== undefined && cl !== undefined) throw new HTTPOutputError('Both Transfer-Encoding and Content-Length');
  const chunking = te !== undefined || (cl === undefined && (method === 'POST' || method === 'PUT' || method === 'PATCH'));
  outgoingFraming.expectedRemaining = cl === undefined ? -1 : parseOutgoingContentLength(cl);
  outgoingFraming.chunking = chunking;
  let head = `${method} ${path} HTTP/1.1\r\n${fields}`;
  if (scan.connection !== undefined) head += connectionLines(headers);
  if (chunking && te === undefined) head += 'Transfer-Encoding: chunked\r\n';
  head += '\r\n';
  return head;
}

/**
 * The head of a final response (or 101; code and reason already checked) to a `requestMethod`
 * request: `http11` when the request was not HTTP/1.0, `keepAlive10` when an HTTP/1.0 request gets
 * keep-alive, `disconnect` when the connection closes after it already (it may be decided here too).
 */
export function responseHead(
  code: number,
  reason: string,
  headers: HTTPHeaders,
  requestMethod: string,
  http11: boolean,
  keepAlive10: boolean,
  disconnect: boolean,
): string {
  const fields = serializeFields(headers);
  const te = scan.te;
  const cl = scan.cl;
  const connection = scan.connection;
  const hasDate = scan.date;
  const bodyless = code === 204 || code === 304 || code === 101 || requestMethod === 'HEAD';
  if (te !== undefined) {
    if (!isChunked(te)) throw new HTTPOutputError(`Unsupported Transfer-Encoding ${JSON.stringify(te)}`);
    if (cl !== undefined) throw new HTTPOutputError('Both Transfer-Encoding and Content-Length');
    if (code === 204 || code === 304 || code === 101) throw new HTTPOutputError(`A ${code} response cannot have Transfer-Encoding`);
  }
  if (cl !== undefined && (code === 204 || code === 101)) throw new HTTPOutputError(`A ${code} response cannot have Content-Length`);
  const length = cl === undefined ? -1 : parseOutgoingContentLength(cl);
  const chunking = !bodyless && length < 0 && http11;
  if (connection !== undefined && hasConnectionToken(connection, 'close')) disconnect = true;
  // Without length or chunking only the close marks the end of the body.
  if (!bodyless && length < 0 && !chunking) disconnect = true;
  outgoingFraming.chunking = chunking;
  outgoingFraming.bodyless = bodyless;
  outgoingFraming.expectedRemaining = bodyless ? 0 : length;
  outgoingFraming.disconnect = disconnect;
  // Our own Connection field replaces the application's; otherwise its lines are kept.
  let extra = '';
  if (code !== 101 && disconnect && http11) extra = 'Connection: close\r\n';
  else if (code !== 101 && !disconnect && keepAlive10) extra = 'Connection: keep-alive\r\n';
  else if (connection !== undefined) extra = connectionLines(headers);
  if (chunking && te === undefined) extra += 'Transfer-Encoding: chunked\r\n';
  if (!hasDate) extra += currentDateLine();
  return joinHead(statusLine(code, reason), fields, extra);
}

/**
 * The head of a 1xx response other than 101, written on its own.
 * @throws {HTTPOutputError} for a char latin1 cannot carry.
 */
export function informationalHead(code: number, reason: string, headers: HTTPHeaders): string {
  const head = `HTTP/1.1 ${code} ${reason}\r\n${serializeFields(headers)}\r\n`;
  checkLatin1(head, headers);
  return head;
}

/**
 * The end of a chunked body: the last chunk, with `trailers` if any.
 * @throws {HTTPOutputError} for a char latin1 cannot carry.
 */
export function lastChunk(trailers: HTTPHeaders | undefined): string {
  if (trailers === undefined || trailers.size === 0) return LAST_CHUNK;
  const last = `0\r\n${serializeFields(trailers)}\r\n`;
  checkLatin1(last, trailers);
  return last;
}
