// The message delegates of routing (Tornado's _RoutingDelegate, _DefaultMessageDelegate and the
// callback form of _CallableAdapter): a router builds the request from the headers, asks where it
// goes, and hands every later event to the delegate it found.

import {
  HTTPHeaders,
  HTTPServerRequest,
  type HTTPConnection,
  type HTTPMessageDelegate,
  type RequestStartLine,
  type ResponseStartLine,
} from '@tornado-ts/httputil';
import { appLog } from '@tornado-ts/ioloop';
import type { HandlerKwargs } from './request-handler';

/** What a rule hands to its target besides the request (Tornado's target params). */
export interface TargetParams {
  /** The matcher's positional groups (raw bytes). */
  readonly pathArgs: readonly Buffer[];
  /** The matcher's named groups, or null when it had none. */
  readonly pathKwargs: Readonly<Record<string, Buffer>> | null;
  /** The rule's `targetKwargs`. */
  readonly targetKwargs: HandlerKwargs;
}

/**
 * A plain function as a rule target: called once the whole body has arrived (form arguments
 * parsed), it answers through `request.connection`; a returned promise holds the connection's
 * next request until it settles.
 */
export type RouteCallback = (request: HTTPServerRequest, params: TargetParams) => void | Promise<void>;

/** What a routing delegate asks where a request goes: a `Router`, or an application's dispatcher. */
export interface DelegateFinder {
  findHandler(request: HTTPServerRequest): HTTPMessageDelegate | null;
}

/**
 * The key of the method by which a server delegate used as a rule target (an Application) routes
 * a request a router has already built. Tornado's Application is a Router, so an outer router asks
 * it `find_handler(request)`; here it would otherwise be a plain server delegate, started anew,
 * that builds the request a second time.
 */
export const ROUTE_BUILT_REQUEST: unique symbol = Symbol('routeBuiltRequest');

/** A rule target that routes already-built requests (see {@link ROUTE_BUILT_REQUEST}). */
export interface BuiltRequestRouter {
  [ROUTE_BUILT_REQUEST](request: HTTPServerRequest): HTTPMessageDelegate;
}

/** Answers 404 with an empty body: what a router sends when no rule found a delegate. */
export class NotFoundDelegate implements HTTPMessageDelegate {
  readonly #connection: HTTPConnection;

  constructor(connection: HTTPConnection) {
    this.#connection = connection;
  }

  headersReceived(): void {}

  dataReceived(): void {}

  async finish(): Promise<void> {
    const headers = new HTTPHeaders();
    headers.set('Content-Length', '0');
    await this.#connection.writeHeaders({ version: 'HTTP/1.1', code: 404, reason: 'Not Found' }, headers);
    await this.#connection.finish();
  }

  onConnectionClose(): void {}
}

const EMPTY = Buffer.alloc(0);

/** Runs a {@link RouteCallback} for a request that is already built: gathers the body, parses it, calls. */
export class CallbackDelegate implements HTTPMessageDelegate {
  readonly #callback: RouteCallback;
  readonly #request: HTTPServerRequest;
  readonly #params: TargetParams;
  #chunks: Buffer[] | null = null;

  constructor(callback: RouteCallback, request: HTTPServerRequest, params: TargetParams) {
    this.#callback = callback;
    this.#request = request;
    this.#params = params;
  }

  headersReceived(): void {}

  dataReceived(chunk: Buffer): void {
    (this.#chunks ??= []).push(chunk);
  }

  /** @throws {HTTPInputError} for a malformed form body (answered 400 by the codec). */
  finish(): void | Promise<void> {
    const chunks = this.#chunks;
    this.#chunks = null;
    const request = this.#request;
    request.body = chunks === null ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    if (request.body.length > 0) request.parseBody();
    return this.#callback(request, this.#params);
  }

  onConnectionClose(): void {
    this.#chunks = null;
  }
}

/**
 * The message delegate a router gives the connection for each request: it builds the request when
 * the headers arrive, asks `finder` for the delegate (404 when there is none), and forwards the
 * headers, body and end to it.
 */
export class RoutingDelegate implements HTTPMessageDelegate {
  readonly #finder: DelegateFinder;
  readonly #serverConnection: object;
  readonly #connection: HTTPConnection;
  #delegate: HTTPMessageDelegate | null = null;

  constructor(finder: DelegateFinder, serverConnection: object, connection: HTTPConnection) {
    this.#finder = finder;
    this.#serverConnection = serverConnection;
    this.#connection = connection;
  }

  /** @throws {HTTPInputError} for a bad Host header or too many query arguments (answered 400 by the codec). */
  headersReceived(startLine: RequestStartLine | ResponseStartLine, headers: HTTPHeaders): void | Promise<void> {
    const line = startLine as RequestStartLine;
    const request = new HTTPServerRequest({
      startLine: line,
      headers,
      connection: this.#connection,
      serverConnection: this.#serverConnection,
    });
    let delegate = this.#finder.findHandler(request);
    if (delegate === null) {
      appLog.debug('Delegate for %s %s request not found', line.method, line.path);
      delegate = new NotFoundDelegate(this.#connection);
    }
    this.#delegate = delegate;
    return delegate.headersReceived(startLine, headers);
  }

  dataReceived(chunk: Buffer): void | Promise<void> {
    return this.#delegate?.dataReceived(chunk);
  }

  finish(): void | Promise<void> {
    return this.#delegate?.finish();
  }

  onConnectionClose(): void {
    this.#delegate?.onConnectionClose();
  }
}
