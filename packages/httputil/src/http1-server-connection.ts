import { appLog } from '@tornado-ts/ioloop';
import type { BaseIOStream } from '@tornado-ts/iostream';
import type { HTTPMessageDelegate, HTTPRequestContext, HTTPServerConnectionDelegate } from './delegates';
import { HTTP1Connection } from './http1-connection';
import { HTTP1ConnectionState, noop } from './http1-connection-state';
import { serveRequest, wireFastLane } from './http1-fast-lane';
import { HTTP1ConnectionParameters, type HTTP1ConnectionOptions } from './http1-parameters';

/**
 * Serves HTTP/1.x requests on one stream (Tornado's `HTTP1ServerConnection`): reads a request,
 * hands it to the server delegate, waits for the answer, then reads the next one, so pipelined
 * requests are answered in order. `idleConnectionTimeout` and `headerTimeout` apply between and
 * during requests; malformed requests are answered 400 / 413 / 431 and the connection closed.
 */
export class HTTP1ServerConnection {
  readonly stream: BaseIOStream;
  readonly params: HTTP1ConnectionParameters;
  readonly context: HTTPRequestContext | undefined;
  #state: HTTP1ConnectionState;
  #serving: Promise<void> | null = null;
  #servingEnded: () => void = noop;
  #ended = false;
  #delegate: HTTPServerConnectionDelegate | null = null;

  /** `params`: options or a prebuilt (shared) {@link HTTP1ConnectionParameters}; `context`: where the peer is. */
  constructor(stream: BaseIOStream, params?: HTTP1ConnectionParameters | HTTP1ConnectionOptions | null, context?: HTTPRequestContext) {
    this.stream = stream;
    this.params = HTTP1ConnectionParameters.from(params);
    this.context = context;
    this.#state = new HTTP1ConnectionState(stream, this.params);
    wireFastLane(this.#state);
  }

  /**
   * Starts the request loop; `delegate.startRequest` is called for each request and
   * `delegate.onClose` once at the end. Errors are logged, never thrown.
   * @throws {Error} when already serving.
   */
  startServing(delegate: HTTPServerConnectionDelegate): void {
    if (this.#serving !== null) throw new Error('HTTP1ServerConnection is already serving');
    this.#delegate = delegate;
    this.#serving = new Promise<void>((resolve) => {
      this.#servingEnded = resolve;
    });
    this.#serveNext();
  }

  /**
   * Closes gracefully: at once when no request is in progress, otherwise after its response (which
   * then carries `Connection: close`). Resolves when the request loop has ended. To drop the
   * connection without waiting, close `stream`.
   */
  async close(): Promise<void> {
    const state = this.#state;
    state.closing = true;
    if (!state.busy) this.stream.close();
    if (this.#serving !== null) await this.#serving;
  }

  /**
   * The request loop: one exchange after another for as long as each ends synchronously (the fast
   * lane: a whole request answered at once), else it goes on when the exchange reports its end.
   */
  #serveNext(): void {
    const state = this.#state;
    const stream = this.stream;
    const delegate = this.#delegate as HTTPServerConnectionDelegate;
    try {
      for (;;) {
        if (state.closing || stream.closed()) {
          stream.close();
          break;
        }
        const connection = new HTTP1Connection(stream, false, this.params, this.context, state);
        let messageDelegate: HTTPMessageDelegate;
        try {
          messageDelegate = delegate.startRequest(this, connection);
        } catch (error) {
          appLog.error('Uncaught exception in startRequest', error);
          stream.close();
          break;
        }
        const keepGoing = serveRequest(connection, state, messageDelegate, this.#onExchangeEnd);
        if (keepGoing === undefined) return;
        if (!keepGoing) break;
      }
    } catch (error) {
      appLog.error('Uncaught exception serving HTTP/1 connection', error);
      stream.close();
    }
    this.#end();
  }

  #onExchangeEnd = (keepGoing: boolean): void => {
    if (this.#ended) return;
    if (keepGoing) this.#serveNext();
    else this.#end();
  };

  /** Once, when the loop is over: timers stopped, the delegate told. */
  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#state.dispose();
    try {
      (this.#delegate as HTTPServerConnectionDelegate).onClose(this);
    } catch (error) {
      appLog.error('Uncaught exception in onClose', error);
    }
    this.#servingEnded();
  }
}
