import { jsonEncode } from '@tornado-ts/escape';
import { formatTimestamp, HTTPHeaders, HTTPInputError, statusReason, type HTTPServerRequest } from '@tornado-ts/httputil';
import { appLog, genLog } from '@tornado-ts/ioloop';
import type { BaseIOStream } from '@tornado-ts/iostream';
import type { Application } from './application';
import { formatSetCookie, type CookieOptions } from './cookie-header';
import { errorPageHtml, tracebackText } from './error-page';
import { Finish, HandlerUsageError, HTTPError, MissingArgumentError, MissingSettingError } from './errors';
import { etagMatches, etagOfChunks } from './etag';
import { argumentValues, decodeUtf8Argument } from './handler-arguments';
import { readSignedCookie, signedCookieKeyVersion, signValue, type GetSignedCookieOptions, type SignedCookieOptions } from './handler-cookies';
import { checkHandlerXsrf, handlerXsrfFormHtml, handlerXsrfToken } from './handler-xsrf';
import { headerValueText, isSafeReason, type HeaderValue } from './header-values';
import { Locale, parseAcceptLanguage } from './locale';
import type { OutputTransform } from './output-transform';
import type { ApplicationSettings } from './settings';
import { buildTemplateNamespace, renderHandlerString, renderHandlerTemplate } from './template-rendering';

/** The keyword arguments a route passes to `initialize()`. */
export type HandlerKwargs = Record<string, unknown>;
/** What `write()` and `finish()` accept: text (UTF-8), bytes, or a plain object sent as JSON. */
export type ResponseChunk = string | Buffer | object;
/** What `sendError` / `writeError` receive about the failure. */
export interface ErrorDetails {
  /** The error that caused the response, when there was one. */
  error?: unknown;
  /** A reason phrase to use instead of the standard one. */
  reason?: string;
}

type HandlerMethod = (this: RequestHandler, ...args: unknown[]) => unknown;

const EMPTY = Buffer.alloc(0);
const NO_TRANSFORMS: readonly OutputTransform[] = [];
const BODYLESS_REMOVED = ['Content-Encoding', 'Content-Language', 'Content-Type'];

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function swallow(): void {}

/** Runs the lifecycle of one handler; given to the application's per-request delegate only. */
export let executeHandler: (
  handler: RequestHandler,
  transforms: readonly OutputTransform[],
  pathArgs: readonly Buffer[],
  pathKwargs: Record<string, Buffer> | null,
  body: Promise<void> | null,
) => Promise<void>;
/** Sets what runs when a streamed body cannot complete because the connection closed. */
export let attachBodyClose: (handler: RequestHandler, onClose: () => void) => void;
/** Tells a handler (once) that its connection closed early. */
export let notifyHandlerClosed: (handler: RequestHandler) => void;
/** Resolves once prepare() is done (the point from which a streamed body may flow). */
export let handlerPrepared: (handler: RequestHandler) => Promise<void>;

/**
 * Base class of HTTP request handlers (Tornado's `RequestHandler`). Subclass it and define
 * `get`, `post`, ... (possibly async); one instance answers one request:
 * `initialize(kwargs)` -> `prepare()` -> the method -> `onFinish()`.
 */
export class RequestHandler {
  /** The methods this handler accepts; others get 405. */
  static SUPPORTED_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'DELETE', 'PATCH', 'PUT', 'OPTIONS'];
  /** When true, the body is not buffered: it goes to `dataReceived(chunk)` as it arrives, after `prepare()`. */
  static streamRequestBody = false;

  readonly application: Application;
  readonly request: HTTPServerRequest;
  /** The route's positional groups, URL-decoded (an optional group that did not match is `undefined`). */
  pathArgs: string[] = [];
  /** The route's named groups, URL-decoded. */
  pathKwargs: Record<string, string> = {};

  #status = 200;
  #reason = 'OK';
  #headers: HTTPHeaders = new HTTPHeaders();
  #buffer: Buffer[] = [];
  #headersWritten = false;
  #finished = false;
  #transforms: readonly OutputTransform[] = NO_TRANSFORMS;
  #newCookies: Map<string, string> | null = null;
  #currentUser: unknown;
  #currentUserLoaded = false;
  #locale: Locale | null = null;
  #prepared: { promise: Promise<void>; resolve: () => void } | null = null;
  #closeNotified = false;

  static {
    executeHandler = (handler, transforms, pathArgs, pathKwargs, body) => handler.#execute(transforms, pathArgs, pathKwargs, body);
    notifyHandlerClosed = (handler) => handler.#notifyConnectionClose();
    attachBodyClose = (handler, onClose) => {
      handler.#bodyClosed = onClose;
    };
    handlerPrepared = (handler) => {
      if (handler.#prepared === null) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        handler.#prepared = { promise, resolve };
      }
      return handler.#prepared.promise;
    };
  }

  /**
   * Made by the application for each request; `initialize(kwargs)` is called next (not from here,
   * so that subclass fields are in place when it runs).
   */
  constructor(application: Application, request: HTTPServerRequest, _kwargs?: HandlerKwargs) {
    this.application = application;
    this.request = request;
    this.#resetOutput();
    request.connection?.setCloseCallback(() => this.#notifyConnectionClose());
  }

  /** The application's settings. */
  get settings(): ApplicationSettings {
    return this.application.settings;
  }

  /** True once the response is finished (or the connection detached). */
  get finished(): boolean {
    return this.#finished;
  }

  // --- Lifecycle hooks --------------------------------------------------------------------------

  /** Receives the route's kwargs; override to keep them (Tornado's `initialize`). */
  initialize(_kwargs: HandlerKwargs): void {}
  /** Runs before the method (after the XSRF check); may be async; finishing here skips the method. */
  prepare(): void | Promise<void> {}
  /** Runs after the response is finished, for cleanup and logging; no output is possible any more. */
  onFinish(): void {}
  /** Runs if the client disconnects before the response is finished (long polls, streamed bodies). */
  onConnectionClose(): void {}
  /** Override to set headers every response carries, errors included (called by `clear()`). */
  setDefaultHeaders(): void {}

  /** Forgets all headers and output and goes back to 200 with the default headers. */
  clear(): void {
    this.#resetOutput();
    this.setDefaultHeaders();
  }

  #resetOutput(): void {
    const headers = new HTTPHeaders();
    headers.set('Content-Type', 'text/html; charset=UTF-8');
    headers.set('Date', formatTimestamp(Date.now()));
    this.#headers = headers;
    this.#buffer = [];
    this.#status = 200;
    this.#reason = 'OK';
  }

  // --- Status and headers -----------------------------------------------------------------------

  /**
   * Sets the response status. A custom `reason` is needed for codes without a standard phrase.
   * @throws {HandlerUsageError} for a code outside 100-599, a reason with control characters, or an unknown code without reason.
   */
  setStatus(code: number, reason?: string): void {
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new HandlerUsageError(`Invalid HTTP status code ${code}`);
    if (reason === undefined) {
      const standard = statusReason(code);
      if (standard === 'Unknown') throw new HandlerUsageError(`Unknown HTTP status code ${code}: give a reason`);
      this.#reason = standard;
    } else {
      if (/[\x00-\x08\x0a-\x1f\x7f]/.test(reason)) throw new HandlerUsageError(`Unsafe reason phrase ${JSON.stringify(reason)}`);
      this.#reason = isSafeReason(reason) ? reason : 'Unknown';
    }
    this.#status = code;
  }

  /** The response status code. */
  getStatus(): number {
    return this.#status;
  }

  /** Sets a response header, replacing earlier values. @throws {HandlerUsageError} for an unsafe value. */
  setHeader(name: string, value: HeaderValue): void {
    this.#headers.set(name, headerValueText(name, value));
  }

  /** Adds a value to a (possibly multi-valued) response header. @throws {HandlerUsageError} for an unsafe value. */
  addHeader(name: string, value: HeaderValue): void {
    this.#headers.add(name, headerValueText(name, value));
  }

  /** Removes a response header. */
  clearHeader(name: string): void {
    this.#headers.delete(name);
  }

  /** The response headers so far (read-only use; set them through `setHeader`). */
  get responseHeaders(): HTTPHeaders {
    return this.#headers;
  }

  // --- Arguments --------------------------------------------------------------------------------

  /**
   * The last value of query or body argument `name`. Without a default, a missing argument
   * throws `MissingArgumentError` (400).
   */
  getArgument(name: string): string;
  getArgument(name: string, defaultValue: string, strip?: boolean): string;
  getArgument(name: string, defaultValue: string | null | undefined, strip?: boolean): string | null;
  getArgument(name: string, defaultValue?: string | null, strip = true): string | null {
    return this.#lastArgument(this.request.arguments, name, arguments.length > 1, defaultValue, strip);
  }

  /** Every value of query or body argument `name` (empty when absent). */
  getArguments(name: string, strip = true): string[] {
    return argumentValues(this.request.arguments, name, strip, this.#decode);
  }

  /** Like `getArgument`, from the query string only. */
  getQueryArgument(name: string): string;
  getQueryArgument(name: string, defaultValue: string, strip?: boolean): string;
  getQueryArgument(name: string, defaultValue: string | null | undefined, strip?: boolean): string | null;
  getQueryArgument(name: string, defaultValue?: string | null, strip = true): string | null {
    return this.#lastArgument(this.request.queryArguments, name, arguments.length > 1, defaultValue, strip);
  }

  /** Like `getArguments`, from the query string only. */
  getQueryArguments(name: string, strip = true): string[] {
    return argumentValues(this.request.queryArguments, name, strip, this.#decode);
  }

  /** Like `getArgument`, from the body only. */
  getBodyArgument(name: string): string;
  getBodyArgument(name: string, defaultValue: string, strip?: boolean): string;
  getBodyArgument(name: string, defaultValue: string | null | undefined, strip?: boolean): string | null;
  getBodyArgument(name: string, defaultValue?: string | null, strip = true): string | null {
    return this.#lastArgument(this.request.bodyArguments, name, arguments.length > 1, defaultValue, strip);
  }

  /** Like `getArguments`, from the body only. */
  getBodyArguments(name: string, strip = true): string[] {
    return argumentValues(this.request.bodyArguments, name, strip, this.#decode);
  }

  #decode = (value: Buffer, name: string): string => this.decodeArgument(value, name);

  #lastArgument(source: HTTPServerRequest['arguments'], name: string, hasDefault: boolean, defaultValue: string | null | undefined, strip: boolean): string | null {
    const values = argumentValues(source, name, strip, this.#decode);
    if (values.length > 0) return values[values.length - 1];
    if (!hasDefault) throw new MissingArgumentError(name);
    return defaultValue ?? null;
  }

  /** Decodes an argument or path group from bytes; UTF-8 by default (400 when invalid). Override for other encodings. */
  decodeArgument(value: Buffer, name?: string): string {
    return decodeUtf8Argument(value, name);
  }

  // --- Cookies ----------------------------------------------------------------------------------

  /** The value of request cookie `name`, or `defaultValue`. */
  getCookie(name: string, defaultValue?: string): string | undefined {
    const cookies = this.request.cookies;
    return Object.hasOwn(cookies, name) ? cookies[name] : defaultValue;
  }

  /** Sets a cookie (a later call for the same name replaces it). @throws {CookieError} for an invalid name, value or attribute. */
  setCookie(name: string, value: string, options?: CookieOptions): void {
    (this.#newCookies ??= new Map()).set(name, formatSetCookie(name, value, options));
  }

  /** Deletes a cookie; give the same `path` and `domain` it was set with. */
  clearCookie(name: string, options?: CookieOptions): void {
    this.setCookie(name, '', { ...options, expires: Date.now() - 365 * 86_400_000, maxAge: 0, expiresDays: undefined });
  }

  /** Deletes every cookie the request sent. */
  clearAllCookies(options?: CookieOptions): void {
    for (const name of Object.keys(this.request.cookies)) this.clearCookie(name, options);
  }

  /** Sets a cookie signed with `cookieSecret` (30 days by default), readable with `getSignedCookie`. */
  setSignedCookie(name: string, value: string | Buffer, options: SignedCookieOptions = {}): void {
    const { version, ...cookieOptions } = options;
    if (cookieOptions.expiresDays === undefined && cookieOptions.expires === undefined && cookieOptions.maxAge === undefined) {
      cookieOptions.expiresDays = 30;
    }
    this.setCookie(name, signValue(this, name, value, version), cookieOptions);
  }

  /** The verified value of a signed cookie (or of `value`), or null if missing, forged or expired. */
  getSignedCookie(name: string, value?: string, options?: GetSignedCookieOptions): string | null {
    return readSignedCookie(this, name, value, options);
  }

  /** The key version a signed cookie was signed with (key rotation), or null. */
  getSignedCookieKeyVersion(name: string, value?: string): number | null {
    return signedCookieKeyVersion(this, name, value);
  }

  /** Signs `value` as `setSignedCookie` would, without setting a cookie. */
  createSignedValue(name: string, value: string | Buffer, options: { version?: 1 | 2 } = {}): string {
    return signValue(this, name, value, options.version);
  }

  // --- XSRF -------------------------------------------------------------------------------------

  /** This request's XSRF token for forms and headers; sets the `_xsrf` cookie when needed. */
  get xsrfToken(): string {
    return handlerXsrfToken(this);
  }

  /** Checks the request's XSRF token; run automatically before `prepare()` when `xsrfCookies` is on. @throws {HTTPError} 403. */
  checkXsrfCookie(): void {
    checkHandlerXsrf(this);
  }

  /** The hidden `<input>` carrying the XSRF token, for forms. */
  xsrfFormHtml(): string {
    return handlerXsrfFormHtml(this);
  }

  // --- User and locale --------------------------------------------------------------------------

  /**
   * The logged-in user: `getCurrentUser()` on first use, unless set. For an asynchronous lookup,
   * set `this.currentUser` in `prepare()` (as in Tornado).
   */
  get currentUser(): unknown {
    if (!this.#currentUserLoaded) {
      const user = this.getCurrentUser();
      if (isPromiseLike(user)) {
        throw new HandlerUsageError('getCurrentUser() returned a promise: look the user up in an async prepare() and set this.currentUser there');
      }
      this.#currentUser = user;
      this.#currentUserLoaded = true;
    }
    return this.#currentUser;
  }

  set currentUser(value: unknown) {
    this.#currentUser = value;
    this.#currentUserLoaded = true;
  }

  /** Override to find the user (e.g. from a signed cookie); must be synchronous (see `currentUser`). */
  getCurrentUser(): unknown | Promise<unknown> {
    return null;
  }

  /** Where `authenticated` sends anonymous users: the `loginUrl` setting. */
  getLoginUrl(): string {
    this.requireSetting('loginUrl', 'authenticated');
    return this.settings.loginUrl as string;
  }

  /** The directory of this handler's templates: the `templatePath` setting by default. */
  getTemplatePath(): string | undefined {
    return this.settings.templatePath;
  }

  /** The locale for this request: `getUserLocale()`, else the browser's. Settable. */
  get locale(): Locale {
    this.#locale ??= this.getUserLocale() ?? this.getBrowserLocale();
    return this.#locale;
  }

  set locale(value: Locale) {
    this.#locale = value;
  }

  /** Override to choose the locale from the user's preferences; null uses the browser's. */
  getUserLocale(): Locale | null {
    return null;
  }

  /** The best supported locale for the request's `Accept-Language`, else `defaultCode`. */
  getBrowserLocale(defaultCode = 'en_US'): Locale {
    const header = this.request.headers.get('Accept-Language');
    if (header !== undefined) {
      const codes = parseAcceptLanguage(header);
      if (codes.length > 0) return Locale.getClosest(...codes);
    }
    return Locale.get(defaultCode);
  }

  // --- Output -----------------------------------------------------------------------------------

  /**
   * Adds to the response body: text as UTF-8, bytes as is, a plain object as JSON (with an
   * `application/json` Content-Type). Arrays are refused, as in Tornado (old browsers let other
   * sites read top-level JSON arrays): wrap them in an object.
   * @throws {HandlerUsageError} after `finish()`, or for an array or other unsupported value.
   */
  write(chunk: ResponseChunk): void {
    if (this.#finished) throw new HandlerUsageError('Cannot write() after finish()');
    if (typeof chunk === 'string') {
      if (chunk.length > 0) this.#buffer.push(Buffer.from(chunk, 'utf8'));
    } else if (Buffer.isBuffer(chunk)) {
      if (chunk.length > 0) this.#buffer.push(chunk);
    } else if (typeof chunk === 'object' && chunk !== null && !Array.isArray(chunk) && !(chunk instanceof Uint8Array)) {
      this.#buffer.push(Buffer.from(jsonEncode(chunk), 'utf8'));
      this.setHeader('Content-Type', 'application/json; charset=UTF-8');
    } else {
      const what = Array.isArray(chunk) ? 'an array (wrap it in an object; top-level JSON arrays are refused for safety)' : typeof chunk;
      throw new HandlerUsageError(`write() accepts a string, a Buffer or an object, not ${what}`);
    }
  }

  /** Sends the headers (first time) and the buffered body now; the response goes out chunked if it has no Content-Length. */
  flush(): Promise<void> {
    return this.#flush(false);
  }

  #flush(finishing: boolean): Promise<void> {
    const connection = this.request.connection;
    if (connection === null) throw new HandlerUsageError('This request has no connection to write to');
    let chunk = this.#buffer.length === 0 ? EMPTY : this.#buffer.length === 1 ? this.#buffer[0] : Buffer.concat(this.#buffer);
    this.#buffer = [];
    let result: Promise<void>;
    if (!this.#headersWritten) {
      this.#headersWritten = true;
      for (const transform of this.#transforms) {
        [this.#status, chunk] = transform.transformFirstChunk(this.#status, this.#headers, chunk, finishing);
      }
      if (this.request.method === 'HEAD') chunk = EMPTY;
      if (this.#newCookies !== null) for (const cookie of this.#newCookies.values()) this.#headers.add('Set-Cookie', cookie);
      result = connection.writeHeaders({ version: '', code: this.#status, reason: this.#reason }, this.#headers, chunk.length > 0 ? chunk : undefined);
    } else {
      for (const transform of this.#transforms) chunk = transform.transformChunk(chunk, finishing);
      if (this.request.method === 'HEAD' || chunk.length === 0) return Promise.resolve();
      result = connection.write(chunk);
    }
    // Marked handled here: a caller that does not await still must not crash the process when the peer left.
    result.catch(swallow);
    return result;
  }

  /**
   * Ends the response (writing `chunk` first); adds Content-Length and, for a 200 GET/HEAD, an
   * ETag with 304 on a match. Resolves when the last bytes are handed to the socket.
   * @throws {HandlerUsageError} when called twice.
   */
  finish(chunk?: ResponseChunk): Promise<void> {
    if (this.#finished) throw new HandlerUsageError('finish() called twice');
    if (chunk !== undefined && chunk !== null) this.write(chunk);
    if (!this.#headersWritten) {
      const method = this.request.method;
      if (this.#status === 200 && (method === 'GET' || method === 'HEAD') && !this.#headers.has('Etag')) {
        this.setEtagHeader();
        if (this.checkEtagHeader()) {
          this.#buffer = [];
          this.setStatus(304);
        }
      }
      const status = this.#status;
      if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
        if (this.#buffer.length > 0) throw new HandlerUsageError(`Cannot send a body with a ${status} response`);
        for (const name of BODYLESS_REMOVED) this.#headers.delete(name);
      } else if (!this.#headers.has('Content-Length')) {
        let length = 0;
        for (const part of this.#buffer) length += part.length;
        this.#headers.set('Content-Length', String(length));
      }
    }
    const connection = this.request.connection;
    connection?.setCloseCallback(null);
    const written = this.#flush(true);
    this.#finished = true;
    let ended: void | Promise<void> = undefined;
    try {
      ended = connection?.finish();
    } finally {
      this.request.markFinished();
      this.application.logRequest(this);
      this.#runOnFinish();
    }
    const done = ended ? Promise.all([written, ended]).then(swallow) : written;
    done.catch(swallow);
    return done;
  }

  #runOnFinish(): void {
    try {
      this.onFinish();
    } catch (error) {
      appLog.error('Exception in onFinish() of %s', this.#requestSummary(), error);
    }
  }

  /** Renders template `templateName` (with UI module resources) and finishes the response with it. */
  render(templateName: string, namespace?: Record<string, unknown>): Promise<void> {
    if (this.#finished) throw new HandlerUsageError('Cannot render() after finish()');
    return this.finish(renderHandlerTemplate(this, templateName, namespace));
  }

  /** Renders template `templateName` to a string, with the handler's namespace. */
  renderString(templateName: string, namespace?: Record<string, unknown>): string {
    return renderHandlerString(this, templateName, namespace);
  }

  /** The names templates see (handler, request, currentUser, locale, _, staticUrl, xsrfFormHtml, reverseUrl...). Override to add. */
  getTemplateNamespace(): Record<string, unknown> {
    return buildTemplateNamespace(this);
  }

  /**
   * Redirects to `url` (absolute or relative) with 302, or 301 when `permanent`, or `status` (3xx), and finishes.
   * @throws {HandlerUsageError} after the headers were sent, for a status outside 300-399, or a URL with CR/LF.
   */
  redirect(url: string, permanent = false, status?: number): void {
    if (this.#headersWritten) throw new HandlerUsageError('Cannot redirect after headers have been written');
    const code = status ?? (permanent ? 301 : 302);
    if (!Number.isInteger(code) || code < 300 || code > 399) throw new HandlerUsageError(`Redirect status must be 3xx, not ${code}`);
    this.setStatus(code);
    this.setHeader('Location', url);
    void this.finish();
  }

  // --- Errors -----------------------------------------------------------------------------------

  /**
   * Replaces any unsent output with an error response made by `writeError`. After the headers
   * were sent nothing can be said: the response is ended (the connection closes).
   */
  sendError(statusCode = 500, details: ErrorDetails = {}): void {
    if (this.#headersWritten) {
      genLog.error('Cannot send error response after headers written');
      if (!this.#finished) {
        try {
          void this.finish();
        } catch (error) {
          genLog.error('Failed to flush partial response', error);
        }
      }
      return;
    }
    this.clear();
    let reason = details.reason;
    if (details.error instanceof HTTPError && details.error.reason) reason = details.error.reason;
    try {
      this.setStatus(statusCode, reason);
    } catch {
      // An unusable code or reason must not stop the error response itself.
      if (Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599) this.setStatus(statusCode, 'Unknown');
      else this.setStatus(500);
    }
    let pending: void | Promise<void> = undefined;
    try {
      if (statusCode !== 304) pending = this.writeError(statusCode, details);
    } catch (error) {
      appLog.error('Uncaught exception in writeError', error);
    }
    if (isPromiseLike(pending)) {
      Promise.resolve(pending).then(
        () => { if (!this.#finished) void this.finish(); },
        (error: unknown) => {
          appLog.error('Uncaught exception in writeError', error);
          if (!this.#finished) void this.finish();
        },
      );
    } else if (!this.#finished) {
      void this.finish();
    }
  }

  /**
   * Writes the error page; override for custom pages (may be async). With `serveTraceback` the
   * stack trace of `details.error` is sent as plain text.
   */
  writeError(statusCode: number, details: ErrorDetails = {}): void | Promise<void> {
    if (this.settings.serveTraceback && details.error !== undefined) {
      this.setHeader('Content-Type', 'text/plain; charset=UTF-8');
      void this.finish(tracebackText(details.error));
    } else {
      void this.finish(errorPageHtml(statusCode, this.#reason));
    }
  }

  // --- URLs -------------------------------------------------------------------------------------

  /** The versioned URL of a static file (`/static/app.js?v=...`); needs `staticPath`. */
  staticUrl(path: string, options: { includeHost?: boolean; includeVersion?: boolean } = {}): string {
    this.requireSetting('staticPath', 'staticUrl');
    const handlerClass = this.application.staticHandlerClass;
    const base = options.includeHost ? `${this.request.protocol}://${this.request.host}` : '';
    return base + handlerClass.makeStaticUrl(this.settings, path, options.includeVersion ?? true);
  }

  /** The path of the route named `name`, with `args` filled into its groups. */
  reverseUrl(name: string, ...args: unknown[]): string {
    return this.application.reverseUrl(name, ...args);
  }

  // --- ETags ------------------------------------------------------------------------------------

  /** The ETag of the buffered body (a SHA-1); override to use another, or return null for none. */
  computeEtag(): string | null {
    return etagOfChunks(this.#buffer);
  }

  /** Sets the `Etag` header from `computeEtag()`, if it gives one. */
  setEtagHeader(): void {
    const etag = this.computeEtag();
    if (etag !== null) this.setHeader('Etag', etag);
  }

  /** True when the request's `If-None-Match` names the response's `Etag` (then a 304 is due). */
  checkEtagHeader(): boolean {
    const ifNoneMatch = this.request.headers.get('If-None-Match');
    if (ifNoneMatch === undefined) return false;
    return etagMatches(this.#headers.get('Etag') ?? '', ifNoneMatch);
  }

  // --- Misc -------------------------------------------------------------------------------------

  /** Takes the connection's stream away (e.g. for WebSocket); the handler is finished, nothing is logged. */
  detach(): BaseIOStream {
    const connection = this.request.connection;
    if (connection === null) throw new HandlerUsageError('This request has no connection to detach');
    this.#finished = true;
    return connection.detach();
  }

  /** @throws {MissingSettingError} when setting `name` is unset, naming `feature` that needs it. */
  requireSetting(name: string, feature = 'this feature'): void {
    if (!this.settings[name]) {
      throw new MissingSettingError(`You must define the '${name}' setting in your application to use ${feature}`);
    }
  }

  /** `METHOD uri (remoteIp)`, as in log lines. */
  requestSummary(): string {
    return this.#requestSummary();
  }

  #requestSummary(): string {
    return `${this.request.method} ${this.request.uri} (${this.request.remoteIp ?? 'unknown'})`;
  }

  /** The connection closed early: fail a streamed body in progress, then tell `onConnectionClose()` once. */
  #notifyConnectionClose(): void {
    if (this.#closeNotified) return;
    this.#closeNotified = true;
    this.#bodyClosed?.();
    try {
      this.onConnectionClose();
    } catch (error) {
      appLog.error('Exception in onConnectionClose() of %s', this.#requestSummary(), error);
    }
  }

  #bodyClosed: (() => void) | null = null;

  /** Logs an error that reached the lifecycle (Tornado's `log_exception`); override to change. */
  logException(error: unknown): void {
    if (error instanceof HTTPError) {
      const message = error.formattedLogMessage;
      if (message !== null) genLog.warn('%d %s: %s', error.statusCode, this.#requestSummary(), message);
    } else {
      appLog.error('Uncaught exception %s\n%s', this.#requestSummary(), this.request.toString(), error);
    }
  }

  // --- The lifecycle ----------------------------------------------------------------------------

  async #execute(
    transforms: readonly OutputTransform[],
    rawArgs: readonly Buffer[],
    rawKwargs: Record<string, Buffer> | null,
    body: Promise<void> | null,
  ): Promise<void> {
    this.#transforms = transforms;
    try {
      const ctor = this.constructor as typeof RequestHandler;
      const method = this.request.method;
      if (!ctor.SUPPORTED_METHODS.includes(method)) throw new HTTPError(405);
      if (body === null && this.request.body.length > 0) {
        try {
          this.request.parseBody();
        } catch (error) {
          if (error instanceof HTTPInputError) throw new HTTPError(400, 'Invalid body: %s', error.message);
          throw error;
        }
      }
      this.pathArgs = rawArgs.map((arg) => (arg === undefined ? (undefined as unknown as string) : this.decodeArgument(arg)));
      if (rawKwargs !== null) {
        const kwargs: Record<string, string> = {};
        for (const name of Object.keys(rawKwargs)) {
          const raw = rawKwargs[name];
          kwargs[name] = raw === undefined ? (undefined as unknown as string) : this.decodeArgument(raw, name);
        }
        this.pathKwargs = kwargs;
      }
      if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && this.settings.xsrfCookies) this.checkXsrfCookie();

      const prepared = this.prepare();
      if (isPromiseLike(prepared)) await prepared;
      this.#prepared?.resolve();
      if (this.#finished) return;

      if (body !== null) {
        try {
          await body;
        } catch (error) {
          if (this.#closeNotified) return; // the client left mid-body
          throw error;
        }
      }
      const handlerMethod = (this as unknown as Record<string, HandlerMethod | undefined>)[method.toLowerCase()];
      if (typeof handlerMethod !== 'function') throw new HTTPError(405);
      const result = rawKwargs !== null ? handlerMethod.call(this, this.pathKwargs) : handlerMethod.apply(this, this.pathArgs);
      if (isPromiseLike(result)) await result;
      if (!this.#finished) await this.finish();
    } catch (error) {
      try {
        this.#handleRequestException(error);
      } catch (inner) {
        appLog.error('Exception in exception handler', inner);
      }
      this.#prepared?.resolve();
    }
  }

  #handleRequestException(error: unknown): void {
    if (error instanceof Finish) {
      if (!this.#finished) void this.finish(error.chunk);
      return;
    }
    try {
      this.logException(error);
    } catch (logError) {
      appLog.error('Error in exception logger', logError);
    }
    if (this.#finished) return;
    this.sendError(error instanceof HTTPError ? error.statusCode : 500, { error });
  }
}
