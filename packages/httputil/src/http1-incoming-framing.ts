// How a received HTTP/1.x message is framed: where its body ends and whether the connection outlives it.

import type { RequestStartLine, ResponseStartLine } from './delegates';
import { HTTPInputError } from './errors';
import { checkTransferEncoding, hasConnectionToken, parseContentLength } from './framing';
import type { HTTPHeaders } from './http-headers';
import { scan, scanFields } from './http1-head';

// How the body of the message being read is delimited.
export const BODY_NONE = 0;
export const BODY_LENGTH = 1;
export const BODY_CHUNKED = 2;
export const BODY_UNTIL_CLOSE = 3;

/** What the last decideRequestFraming / decideResponseFraming found: one reused object, read right after the call. */
export const incomingFraming = {
  /** One of the BODY_ kinds. */
  bodyKind: BODY_NONE,
  bodyLength: 0,
  /** The request carries `Expect: 100-continue`. */
  expectContinue: false,
  /** The connection closes after this exchange. */
  disconnect: false,
  /** An HTTP/1.0 request asked for keep-alive and gets it (requests only). */
  keepAlive10: false,
};

/** A request head: `keepAliveAllowed` is false when the server keeps no connection alive (`noKeepAlive`, a graceful close). */
export function decideRequestFraming(request: RequestStartLine, headers: HTTPHeaders, keepAliveAllowed: boolean): void {
  const length = checkedLength(headers);
  const te = scan.te;
  const connection = scan.connection;
  const version = request.version;
  const framing = incomingFraming;
  framing.expectContinue = expectsContinue();
  framing.bodyKind = te !== undefined ? BODY_CHUNKED : length > 0 ? BODY_LENGTH : BODY_NONE;
  framing.bodyLength = length > 0 ? length : 0;
  framing.keepAlive10 = false;
  let keepAlive: boolean;
  if (!keepAliveAllowed) {
    keepAlive = false;
  } else if (version === 'HTTP/1.0') {
    // RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing; read it, then close.
    keepAlive =
      te === undefined &&
      connection !== undefined &&
      hasConnectionToken(connection, 'keep-alive') &&
      (length >= 0 || request.method === 'GET' || request.method === 'HEAD');
    framing.keepAlive10 = keepAlive;
  } else {
    keepAlive = connection === undefined || !hasConnectionToken(connection, 'close');
  }
  framing.disconnect = !keepAlive;
}

/** A final response head (or 101), to a request made with `requestMethod` (a HEAD response has no body). */
export function decideResponseFraming(response: ResponseStartLine, headers: HTTPHeaders, requestMethod: string): void {
  const length = checkedLength(headers);
  const te = scan.te;
  const connection = scan.connection;
  const code = response.code;
  const framing = incomingFraming;
  if (code === 204 && (te !== undefined || length > 0)) throw new HTTPInputError(`Response with code ${code} should not have a body`);
  framing.expectContinue = expectsContinue();
  const noBody = requestMethod === 'HEAD' || code === 304 || code === 204 || code === 101;
  framing.bodyKind = noBody ? BODY_NONE : te !== undefined ? BODY_CHUNKED : length >= 0 ? (length > 0 ? BODY_LENGTH : BODY_NONE) : BODY_UNTIL_CLOSE;
  framing.bodyLength = noBody ? 0 : length;
  const reusable =
    framing.bodyKind !== BODY_UNTIL_CLOSE &&
    code !== 101 &&
    (response.version === 'HTTP/1.0'
      ? connection !== undefined && hasConnectionToken(connection, 'keep-alive')
      : connection === undefined || !hasConnectionToken(connection, 'close'));
  framing.disconnect = !reusable;
}

/** Checks the framing fields of a head (filling `scan`); returns its Content-Length, -1 when it has none. */
function checkedLength(headers: HTTPHeaders): number {
  scanFields(headers);
  const te = scan.te;
  const cl = scan.cl;
  if (te !== undefined) {
    if (cl !== undefined) throw new HTTPInputError('Message with both Transfer-Encoding and Content-Length');
    checkTransferEncoding(headers.getList('Transfer-Encoding'));
  }
  const length = cl === undefined ? -1 : parseContentLength(cl);
  if (length === Infinity) throw new HTTPInputError('Content-Length too long', { status: 413 });
  return length;
}

function expectsContinue(): boolean {
  return scan.expect !== undefined && scan.expect.toLowerCase() === '100-continue';
}
