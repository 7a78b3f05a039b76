import {
  HTTP1Connection,
  type HTTP1ConnectionParameters,
  HTTPHeaders,
  HTTPInputError,
  type HTTPMessageDelegate,
  type RequestStartLine,
  type ResponseStartLine,
} from '@tornado-ts/httputil';
import { type IOStream, StreamClosedError } from '@tornado-ts/iostream';
import type { TCPClient } from '@tornado-ts/tcpclient';
import { authorization } from './auth';
import { type BodyProducer, bodyChunk } from './body-producer';
import { openConnection } from './connect';
import type { ConnectionPool, PooledConnection, PoolWaiter } from './connection-pool';
import { BodyDecoder, decoderKind } from './decompress';
import { HTTPStreamClosedError, HTTPTimeoutError } from './errors';
import type { FifoNode } from './fifo';
import type { HTTPRequest, HTTPRequestSettings } from './http-request';
import { HTTPResponse } from './http-response';
import { keepAliveTimeoutMs } from './keep-alive-timeout';
import { absoluteTarget } from './proxy';
import { REDIRECT_CODES, redirect } from './redirect';
import { checkMethod, requestHeaders } from './request-headers';
import { RequestSettings } from './request-settings';
import { type ConnectPlan, type ParsedURL, parseURL, planConnection } from './target';

/** What an exchange needs from the client that runs it. */
export interface ExchangeContext {
  readonly pool: ConnectionPool;
  readonly tcpClient: TCPClient;
  /** Codec settings shared by every connection (limits; no decompression, done here). */
  readonly params: HTTP1ConnectionParameters;
  /** The client's defaults over REQUEST_DEFAULTS. */
  readonly defaults: Readonly<HTTPRequestSettings>;
  readonly maxBufferSize: number;
  /** Default `User-Agent`. */
  readonly userAgent: string;
  /** Called once when the exchange settles: frees its `maxClients` slot or queue place. */
  exchangeDone(exchange: ClientExchange): void;
}

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const EMPTY = Buffer.alloc(0);

const PHASE_QUEUED = 0;
const PHASE_CONNECTING = 1;
const PHASE_REQUEST = 2;

/** Resolves a pool wait that was given up. */
const CANCELLED = Symbol('cancelled');
type Granted = PooledConnection | null | typeof CANCELLED;

/**
 * One fetch from leaving the queue to its response: picks or opens a pooled connection, writes
 * the request (with `Expect: 100-continue` and streamed bodies), reads the response as the
 * codec's message delegate (decompressing, streaming, calling back), follows redirects, retries
 * once on a stale pooled connection, and enforces the request timeout and abort signal. Settles
 * exactly once with an HTTPResponse, whose `error` says what failed.
 */
export class ClientExchange implements HTTPMessageDelegate, PoolWaiter {
  readonly request: HTTPRequest;
  /** The client's queue place while waiting for a `maxClients` slot. */
  queueNode: FifoNode<ClientExchange> | null = null;
  /** True once it holds a `maxClients` slot. */
  admitted = false;
  #ctx: ExchangeContext;
  #settings: RequestSettings;
  #resolve: (response: HTTPResponse) => void;
  #settled = false;
  #phase = PHASE_QUEUED;
  #createdAt = performance.now();
  #startedAt = 0;
  #startWall: number | null = null;
  #connectMs = 0;
  #timer: NodeJS.Timeout | null = null;
  #queueTimer: NodeJS.Timeout | null = null;

  // Where the exchange stands, for an abort to stop it.
  #waitKey = '';
  #waitNode: FifoNode<PoolWaiter> | null = null;
  #waitResolve: ((granted: Granted) => void) | null = null;
  #connectAbort: AbortController | null = null;
  #connectingStream: IOStream | null = null;
  #connection: PooledConnection | null = null;
  #codec: HTTP1Connection | null = null;

  // The request as it goes out; redirects change it.
  #urlText: string;
  #url: ParsedURL | null = null;
  #method: string;
  #body: Buffer | null;
  #bodyProducer: BodyProducer | null;
  #expectContinue: boolean;
  #headers: HTTPHeaders | null = null;
  #redirectsLeft = 0;
  #redirects = 0;
  #retried = false;
  #forceNew = false;
  #reused = false;
  /** We put a Proxy-Authorization field in #headers (forward proxy) and take it out for tunnels. */
  #proxyAuthorization: string | null = null;

  // The response of the current hop.
  #code = 0;
  #reason = '';
  #responseHeaders: HTTPHeaders | null = null;
  #firstChunk: Buffer | null = null;
  #chunks: Buffer[] | null = null;
  #size = 0;
  #finished = false;
  #redirecting = false;
  #awaitingContinue = false;
  #decoder: BodyDecoder | null = null;

  constructor(ctx: ExchangeContext, request: HTTPRequest, resolve: (response: HTTPResponse) => void) {
    this.#ctx = ctx;
    this.request = request;
    this.#settings = new RequestSettings(request, ctx.defaults);
    this.#resolve = resolve;
    this.#urlText = request.url;
    this.#method = request.method;
    this.#body = request.body;
    this.#bodyProducer = request.bodyProducer;
    this.#expectContinue = request.expect100Continue;
    const signal = request.signal;
    if (signal !== null) {
      if (signal.aborted) {
        this.#abort(signal.reason as Error);
        return;
      }
      signal.addEventListener('abort', this, { once: true });
    }
    const timeout = this.#settings.requestTimeout;
    if (timeout > 0) this.#timer = setTimeout(ClientExchange.#onTimer, timeout, this);
  }

  /** True once the fetch has its outcome. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Limits the wait for a `maxClients` slot (Tornado: the smaller of the two timeouts, 0 meaning none). */
  armQueueTimeout(): void {
    const connect = this.#settings.connectTimeout;
    const request = this.#settings.requestTimeout;
    if (connect > 0 && (request === 0 || connect < request)) {
      this.#queueTimer = setTimeout(ClientExchange.#onTimer, connect, this);
    }
  }

  /** Leaves the queue and starts the work. */
  begin(): void {
    if (this.#settled) return;
    this.admitted = true;
    if (this.#queueTimer !== null) {
      clearTimeout(this.#queueTimer);
      this.#queueTimer = null;
    }
    this.#phase = PHASE_CONNECTING;
    this.#startedAt = performance.now();
    this.#startWall = Date.now();
    void this.#run();
  }

  /** Fails the fetch from outside (the client closing). */
  cancel(error: Error): void {
    this.#abort(error);
  }

  /** The abort signal fired. */
  handleEvent(): void {
    this.#abort((this.request.signal?.reason as Error | undefined) ?? new Error('This operation was aborted'));
  }

  grant(connection: PooledConnection | null): void {
    const resolve = this.#waitResolve;
    this.#waitResolve = null;
    this.#waitNode = null;
    resolve?.(connection);
  }

  // ---------------------------------------------------------------------------------------------
  // The message delegate (one hop's response)

  headersReceived(startLine: RequestStartLine | ResponseStartLine, headers: HTTPHeaders): void | Promise<void> {
    const { code, reason, version } = startLine as ResponseStartLine;
    if (code < 200 && code !== 101) {
      if (code === 100 && this.#awaitingContinue) {
        this.#awaitingContinue = false;
        return this.#sendBody(this.#codec as HTTP1Connection);
      }
      return;
    }
    this.#code = code;
    this.#reason = reason;
    this.#responseHeaders = headers;
    if (this.#redirectsLeft > 0 && REDIRECT_CODES.has(code) && headers.has('Location')) {
      this.#redirecting = true;
      return;
    }
    if (this.#settings.decompressResponse) {
      const encoding = headers.get('Content-Encoding');
      const kind = encoding === undefined ? 0 : decoderKind(encoding);
      if (kind !== 0) {
        this.#decoder = new BodyDecoder(kind, (piece) => this.#keep(piece), this.#ctx.params.maxBodySize, this.#ctx.params.chunkSize);
        headers.add('X-Consumed-Content-Encoding', encoding as string);
        headers.delete('Content-Encoding');
      }
    }
    const headerCallback = this.#settings.headerCallback;
    if (headerCallback !== undefined) {
      headerCallback(`${version} ${code} ${reason}\r\n`);
      headers.forEachField((name, value) => headerCallback(`${name}: ${value}\r\n`));
      headerCallback('\r\n');
    }
  }

  dataReceived(chunk: Buffer): void | Promise<void> {
    if (this.#redirecting) return;
    if (this.#decoder !== null) return this.#decoder.write(chunk);
    return this.#keep(chunk);
  }

  finish(): void | Promise<void> {
    if (this.#decoder !== null) return this.#finishDecoding(this.#decoder);
    this.#finished = true;
  }

  onConnectionClose(): void {
    this.#decoder?.destroy();
  }

  async #finishDecoding(decoder: BodyDecoder): Promise<void> {
    await decoder.end();
    this.#finished = true;
  }

  /** A piece of the final body: to the streaming callback, or kept. */
  #keep(piece: Buffer): void | Promise<void> {
    const streamingCallback = this.#settings.streamingCallback;
    if (streamingCallback !== undefined) return streamingCallback(piece);
    this.#size += piece.length;
    if (this.#firstChunk === null) this.#firstChunk = piece;
    else (this.#chunks ??= [this.#firstChunk]).push(piece);
  }

  // ---------------------------------------------------------------------------------------------
  // The work

  async #run(): Promise<void> {
    try {
      this.#prepare();
      while (!this.#settled && (await this.#hop()));
    } catch (error) {
      this.#releaseConnection(false);
      this.#fail(error);
    }
  }

  /** Checks the request and builds the headers every hop starts from. */
  #prepare(): void {
    const settings = this.#settings;
    const url = parseURL(this.#urlText);
    this.#url = url;
    const hasBody = this.#body !== null || this.#bodyProducer !== null;
    checkMethod(this.#method, hasBody, settings);
    this.#expectContinue &&= hasBody;
    this.#headers = requestHeaders(this.request, settings, url, this.#body, this.#bodyProducer, this.#expectContinue, this.#ctx.userAgent);
    const proxyUsername = settings.proxyUsername;
    if (proxyUsername !== undefined && proxyUsername !== '') {
      this.#proxyAuthorization = authorization(settings.proxyAuthMode, proxyUsername, settings.proxyPassword);
    }
    this.#redirectsLeft = settings.followRedirects ? settings.maxRedirects : 0;
  }

  /** One request and its response; true when another hop follows (a redirect or a retry). */
  async #hop(): Promise<boolean> {
    const url = this.#url as ParsedURL;
    const settings = this.#settings;
    const plan = settings.direct ? url.direct : planConnection(url, settings, this.#proxyAuthorization);
    const pool = this.#ctx.pool;
    let connection = this.#forceNew ? null : pool.takeIdle(plan.key);
    this.#reused = connection !== null;
    this.#forceNew = false;
    if (connection === null) {
      connection = await this.#open(plan, url);
      if (connection === null) return false;
    }
    this.#connection = connection;
    if (this.#settled) {
      this.#releaseConnection(false);
      return false;
    }
    this.#phase = PHASE_REQUEST;
    this.#resetResponse();
    const codec = new HTTP1Connection(connection.stream, true, this.#ctx.params);
    this.#codec = codec;
    try {
      this.#writeRequest(codec, plan, url);
    } catch (error) {
      // Refused before a byte was written (an invalid method, target or header): the connection is clean.
      this.#codec = null;
      this.#releaseConnection(!connection.stream.closed() && !connection.stream.writing());
      throw error;
    }
    if (!this.#expectContinue && this.#bodyProducer !== null) await this.#sendBody(codec);
    const reusable = await codec.readResponse(this);
    this.#codec = null;
    if (this.#settled) {
      this.#releaseConnection(false);
      return false;
    }
    if (!this.#finished) {
      const error = codec.error;
      this.#releaseConnection(false);
      // A pooled connection the server had just closed: try once more on a new one.
      if (this.#reused && this.#code === 0 && !this.#retried && this.#bodyProducer === null && IDEMPOTENT_METHODS.has(this.#method) && (error === null || error instanceof StreamClosedError)) {
        this.#retried = true;
        this.#forceNew = true;
        return true;
      }
      throw this.#hopError(error, connection.stream);
    }
    const keepAlive = reusable ? this.#responseHeaders?.get('Keep-Alive') : undefined;
    this.#releaseConnection(reusable, keepAlive === undefined ? -1 : keepAliveTimeoutMs(keepAlive));
    if (this.#redirecting) {
      this.#followRedirect(url);
      return true;
    }
    this.#succeed();
    return false;
  }

  #resetResponse(): void {
    this.#code = 0;
    this.#reason = '';
    this.#responseHeaders = null;
    this.#firstChunk = null;
    this.#chunks = null;
    this.#size = 0;
    this.#finished = false;
    this.#redirecting = false;
    this.#decoder = null;
    this.#awaitingContinue = false;
  }

  /** Writes the head, and the body when it is a Buffer sent at once (one write for a small one). */
  #writeRequest(codec: HTTP1Connection, plan: ConnectPlan, url: ParsedURL): void {
    const headers = this.#headers as HTTPHeaders;
    let path = url.path;
    if (plan.proxy === 'forward') {
      path = absoluteTarget(url);
      if (plan.proxyAuthorization !== null) headers.set('Proxy-Authorization', plan.proxyAuthorization);
    } else if (this.#proxyAuthorization !== null) {
      // Inside a tunnel the origin must never see the proxy's credentials.
      headers.delete('Proxy-Authorization');
    }
    const startLine: RequestStartLine = { method: this.#method, path, version: 'HTTP/1.1' };
    if (this.#expectContinue) {
      this.#awaitingContinue = true;
      void codec.writeHeaders(startLine, headers);
    } else if (this.#body !== null) {
      void codec.writeHeaders(startLine, headers, this.#body);
      void codec.finish();
    } else {
      void codec.writeHeaders(startLine, headers);
      if (this.#bodyProducer === null) void codec.finish();
    }
  }

  /** The body after the head: a Buffer, or whatever the producer writes; then the end of the message. */
  async #sendBody(codec: HTTP1Connection): Promise<void> {
    const producer = this.#bodyProducer;
    if (producer !== null) {
      const result = producer((chunk) => codec.write(bodyChunk(chunk)));
      if (result) await result;
    } else if (this.#body !== null && this.#body.length > 0) {
      void codec.write(this.#body);
    }
    await codec.finish();
  }

  /** A connection for `plan`: a free slot, else the next one freed under the per-host limit; null once settled. */
  async #open(plan: ConnectPlan, url: ParsedURL): Promise<PooledConnection | null> {
    const pool = this.#ctx.pool;
    if (!pool.reserve(plan.key)) {
      const granted = await new Promise<Granted>((resolve) => {
        this.#waitResolve = resolve;
        this.#waitKey = plan.key;
        this.#waitNode = pool.wait(plan.key, this);
      });
      if (granted === CANCELLED) return null;
      if (granted !== null) {
        this.#reused = true;
        return granted;
      }
      // A slot was reserved for us: open a connection in it.
    }
    const started = performance.now();
    let stream: IOStream;
    try {
      stream = await this.#connect(plan, url);
    } catch (error) {
      pool.unreserve(plan.key);
      throw error;
    } finally {
      this.#connectMs += performance.now() - started;
    }
    if (this.#settled) {
      stream.close();
      pool.unreserve(plan.key);
      return null;
    }
    stream.setNodelay(true);
    return pool.add(plan.key, stream);
  }

  async #connect(plan: ConnectPlan, url: ParsedURL): Promise<IOStream> {
    const controller = new AbortController();
    this.#connectAbort = controller;
    try {
      return await openConnection(this.#ctx.tcpClient, plan, url, {
        connectTimeout: this.#settings.connectTimeout,
        signal: controller.signal,
        maxBufferSize: this.#ctx.maxBufferSize,
        onTunnelStream: (stream) => {
          this.#connectingStream = stream;
        },
      });
    } finally {
      this.#connectAbort = null;
    }
  }

  /** Why a hop ended without a complete response, as the error the caller sees. */
  #hopError(error: unknown, stream: IOStream): unknown {
    if (error instanceof HTTPInputError) return new HTTPStreamClosedError(`Malformed or oversized response: ${error.message}`, { cause: error });
    if (error === null || error instanceof StreamClosedError) {
      const cause = stream.error ?? (error as StreamClosedError | null)?.realError ?? null;
      return new HTTPStreamClosedError(cause === null ? 'Connection closed' : `Connection closed: ${cause.message}`, cause === null ? {} : { cause });
    }
    // The application's own callback (streaming, header, body producer) failed: its error as it is.
    return error;
  }

  #followRedirect(from: ParsedURL): void {
    const location = (this.#responseHeaders as HTTPHeaders).get('Location') as string;
    const next = redirect(from, this.#code, location, this.#method, this.#headers as HTTPHeaders, this.#settings.authMode);
    this.#redirectsLeft--;
    this.#redirects++;
    if (next.toGet) {
      this.#method = 'GET';
      this.#body = null;
      this.#bodyProducer = null;
      this.#expectContinue = false;
    }
    this.#url = next.url;
    this.#urlText = next.urlText;
  }

  #succeed(): void {
    const now = performance.now();
    let body: Buffer = EMPTY;
    if (this.#chunks !== null) body = Buffer.concat(this.#chunks, this.#size);
    else if (this.#firstChunk !== null) body = this.#firstChunk;
    const exhausted = REDIRECT_CODES.has(this.#code) && this.#redirects > 0 && (this.#responseHeaders as HTTPHeaders).has('Location');
    this.#settle(
      new HTTPResponse(this.request, this.#code, {
        reason: this.#reason,
        headers: this.#responseHeaders,
        body,
        effectiveUrl: this.#urlText,
        requestTime: now - this.#startedAt,
        startTime: this.#startWall,
        timeInfo: this.#timeInfo(now),
        errorDetail: exhausted ? `stopped after ${this.#redirects} redirects (maxRedirects)` : null,
      }),
    );
  }

  #timeInfo(now: number): { queue: number; connect: number; total: number; redirects: number } {
    const started = this.#startedAt === 0 ? now : this.#startedAt;
    return { queue: started - this.#createdAt, connect: this.#connectMs, total: now - started, redirects: this.#redirects };
  }

  /** Settles with `error` as a 599 response (Tornado's `_handle_exception`). */
  #fail(error: unknown): void {
    if (this.#settled) return;
    const now = performance.now();
    const reason = error instanceof Error ? error : new Error(String(error));
    this.#settle(
      new HTTPResponse(this.request, 599, {
        error: reason,
        effectiveUrl: this.#urlText,
        requestTime: this.#startedAt === 0 ? null : now - this.#startedAt,
        startTime: this.#startWall,
        timeInfo: this.#timeInfo(now),
      }),
    );
  }

  #settle(response: HTTPResponse): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#queueTimer !== null) clearTimeout(this.#queueTimer);
    this.#timer = null;
    this.#queueTimer = null;
    this.request.signal?.removeEventListener('abort', this);
    this.#ctx.exchangeDone(this);
    this.#resolve(response);
  }

  /** Ends the fetch now with `error` and stops whatever it was doing. */
  #abort(error: Error): void {
    if (this.#settled) return;
    this.#fail(error);
    if (this.#waitNode !== null) {
      this.#ctx.pool.cancelWait(this.#waitKey, this.#waitNode);
      this.#waitNode = null;
      const resolve = this.#waitResolve;
      this.#waitResolve = null;
      resolve?.(CANCELLED);
    }
    this.#connectAbort?.abort(error);
    this.#connectingStream?.close();
    this.#codec?.close();
    this.#decoder?.destroy();
  }

  /** Gives the connection back; `serverIdleTimeout` as ConnectionPool.release takes it. */
  #releaseConnection(reusable: boolean, serverIdleTimeout = -1): void {
    const connection = this.#connection;
    if (connection === null) return;
    this.#connection = null;
    this.#ctx.pool.release(connection, reusable, serverIdleTimeout);
  }

  static #onTimer(exchange: ClientExchange): void {
    const phase = exchange.#phase;
    const where = phase === PHASE_QUEUED ? 'in request queue' : phase === PHASE_CONNECTING ? 'while connecting' : 'during request';
    exchange.#abort(new HTTPTimeoutError(`Timeout ${where}`));
  }
}
