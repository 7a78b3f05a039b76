import { appLog, genLog } from '@tornado-ts/ioloop';
import { type BaseIOStream, StreamClosedError, UnsatisfiableReadError } from '@tornado-ts/iostream';
import { currentDateLine } from './date-header';
import type {
  HTTPConnection,
  HTTPMessageDelegate,
  HTTPRequestContext,
  RequestStartLine,
  ResponseStartLine,
} from './delegates';
import { HTTPInputError, HTTPOutputError } from './errors';
import {
  MAX_CHUNK_EXTENSION_BYTES,
  MAX_CHUNK_LINE,
  PLAIN_CHUNK_LINE,
  checkTransferEncoding,
  hasConnectionToken,
  isChunked,
  parseChunkSizeLine,
  parseContentLength,
  parseOutgoingContentLength,
} from './framing';
import { GzipMessageDelegate } from './gzip-message-delegate';
import { parseHeaderBlock } from './header-block';
import { isFieldVchars, isToken } from './http-grammar';
import { HTTPHeaders } from './http-headers';
import { HTTP1ConnectionState, noop } from './http1-connection-state';
import { callConnectionClose, delegateFailure, DelegateFailure } from './http1-delegate-calls';
import {
  checkLatin1,
  connectionLines,
  errorResponse,
  headBytes,
  isValidReason,
  joinHead,
  scan,
  scanFields,
  serializeFields,
  statusLine,
  writeHead,
  writeLatin1,
} from './http1-head';
import { readHeadInRounds, takeWholeHead } from './http1-head-reader';
import { HTTP1ConnectionParameters, type HTTP1ConnectionOptions } from './http1-parameters';
import type { ReadExpiry } from './read-deadlines';
import { parseRequestStartLine, parseResponseStartLine } from './start-line';

const LF = 0x0a;
const CR = 0x0d;
const RESOLVED: Promise<void> = Promise.resolve();
const PARTIAL = { partial: true };
/** More informational (1xx) responses than this before the final one is an error (Tornado 6.5.9). */
const MAX_INFORMATIONAL_RESPONSES = 10;
/** Body pieces up to this size are framed (chunk header + data + CRLF) into one buffer; larger ones are written in three parts. */
const COPY_LIMIT = 16 * 1024;
const CONTINUE_RESPONSE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const LAST_CHUNK = '0\r\n\r\n';

// How the body of the message being read is delimited.
const BODY_NONE = 0;
const BODY_LENGTH = 1;
const BODY_CHUNKED = 2;
const BODY_UNTIL_CLOSE = 3;

/**
 * Internal: the private steps of a server exchange that the fast lane (http1-fast-lane.ts) drives
 * itself; set by HTTP1Connection's static block, so the lane lives in its own file.
 */
export interface ExchangeSteps {
  readMessage(connection: HTTP1Connection, delegate: HTTPMessageDelegate, headWaitStarted: boolean): Promise<boolean>;
  /** Decides the framing of a request head (may throw HTTPInputError); returns its Content-Length body size, or -1 when chunked or `Expect` was sent. */
  frame(connection: HTTP1Connection, startLine: RequestStartLine, headers: HTTPHeaders): number;
  bodyTimeout(connection: HTTP1Connection): number | null;
  detached(connection: HTTP1Connection): boolean;
  writeFinished(connection: HTTP1Connection): boolean;
  /** Marks the request read; `inFinish` brackets the delegate's finish() call (see HTTP1Connection.finish). */
  setRead(connection: HTTP1Connection, inFinish: boolean): void;
  lastWrite(connection: HTTP1Connection): Promise<void>;
  finishRequest(connection: HTTP1Connection): void;
  deliver(connection: HTTP1Connection, delegate: HTTPMessageDelegate, piece: Buffer): Promise<void>;
  failed(connection: HTTP1Connection, error: unknown): Promise<void>;
}

export let exchangeSteps: ExchangeSteps;

/**
 * One HTTP/1.x message exchange on a stream: reads a request and writes its response (server), or
 * writes a request and reads its response (client). Speaks only to an {@link HTTPMessageDelegate}.
 * Keep-alive, chunked bodies both ways, trailers, `Expect: 100-continue`, strict framing; hostile
 * input becomes HTTPInputError, answered 400 / 413 / 431 before the connection closes.
 */
// #private kept: A/B against plain fields, hello world over in-memory sockets (300k requests x5,
// Node 20.20): 4.26 vs 4.24 us CPU per request, within run-to-run noise.
export class HTTP1Connection implements HTTPConnection {
  /** The stream this exchange reads and writes (no longer touched by the codec after `detach()`). */
  readonly stream: BaseIOStream;
  readonly isClient: boolean;
  readonly params: HTTP1ConnectionParameters;
  readonly context: HTTPRequestContext | undefined;
  #state: HTTP1ConnectionState;
  #maxBodySize: number;
  #bodyTimeout: number | null;
  #detached = false;
  /** A timeout answered for us: the application's later writes go nowhere. */
  #aborted = false;
  #error: unknown = null;

  // Read side.
  #bodyKind = BODY_NONE;
  #bodyLength = 0;
  #readFinished = false;
  #trailers: HTTPHeaders | null = null;
  /** Server: the request's; client: the one written, so a HEAD response is read without a body. */
  #requestMethod = '';
  #requestVersion = 'HTTP/1.1';
  /** An HTTP/1.0 request asked for keep-alive and gets it: the response says `Connection: keep-alive`. */
  #keepAlive10 = false;
  #disconnectOnFinish = false;
  /** The request carries `Expect: 100-continue`. */
  #expectContinue = false;

  // Write side.
  #headersWritten = false;
  #writeFinished = false;
  #finished = false;
  /** True while the reader is inside delegate.finish(). */
  #inDelegateFinish = false;
  #chunkingOutput = false;
  /** HEAD, 1xx, 204, 304: the message has no body, whatever its headers say. */
  #bodyless = false;
  /** Body bytes still owed to the declared Content-Length; -1 when none was declared. */
  #expectedRemaining = -1;
  #lastWrite: Promise<void> = RESOLVED;
  #closeCallback: (() => void) | null = null;

  /**
   * `params` may be shared options or a prebuilt {@link HTTP1ConnectionParameters}; `context` says
   * where the peer is (logged with errors, read by HTTPServerRequest). `state` is internal.
   */
  constructor(
    stream: BaseIOStream,
    isClient: boolean,
    params?: HTTP1ConnectionParameters | HTTP1ConnectionOptions | null,
    context?: HTTPRequestContext,
    state?: HTTP1ConnectionState,
  ) {
    this.stream = stream;
    this.isClient = isClient;
    this.params = state?.params ?? HTTP1ConnectionParameters.from(params);
    this.context = context;
    this.#maxBodySize = this.params.maxBodySize;
    this.#bodyTimeout = this.params.bodyTimeout;
    state ??= new HTTP1ConnectionState(stream, this.params);
    if (state.onLastWrite === noop) HTTP1Connection.#wire(state);
    state.current = this;
    this.#state = state;
  }

  static {
    exchangeSteps = {
      readMessage: (c, delegate, headWaitStarted) => c.#readMessage(delegate, headWaitStarted),
      frame: (c, startLine, headers) => {
        c.#decideFraming(startLine, headers, 0);
        return c.#expectContinue || c.#bodyKind === BODY_CHUNKED ? -1 : c.#bodyLength;
      },
      bodyTimeout: (c) => c.#bodyTimeout,
      detached: (c) => c.#detached,
      writeFinished: (c) => c.#writeFinished,
      setRead: (c, inFinish) => {
        c.#readFinished = true;
        c.#inDelegateFinish = inFinish;
      },
      lastWrite: (c) => c.#lastWrite,
      finishRequest: (c) => c.#finishRequest(),
      deliver: (c, delegate, piece) => c.#deliver(delegate, piece),
      failed: (c, error) => c.#failed(error),
    };
  }

  /** Fills in the handlers of a new connection state: once per connection, not per exchange. */
  static #wire(state: HTTP1ConnectionState): void {
    state.onStreamClose = () => {
      const current = state.current;
      if (current !== null) current.#onStreamClose();
    };
    state.onLastWrite = () => {
      const current = state.current;
      if (current !== null) current.#finishRequest();
    };
    state.onReadDeadline = (kind) => HTTP1Connection.#onReadDeadline(state, kind);
  }

  /** Why the last read ended without a message (an HTTPInputError, a delegate error...); null otherwise. */
  get error(): unknown {
    return this.#error;
  }

  /** Trailer fields that followed a chunked body, once it has been read; null when there were none. */
  get trailers(): HTTPHeaders | null {
    return this.#trailers;
  }

  /** The body size limit in force for this message (see `setMaxBodySize`). */
  get maxBodySize(): number {
    return this.#maxBodySize;
  }

  /** Overrides `maxBodySize` for this message; call it from `headersReceived`, before the body is read. */
  setMaxBodySize(bytes: number): void {
    this.#maxBodySize = bytes;
  }

  /** Overrides `bodyTimeout` (ms) for this message; call it from `headersReceived`. */
  setBodyTimeout(ms: number): void {
    this.#bodyTimeout = ms;
  }

  /** Runs `callback` if the stream closes while the application is still answering; null removes it. */
  setCloseCallback(callback: (() => void) | null): void {
    this.#closeCallback = callback;
  }

  /**
   * Reads one message (a request on a server, a response on a client) into `delegate`, and on a
   * server waits until the response is finished. Resolves true when the connection may carry
   * another message, false once it is closed or detached. Never rejects: errors are answered,
   * logged once and end in a close.
   */
  readResponse(delegate: HTTPMessageDelegate): Promise<boolean> {
    if (this.params.decompress) {
      delegate = new GzipMessageDelegate(delegate, { chunkSize: this.params.chunkSize, maxDecompressedSize: () => this.#maxBodySize });
    }
    return this.#readMessage(delegate);
  }

  /**
   * Takes the stream away from HTTP (WebSocket upgrades): no more reading, writing or closing by
   * this codec. Call it from `headersReceived` or while answering, never while a body is read.
   * @throws {HTTPOutputError} when the exchange is already over.
   */
  detach(): BaseIOStream {
    if (this.#detached) throw new HTTPOutputError('The connection is already detached');
    const state = this.#state;
    if (state.current !== this && !this.isClient) throw new HTTPOutputError('detach() after the exchange ended');
    this.#detached = true;
    this.stream.setCloseCallback(null);
    state.dispose();
    this.#resolveFinish();
    return this.stream;
  }

  /** Closes the stream; the exchange ends (a pending read resolves false). */
  close(): void {
    if (!this.#detached) this.stream.close();
    this.#resolveFinish();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** `headWaitStarted`: the fast lane already started the header wait (and gave back what it read). */
  async #readMessage(delegate: HTTPMessageDelegate, headWaitStarted = false): Promise<boolean> {
    const state = this.#state;
    const stream = this.stream;
    state.current = this;
    /** True once headersReceived was called: one of finish() / onConnectionClose() is owed. */
    let owed = false;
    try {
      let startLine: RequestStartLine | ResponseStartLine;
      let headers: HTTPHeaders;
      for (let informational = 0; ; informational++) {
        const deadlines = state.readDeadlines(false);
        if (!headWaitStarted) deadlines?.waitForHeaders();
        headWaitStarted = false;
        // The usual case: the first piece that arrives holds a whole block, found by a byte
        // search; anything else is read in the regex rounds (see http1-head-reader).
        const first = await stream.readBytes(this.params.maxHeaderSize, PARTIAL);
        const text = takeWholeHead(stream, first) ?? (await readHeadInRounds(stream, this.params.maxHeaderSize));
        deadlines?.pause();
        state.busy = true;
        const eol = text.indexOf('\n');
        const line = text.slice(0, eol > 0 && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol);
        startLine = this.isClient ? parseResponseStartLine(line) : parseRequestStartLine(line);
        headers = parseHeaderBlock(text, eol + 1, this.params.maxHeaderCount);
        const code = this.isClient ? (startLine as ResponseStartLine).code : 0;
        // An informational response (100 Continue, 103 Early Hints) goes to the delegate too; then
        // the real one is read.
        const final = code >= 200 || code === 101 || !this.isClient;
        if (final) {
          this.#decideFraming(startLine, headers, code);
        } else {
          if (informational >= MAX_INFORMATIONAL_RESPONSES) throw new HTTPInputError(`More than ${MAX_INFORMATIONAL_RESPONSES} informational responses`);
          if (headers.has('Content-Length') || headers.has('Transfer-Encoding')) {
            throw new HTTPInputError(`Response code ${code} cannot have a body`);
          }
        }
        owed = true;
        try {
          const result = delegate.headersReceived(startLine, headers);
          if (result) await result;
        } catch (error) {
          throw delegateFailure(error);
        }
        if (this.#detached) {
          owed = false;
          return false;
        }
        if (final) break;
      }

      if (this.#bodyKind !== BODY_NONE) {
        if (this.#bodyKind === BODY_LENGTH && this.#bodyLength > this.#maxBodySize) {
          throw new HTTPInputError(`Content-Length too long (${this.#bodyLength} > ${this.#maxBodySize})`, { status: 413 });
        }
        if (this.#expectContinue && !this.isClient && !this.#headersWritten && this.#requestVersion !== 'HTTP/1.0') {
          stream.write(CONTINUE_RESPONSE);
        }
        const deadlines = this.#bodyTimeout === null ? state.deadlines : state.readDeadlines(true);
        deadlines?.waitForBody(this.#bodyTimeout);
        if (this.#bodyKind === BODY_LENGTH) await this.#readFixedBody(delegate);
        else if (this.#bodyKind === BODY_CHUNKED) await this.#readChunkedBody(delegate);
        else await this.#readBodyUntilClose(delegate);
        deadlines?.pause();
      }
      this.#readFinished = true;

      // A server that answered before the request was read does not see finish() (as Tornado):
      // the connection closes after the answer and the delegate hears onConnectionClose().
      if (!this.#writeFinished || this.isClient) {
        owed = false;
        try {
          this.#inDelegateFinish = true;
          const result = delegate.finish();
          this.#inDelegateFinish = false;
          if (result) await result;
        } catch (error) {
          throw delegateFailure(error);
        } finally {
          this.#inDelegateFinish = false;
        }
      }
      if (this.isClient) {
        // A response that came before our request was fully sent leaves the framing unsure.
        if (!this.#writeFinished) this.#disconnectOnFinish = true;
        if (this.#disconnectOnFinish || this.params.noKeepAlive) this.close();
      } else if (this.#writeFinished) {
        // Answered already: wait for the last write to reach the kernel (with no write pending in
        // the stream it has: nothing to wait for), then close or go on.
        if (stream.writing()) {
          try {
            await this.#lastWrite;
          } catch {
            // The stream closed; #finishRequest sees it.
          }
        }
        this.#finishRequest();
      } else if (!this.#detached && !stream.closed()) {
        // The application is still answering: notice the peer leaving meanwhile.
        stream.setCloseCallback(state.onStreamClose);
        await new Promise<void>(state.captureFinish);
      }
      return !this.#detached && !stream.closed();
    } catch (error) {
      await this.#failed(error);
      return false;
    } finally {
      if (this.isClient) state.deadlines?.dispose();
      if (!this.#detached) state.busy = false;
      if (owed) callConnectionClose(delegate);
    }
  }

  /** Decides how the body is delimited and whether the connection survives the exchange. */
  #decideFraming(startLine: RequestStartLine | ResponseStartLine, headers: HTTPHeaders, code: number): void {
    scanFields(headers);
    const te = scan.te;
    const cl = scan.cl;
    if (te !== undefined) {
      if (cl !== undefined) throw new HTTPInputError('Message with both Transfer-Encoding and Content-Length');
      checkTransferEncoding(headers.getList('Transfer-Encoding'));
    }
    const length = cl === undefined ? -1 : parseContentLength(cl);
    if (length === Infinity) throw new HTTPInputError('Content-Length too long', { status: 413 });
    const version = startLine.version;
    const connection = scan.connection;
    this.#expectContinue = scan.expect !== undefined && scan.expect.toLowerCase() === '100-continue';
    if (this.isClient) {
      if (code === 204 && (te !== undefined || length > 0)) throw new HTTPInputError(`Response with code ${code} should not have a body`);
      const noBody = this.#requestMethod === 'HEAD' || code === 304 || code === 204 || code === 101;
      this.#bodyKind = noBody ? BODY_NONE : te !== undefined ? BODY_CHUNKED : length >= 0 ? (length > 0 ? BODY_LENGTH : BODY_NONE) : BODY_UNTIL_CLOSE;
      this.#bodyLength = noBody ? 0 : length;
      const reusable =
        this.#bodyKind !== BODY_UNTIL_CLOSE &&
        code !== 101 &&
        (version === 'HTTP/1.0'
          ? connection !== undefined && hasConnectionToken(connection, 'keep-alive')
          : connection === undefined || !hasConnectionToken(connection, 'close'));
      this.#disconnectOnFinish = !reusable;
      return;
    }
    const request = startLine as RequestStartLine;
    this.#requestMethod = request.method;
    this.#requestVersion = version;
    this.#bodyKind = te !== undefined ? BODY_CHUNKED : length > 0 ? BODY_LENGTH : BODY_NONE;
    this.#bodyLength = length > 0 ? length : 0;
    let keepAlive: boolean;
    if (this.params.noKeepAlive || this.#state.closing) {
      keepAlive = false;
    } else if (version === 'HTTP/1.0') {
      // RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing; read it, then close.
      keepAlive =
        te === undefined &&
        connection !== undefined &&
        hasConnectionToken(connection, 'keep-alive') &&
        (length >= 0 || request.method === 'GET' || request.method === 'HEAD');
      this.#keepAlive10 = keepAlive;
    } else {
      keepAlive = connection === undefined || !hasConnectionToken(connection, 'close');
    }
    this.#disconnectOnFinish = !keepAlive;
  }

  async #readFixedBody(delegate: HTTPMessageDelegate): Promise<void> {
    const stream = this.stream;
    const chunkSize = this.params.chunkSize;
    let remaining = this.#bodyLength;
    while (remaining > 0) {
      const piece = await stream.readBytes(remaining < chunkSize ? remaining : chunkSize, { partial: true });
      remaining -= piece.length;
      await this.#deliver(delegate, piece);
    }
  }

  async #readChunkedBody(delegate: HTTPMessageDelegate): Promise<void> {
    const stream = this.stream;
    const chunkSize = this.params.chunkSize;
    let total = 0;
    let extensionBytes = 0;
    for (;;) {
      const line = await stream.readUntil('\n', { maxBytes: MAX_CHUNK_LINE });
      const size = parseChunkSizeLine(line);
      if (line.length > PLAIN_CHUNK_LINE) {
        extensionBytes += line.length - PLAIN_CHUNK_LINE;
        if (extensionBytes > MAX_CHUNK_EXTENSION_BYTES) throw new HTTPInputError('Too many chunk extension bytes');
      }
      if (size === 0) break;
      total += size;
      if (total > this.#maxBodySize) throw new HTTPInputError(`Chunked body too large (over ${this.#maxBodySize} bytes)`, { status: 413 });
      if (size + 2 <= chunkSize) {
        // Small chunk: its data and the CRLF after it in one read.
        const piece = await stream.readBytes(size + 2);
        if (piece[size] !== CR || piece[size + 1] !== LF) throw new HTTPInputError('Improperly terminated chunk');
        await this.#deliver(delegate, piece.subarray(0, size));
        continue;
      }
      let remaining = size;
      while (remaining > 0) {
        const piece = await stream.readBytes(remaining < chunkSize ? remaining : chunkSize, { partial: true });
        remaining -= piece.length;
        await this.#deliver(delegate, piece);
      }
      const crlf = await stream.readBytes(2);
      if (crlf[0] !== CR || crlf[1] !== LF) throw new HTTPInputError('Improperly terminated chunk');
    }
    await this.#readTrailers();
  }

  /** Trailer fields after the last chunk: the header rules and limits, CRLF line endings only. */
  async #readTrailers(): Promise<void> {
    const stream = this.stream;
    const max = this.params.maxHeaderSize;
    let total = 0;
    let count = 0;
    for (;;) {
      const line = await stream.readUntil('\n', { maxBytes: max - total + 1 });
      total += line.length;
      const n = line.length;
      if (n < 2 || line[n - 2] !== CR) throw new HTTPInputError('Invalid trailer line: it must end in CRLF');
      if (n === 2) return;
      if (total > max || ++count > this.params.maxHeaderCount) {
        throw new HTTPInputError('Trailer section too large', { status: 431 });
      }
      (this.#trailers ??= new HTTPHeaders()).parseLine(line.toString('latin1', 0, n - 2));
    }
  }

  /** Client side, a response with neither length nor chunking: everything until the server closes. */
  async #readBodyUntilClose(delegate: HTTPMessageDelegate): Promise<void> {
    const stream = this.stream;
    let total = 0;
    for (;;) {
      let piece: Buffer;
      try {
        piece = await stream.readBytes(this.params.chunkSize, { partial: true });
      } catch (error) {
        if (error instanceof StreamClosedError && isCleanClose(error)) return;
        throw error;
      }
      total += piece.length;
      if (total > this.#maxBodySize) throw new HTTPInputError(`Unframed body too large (over ${this.#maxBodySize} bytes)`, { status: 413 });
      await this.#deliver(delegate, piece);
    }
  }

  /** Hands a body piece to the delegate and waits for its promise (flow control); a server that already answered drops it. */
  async #deliver(delegate: HTTPMessageDelegate, piece: Buffer): Promise<void> {
    if (this.#writeFinished && !this.isClient) return;
    try {
      const result = delegate.dataReceived(piece);
      if (result) await result;
    } catch (error) {
      throw delegateFailure(error);
    }
  }

  /** The connection boundary: answers what can still be answered, logs once, closes. */
  async #failed(error: unknown): Promise<void> {
    if (this.#detached) return;
    this.#error = error instanceof DelegateFailure ? error.cause : error;
    const stream = this.stream;
    if (error instanceof StreamClosedError || error instanceof UnsatisfiableReadError) {
      // The peer left, a timeout closed the stream (logged by #onReadDeadline), or the stream
      // refused an overlong line (logged by the stream).
      this.close();
      return;
    }
    let status = 500;
    if (error instanceof HTTPInputError) {
      genLog.info('Malformed HTTP message from %s: %s', describePeer(this), error.message);
      status = error.status;
    } else if (!(error instanceof DelegateFailure)) {
      appLog.error('Uncaught exception in HTTP/1 connection from %s', describePeer(this), error);
    }
    if (!this.isClient && !this.#headersWritten && !stream.closed()) {
      this.#headersWritten = true;
      try {
        await stream.write(errorResponse(status));
      } catch {
        // The peer is gone; nothing more to say.
      }
      // The peer may still be sending the request we refused: drain it, so it reads the answer.
      if (!this.#detached) stream.closeLingering();
    }
    this.close();
  }

  #onStreamClose(): void {
    const callback = this.#closeCallback;
    this.#closeCallback = null;
    if (callback !== null) {
      try {
        callback();
      } catch (error) {
        appLog.error('Exception in connection close callback', error);
      }
    }
    this.#resolveFinish();
  }

  static #onReadDeadline(state: HTTP1ConnectionState, kind: ReadExpiry): void {
    const stream = state.stream;
    const current = state.current;
    if (stream.closed() || (current !== null && current.#detached)) return;
    if (kind === 'idle') {
      stream.close();
      return;
    }
    genLog.info('Timeout reading %s from %s', kind === 'header' ? 'headers' : 'body', current === null ? 'peer' : describePeer(current));
    const answer = current === null || (!current.isClient && !current.#headersWritten);
    if (current !== null) current.#aborted = true;
    if (!answer) {
      stream.close();
      return;
    }
    if (current !== null) current.#headersWritten = true;
    const closeStream = () => stream.close();
    stream.write(errorResponse(408)).then(closeStream, closeStream);
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * Writes the start line and headers, and `chunk` (if any) in the same stream write. Adds
   * `Transfer-Encoding: chunked` when an HTTP/1.1 body has no Content-Length, `Connection` as
   * keep-alive requires, and `Date` (server). Resolves when the bytes are handed to the kernel;
   * rejects with StreamClosedError when the peer is gone.
   * @throws {HTTPOutputError} for an invalid start line or header, a second call, or a body where none is allowed.
   */
  writeHeaders(startLine: RequestStartLine | ResponseStartLine, headers: HTTPHeaders, chunk?: Buffer): Promise<void> {
    if (this.#aborted || this.#detached) return closedWrite();
    if (this.#headersWritten) throw new HTTPOutputError('writeHeaders() called twice');
    let head: string;
    if (this.isClient) {
      head = this.#requestHead(startLine as RequestStartLine, headers);
    } else {
      const { code, reason } = startLine as ResponseStartLine;
      if (!Number.isInteger(code) || code < 100 || code > 599) throw new HTTPOutputError(`Invalid status code ${String(code)}`);
      if (!isValidReason(reason)) throw new HTTPOutputError(`Invalid reason phrase ${JSON.stringify(reason)}`);
      if (code < 200 && code !== 101) return this.#writeInformational(code, reason, headers, chunk);
      head = this.#responseHead(code, reason, headers);
    }
    this.#headersWritten = true;
    if (this.stream.closed()) return closedWrite();
    const headLength = head.length;
    if (chunk === undefined || chunk.length === 0) return this.#send(headBytes(head));
    this.#count(chunk.length);
    if (this.#chunkingOutput) return this.#sendChunk(head, chunk);
    if (chunk.length > COPY_LIMIT) {
      this.stream.write(headBytes(head));
      return this.#send(chunk);
    }
    const data = Buffer.allocUnsafe(headLength + chunk.length);
    writeHead(data, head);
    data.set(chunk, headLength); // TypedArray set: ~10 ns cheaper than chunk.copy for small pieces
    return this.#send(data);
  }

  /**
   * Writes a body chunk (framed as a chunk when chunking). Resolves when handed to the kernel.
   * @throws {HTTPOutputError} before `writeHeaders`, after `finish`, or past the declared Content-Length (the stream is closed).
   */
  write(chunk: Buffer): Promise<void> {
    if (this.#aborted || this.#detached) return closedWrite();
    if (!this.#headersWritten) throw new HTTPOutputError('write() before writeHeaders()');
    if (this.#writeFinished) throw new HTTPOutputError('write() after finish()');
    if (chunk.length === 0) return this.#lastWrite;
    this.#count(chunk.length);
    if (this.stream.closed()) return closedWrite();
    if (this.#chunkingOutput) return this.#sendChunk('', chunk);
    return this.#send(chunk);
  }

  /**
   * Ends the message: the last chunk (with `trailers`, if given) when chunking. Resolves once
   * everything is handed to the kernel; the server then reads the next request or closes.
   * @throws {HTTPOutputError} when less than the declared Content-Length was written (the stream is closed), or on a second call.
   */
  finish(trailers?: HTTPHeaders): Promise<void> {
    if (this.#detached) return RESOLVED;
    if (this.#writeFinished) throw new HTTPOutputError('finish() called twice');
    if (!this.#headersWritten && !this.#aborted) throw new HTTPOutputError('finish() before writeHeaders()');
    const stream = this.stream;
    if (this.#expectedRemaining > 0 && !stream.closed()) {
      const missing = this.#expectedRemaining;
      stream.close();
      throw new HTTPOutputError(`Tried to write ${missing} bytes less than Content-Length`);
    }
    if (this.#chunkingOutput && !stream.closed()) {
      let last = LAST_CHUNK;
      if (trailers !== undefined && trailers.size > 0) {
        last = `0\r\n${serializeFields(trailers)}\r\n`;
        checkLatin1(last, trailers);
      }
      this.#lastWrite = stream.write(Buffer.from(last, 'latin1'));
    } else if (trailers !== undefined && trailers.size > 0) {
      throw new HTTPOutputError('Trailers need a chunked message');
    }
    this.#writeFinished = true;
    // Answering before the whole request was read: only closing avoids reading the rest.
    if (!this.#readFinished && !this.isClient) this.#disconnectOnFinish = true;
    const state = this.#state;
    // Nothing more is coming: send what is buffered now instead of waiting for Nagle (the
    // setting then stays on; Tornado turns it off again per request, a syscall each time).
    if (!state.nodelay) {
      stream.setNodelay(true);
      state.nodelay = true;
    }
    // Finished from inside delegate.finish() (the usual case), the reader awaits the last write
    // itself right after; otherwise it must be told.
    if (!this.#inDelegateFinish) this.#lastWrite.then(state.onLastWrite, state.onLastWrite);
    return this.#lastWrite;
  }

  #requestHead(startLine: RequestStartLine, headers: HTTPHeaders): string {
    const { method, path } = startLine;
    if (!isToken(method)) throw new HTTPOutputError(`Invalid method ${JSON.stringify(method)}`);
    if (!isFieldVchars(path)) throw new HTTPOutputError(`Invalid request target ${JSON.stringify(path)}`);
    this.#requestMethod = method;
    const fields = serializeFields(headers);
    const te = scan.te;
    const cl = scan.cl;
    if (te !== undefined && !isChunked(te)) throw new HTTPOutputError(`Unsupported Transfer-Encoding ${JSON.stringify(te)}`);
    if (te !== undefined && cl !== undefined) throw new HTTPOutputError('Both Transfer-Encoding and Content-Length');
    this.#chunkingOutput = te !== undefined || (cl === undefined && (method === 'POST' || method === 'PUT' || method === 'PATCH'));
    this.#expectedRemaining = cl === undefined ? -1 : parseOutgoingContentLength(cl);
    let head = `${method} ${path} HTTP/1.1\r\n${fields}`;
    if (scan.connection !== undefined) head += connectionLines(headers);
    if (this.#chunkingOutput && te === undefined) head += 'Transfer-Encoding: chunked\r\n';
    head += '\r\n';
    checkLatin1(head, headers);
    return head;
  }

  #responseHead(code: number, reason: string, headers: HTTPHeaders): string {
    const method = this.#requestMethod;
    const fields = serializeFields(headers);
    const te = scan.te;
    const cl = scan.cl;
    const connection = scan.connection;
    const hasDate = scan.date;
    const bodyless = code === 204 || code === 304 || code === 101 || method === 'HEAD';
    if (te !== undefined) {
      if (!isChunked(te)) throw new HTTPOutputError(`Unsupported Transfer-Encoding ${JSON.stringify(te)}`);
      if (cl !== undefined) throw new HTTPOutputError('Both Transfer-Encoding and Content-Length');
      if (code === 204 || code === 304 || code === 101) throw new HTTPOutputError(`A ${code} response cannot have Transfer-Encoding`);
    }
    if (cl !== undefined && (code === 204 || code === 101)) throw new HTTPOutputError(`A ${code} response cannot have Content-Length`);
    const length = cl === undefined ? -1 : parseOutgoingContentLength(cl);
    const http11 = this.#requestVersion !== 'HTTP/1.0';
    this.#chunkingOutput = !bodyless && length < 0 && http11;
    this.#bodyless = bodyless;
    this.#expectedRemaining = bodyless ? 0 : length;
    if (connection !== undefined && hasConnectionToken(connection, 'close')) this.#disconnectOnFinish = true;
    // Without length or chunking only the close marks the end of the body.
    if (!bodyless && length < 0 && !this.#chunkingOutput) this.#disconnectOnFinish = true;
    if (this.#state.closing) this.#disconnectOnFinish = true;
    // Our own Connection field replaces the application's; otherwise its lines are kept.
    let extra = '';
    if (code !== 101 && this.#disconnectOnFinish && http11) extra = 'Connection: close\r\n';
    else if (code !== 101 && !this.#disconnectOnFinish && this.#keepAlive10) extra = 'Connection: keep-alive\r\n';
    else if (connection !== undefined) extra = connectionLines(headers);
    if (this.#chunkingOutput && te === undefined) extra += 'Transfer-Encoding: chunked\r\n';
    if (!hasDate) extra += currentDateLine();
    const head = joinHead(statusLine(code, reason), fields, extra);
    checkLatin1(head, headers);
    return head;
  }

  /** A 1xx other than 101: written on its own; the final response follows through writeHeaders. */
  #writeInformational(code: number, reason: string, headers: HTTPHeaders, chunk: Buffer | undefined): Promise<void> {
    if (chunk !== undefined && chunk.length > 0) throw new HTTPOutputError(`A ${code} response cannot have a body`);
    if (headers.has('Content-Length') || headers.has('Transfer-Encoding')) {
      throw new HTTPOutputError(`A ${code} response cannot have Content-Length or Transfer-Encoding`);
    }
    if (this.stream.closed()) return closedWrite();
    // The application said 100 Continue itself: the codec does not say it again.
    if (code === 100) this.#expectContinue = false;
    const head = `HTTP/1.1 ${code} ${reason}\r\n${serializeFields(headers)}\r\n`;
    checkLatin1(head, headers);
    return this.stream.write(Buffer.from(head, 'latin1'));
  }

  /** Counts body bytes against the declared length; too many is a framing error, so the stream closes. */
  #count(n: number): void {
    if (this.#expectedRemaining < 0) return;
    this.#expectedRemaining -= n;
    if (this.#expectedRemaining < 0) {
      this.stream.close();
      throw new HTTPOutputError(
        this.#bodyless ? 'Tried to write a body for a response that has none (HEAD, 204, 304)' : 'Tried to write more data than Content-Length',
      );
    }
  }

  #send(data: Uint8Array): Promise<void> {
    const promise = this.stream.write(data);
    this.#lastWrite = promise;
    return promise;
  }

  /** Frames `chunk` as one chunk, after `head` (may be empty), in one write when small. */
  #sendChunk(head: string, chunk: Buffer): Promise<void> {
    const prefix = `${head}${chunk.length.toString(16)}\r\n`;
    if (chunk.length > COPY_LIMIT) {
      this.stream.write(Buffer.from(prefix, 'latin1'));
      this.stream.write(chunk);
      return this.#send(Buffer.from('\r\n', 'latin1'));
    }
    const n = prefix.length;
    const data = Buffer.allocUnsafe(n + chunk.length + 2);
    writeLatin1(data, prefix, 0);
    data.set(chunk, n);
    data[n + chunk.length] = CR;
    data[n + chunk.length + 1] = LF;
    return this.#send(data);
  }

  /** After the last write of a finished message: close or get ready for the next one. */
  #finishRequest(): void {
    if (this.#finished) return;
    this.#finished = true;
    const stream = this.stream;
    if (!this.#detached) {
      stream.setCloseCallback(null);
      // Answered before the request was all read: drain the rest, so the peer reads the answer.
      if (!this.isClient && this.#disconnectOnFinish) {
        if (this.#readFinished) stream.close();
        else stream.closeLingering();
      }
    }
    this.#resolveFinish();
  }

  #resolveFinish(): void {
    const state = this.#state;
    if (state.current !== this && !this.isClient) return;
    const resolve = state.finishResolve;
    if (resolve !== null) {
      state.finishResolve = null;
      resolve();
    }
  }
}

function isCleanClose(error: StreamClosedError): boolean {
  const code = (error.realError as NodeJS.ErrnoException | null)?.code;
  return error.realError === null || code === 'ECONNRESET' || code === 'EPIPE';
}

function describePeer(connection: HTTP1Connection): string {
  const ip = connection.context?.remoteIp;
  if (ip) return ip;
  const socket = connection.stream.socket as { remoteAddress?: string };
  return socket.remoteAddress ?? 'unknown peer';
}

function closedWrite(): Promise<void> {
  const promise = Promise.reject(new StreamClosedError());
  promise.catch(noop);
  return promise;
}
