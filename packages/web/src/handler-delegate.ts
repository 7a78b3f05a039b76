// Tornado's _HandlerDelegate: the message delegate of one request routed to a handler class. A
// buffered body is gathered and the handler runs once it is complete; a streamed body
// (`streamRequestBody`) starts the handler at the headers, holds the body back until prepare()
// is done, and then hands each chunk to dataReceived(), waiting on its promise (backpressure).
// Made two ways: by `Application.startRequest` (it builds the request and finds the route itself
// when the headers arrive), or by `HandlerDelegate.forRoute` for a request a router already built
// and routed (nested routers, custom routers, the default handler of routing mode).

import {
  HTTPServerRequest,
  type HTTPConnection,
  type HTTPHeaders,
  type HTTPMessageDelegate,
  type RequestStartLine,
  type ResponseStartLine,
} from '@tornado-ts/httputil';
import { appLog } from '@tornado-ts/ioloop';
import { StreamClosedError } from '@tornado-ts/iostream';
import type { Application } from './application';
import type { HandlerRoute } from './application-router';
import { notifyConnectionClose, runHandler, watchConnectionClose } from './handler-lifecycle';
import { preparedPromise } from './handler-state';
import type { OutputTransform } from './output-transform';
import { handlerStateOf, type RequestHandler } from './request-handler';

const EMPTY = Buffer.alloc(0);
const NO_TRANSFORMS: readonly OutputTransform[] = [];

/** Streamed-body handlers implement this. */
interface StreamingHandler extends RequestHandler {
  dataReceived?(chunk: Buffer): void | Promise<void>;
}

/** The message delegate of one request to an `Application`. */
export class HandlerDelegate implements HTTPMessageDelegate {
  readonly #application: Application;
  readonly #connection: HTTPConnection;
  readonly #serverConnection: object;
  #request: HTTPServerRequest | null = null;
  /** Where the request goes: found when the headers arrive, or given by `forRoute`. */
  #route: HandlerRoute | null = null;
  #handler: StreamingHandler | null = null;
  #first: Buffer | null = null;
  #chunks: Buffer[] | null = null;
  #size = 0;
  #streaming = false;
  #bodyDone: (() => void) | null = null;
  #bodyFailed: ((error: unknown) => void) | null = null;
  #failed = false;

  /** A delegate that builds its request from the headers and asks `application.findHandler` where it goes. */
  constructor(application: Application, serverConnection: object, connection: HTTPConnection) {
    this.#application = application;
    this.#serverConnection = serverConnection;
    this.#connection = connection;
  }

  /**
   * The delegate of a request a router has already built and routed (Tornado's
   * `_HandlerDelegate(application, request, ...)`): it runs `route` for that very request, so
   * neither the request nor the route is made again when the headers are handed on to it.
   * @throws {TypeError} for a request without a connection.
   */
  static forRoute(application: Application, request: HTTPServerRequest, route: HandlerRoute): HandlerDelegate {
    const connection = request.connection;
    if (connection === null) throw new TypeError('A handler delegate needs a request with a connection');
    const delegate = new HandlerDelegate(application, request.serverConnection as object, connection);
    delegate.#request = request;
    delegate.#route = route;
    return delegate;
  }

  /**
   * Builds the request and finds its route, unless `forRoute` gave both (the start line and
   * headers are then those the request was built from).
   * @throws {HTTPInputError} for a bad Host header or too many query arguments (answered 400 by the codec).
   */
  headersReceived(startLine: RequestStartLine | ResponseStartLine, headers: HTTPHeaders): void | Promise<void> {
    let route = this.#route;
    if (route === null) {
      const request = new HTTPServerRequest({
        startLine: startLine as RequestStartLine,
        headers,
        connection: this.#connection,
        serverConnection: this.#serverConnection,
      });
      this.#request = request;
      route = this.#application.findHandler(request);
      this.#route = route;
    }
    if (!route.handlerClass.streamRequestBody) return undefined;
    this.#streaming = true;
    const body = new Promise<void>((resolve, reject) => {
      this.#bodyDone = resolve;
      this.#bodyFailed = reject;
    });
    body.catch(() => {}); // observed by the handler; a handler that finished early never awaits it
    const handler = this.#execute(body);
    if (handler === null) return undefined;
    const state = handlerStateOf(handler);
    state.bodyClosed = () => this.#bodyFailed?.(new StreamClosedError());
    // The body waits for prepare() (Tornado's _prepared_future).
    return preparedPromise(state);
  }

  dataReceived(chunk: Buffer): void | Promise<void> {
    if (!this.#streaming) {
      if (this.#first === null) this.#first = chunk;
      else (this.#chunks ??= [this.#first]).push(chunk);
      this.#size += chunk.length;
      return undefined;
    }
    const handler = this.#handler as StreamingHandler;
    if (this.#failed || handler.finished) return undefined;
    try {
      if (typeof handler.dataReceived !== 'function') throw new TypeError(`${handler.constructor.name} streams its body but has no dataReceived()`);
      const result = handler.dataReceived(chunk);
      if (result && typeof (result as Promise<void>).then === 'function') {
        return (result as Promise<void>).then(undefined, (error: unknown) => this.#failBody(error));
      }
    } catch (error) {
      this.#failBody(error);
    }
    return undefined;
  }

  /** An error in dataReceived() goes to the handler's error handling (500 and a log line), and later chunks are dropped. */
  #failBody(error: unknown): void {
    this.#failed = true;
    this.#bodyFailed?.(error);
  }

  finish(): void {
    if (this.#streaming) {
      this.#bodyDone?.();
      return;
    }
    const request = this.#request as HTTPServerRequest;
    request.body = this.#chunks !== null ? Buffer.concat(this.#chunks, this.#size) : (this.#first ?? EMPTY);
    this.#first = null;
    this.#chunks = null;
    this.#execute(null);
  }

  onConnectionClose(): void {
    this.#first = null;
    this.#chunks = null;
    if (this.#streaming) {
      this.#bodyFailed?.(new StreamClosedError());
      if (this.#handler !== null) notifyConnectionClose(this.#handler, handlerStateOf(this.#handler));
    }
  }

  /** Makes and starts the handler; null when initialize() failed (already answered 500). */
  #execute(body: Promise<void> | null): RequestHandler | null {
    const application = this.#application;
    const request = this.#request as HTTPServerRequest;
    const route = this.#route as HandlerRoute;
    const handler = new route.handlerClass(application, request, route.kwargs) as StreamingHandler;
    this.#handler = handler;
    const transformClasses = application.transforms;
    let transforms = NO_TRANSFORMS;
    if (transformClasses.length > 0) transforms = transformClasses.map((Transform) => new Transform(request));
    const state = handlerStateOf(handler);
    // initialize() runs here rather than in the constructor, so that subclass fields exist when it does.
    if (!startHandler(handler, route.kwargs)) {
      if (!handler.finished) watchConnectionClose(handler, state);
      return null;
    }
    // Prepared is created before the lifecycle starts, so a synchronous prepare() still resolves it.
    if (this.#streaming) preparedPromise(state);
    runHandler(handler, state, transforms, route.match, body);
    return handler;
  }
}

/** clear() and initialize(); an error there is answered 500 (as an error in Tornado's handler __init__ would be). */
function startHandler(handler: RequestHandler, kwargs: Record<string, unknown>): boolean {
  try {
    handler.clear();
    handler.initialize(kwargs);
    return true;
  } catch (error) {
    appLog.error('Uncaught exception in initialize() of %s', handler.requestSummary(), error);
    if (!handler.finished) handler.sendError(500, { error });
    return false;
  }
}
