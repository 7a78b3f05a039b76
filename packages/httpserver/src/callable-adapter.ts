import {
  HTTPServerRequest,
  type HTTPConnection,
  type HTTPHeaders,
  type HTTPMessageDelegate,
  type RequestStartLine,
  type ResponseStartLine,
} from '@tornado-ts/httputil';

/**
 * The plain-callback form of an HTTP application: called once per request after the whole body
 * has arrived, it answers through `request.connection` (`writeHeaders`, `write`, `finish`).
 * A returned promise is awaited by the connection before it reads the next request.
 */
export type RequestCallback = (request: HTTPServerRequest) => void | Promise<void>;

const EMPTY = Buffer.alloc(0);

/**
 * Tornado's `_CallableAdapter`: the message delegate of one request for a {@link RequestCallback}.
 * It builds the `HTTPServerRequest` when the headers arrive, gathers the body (a body that arrives
 * in one piece is used as is, without a copy; several pieces are joined once), parses form
 * arguments and calls the callback.
 *
 * Errors are the codec's business, at its connection boundary, so each is logged once: a
 * malformed form body (`HTTPInputError`) is answered 400 and the connection closed; an error
 * thrown or rejected by the callback is logged on `appLog` and answered 500 when nothing was
 * written yet, otherwise the connection is closed (a half-sent response cannot be repaired).
 */
// #private fields kept: in a cpu profile of the http bench's hello world (wrk, 50 connections,
// Node 20.20) this class's own time was under 1% of the server's; the codec and the socket writes dominate.
export class CallableAdapter implements HTTPMessageDelegate {
  readonly #callback: RequestCallback;
  readonly #connection: HTTPConnection;
  readonly #serverConnection: object;
  #request: HTTPServerRequest | null = null;
  #first: Buffer | null = null;
  #chunks: Buffer[] | null = null;
  #size = 0;

  constructor(callback: RequestCallback, serverConnection: object, connection: HTTPConnection) {
    this.#callback = callback;
    this.#connection = connection;
    this.#serverConnection = serverConnection;
  }

  /** @throws {HTTPInputError} for a bad Host header or too many query arguments (answered 400 by the codec). */
  headersReceived(startLine: RequestStartLine | ResponseStartLine, headers: HTTPHeaders): void {
    this.#request = new HTTPServerRequest({
      startLine: startLine as RequestStartLine,
      headers,
      connection: this.#connection,
      serverConnection: this.#serverConnection,
    });
  }

  dataReceived(chunk: Buffer): void {
    if (this.#first === null) this.#first = chunk;
    else (this.#chunks ??= [this.#first]).push(chunk);
    this.#size += chunk.length;
  }

  /**
   * Completes the request and runs the callback; returns its promise, if any, for the codec to await.
   * @throws {HTTPInputError} for a malformed form body.
   */
  finish(): void | Promise<void> {
    const request = this.#request as HTTPServerRequest;
    const body = this.#chunks !== null ? Buffer.concat(this.#chunks, this.#size) : (this.#first ?? EMPTY);
    this.#first = null;
    this.#chunks = null;
    request.body = body;
    // An empty body has no arguments: skip the Content-Type lookup (the hello-world fast path).
    if (body.length > 0) request.parseBody();
    return this.#callback(request);
  }

  onConnectionClose(): void {
    this.#first = null;
    this.#chunks = null;
  }
}
