import { statusReason, type HTTPHeaders, type HTTPServerRequest } from '@tornado-ts/httputil';
import type { BaseIOStream } from '@tornado-ts/iostream';
import type { BaseLoader } from '@tornado-ts/template';
import type { Application } from './application';
import { formatSetCookie, type CookieOptions } from './cookie-header';
import { HandlerUsageError, MissingSettingError } from './errors';
import { etagMatches, etagOfChunks } from './etag';
import { argumentValues, decodeUtf8Argument, lastArgument } from './handler-arguments';
import { readSignedCookie, signedCookieKeyVersion, signValue, type GetSignedCookieOptions, type SignedCookieOptions } from './handler-cookies';
import { logHandlerException, sendErrorResponse, writeDefaultErrorPage } from './handler-errors';
import { finishResponse, flushOutput, writeChunk } from './handler-output';
import { HandlerState, isPromiseLike, resetOutput } from './handler-state';
import { checkHandlerXsrf, handlerXsrfFormHtml, handlerXsrfToken } from './handler-xsrf';
import { headerValueText, isSafeReason, type HeaderValue } from './header-values';
import { Locale, parseAcceptLanguage } from './locale';
import type { ApplicationSettings } from './settings';
import { createTemplateLoader } from './template-loaders';
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

/** The response and lifecycle state of a handler, for the package's own modules (handler-delegate.ts). */
export let handlerStateOf: (handler: RequestHandler) => HandlerState;

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

  readonly #state: HandlerState;
  #currentUser: unknown;
  #currentUserLoaded = false;
  #locale: Locale | null = null;

  static {
    handlerStateOf = (handler) => handler.#state;
  }

  /**
   * Made by the application for each request; `initialize(kwargs)` is called next (not from here,
   * so that subclass fields are in place when it runs).
   */
  constructor(application: Application, request: HTTPServerRequest, _kwargs?: HandlerKwargs) {
    this.application = application;
    this.request = request;
    this.#state = new HandlerState();
  }

  /** The application's settings. */
  get settings(): ApplicationSettings {
    return this.application.settings;
  }

  /** True once the response is finished (or the connection detached). */
  get finished(): boolean {
    return this.#state.finished;
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
    resetOutput(this.#state);
    this.setDefaultHeaders();
  }

  // --- Status and headers -----------------------------------------------------------------------

  /**
   * Sets the response status. A custom `reason` is needed for codes without a standard phrase.
   * @throws {HandlerUsageError} for a code outside 100-599, a reason with control characters, or an unknown code without reason.
   */
  setStatus(code: number, reason?: string): void {
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new HandlerUsageError(`Invalid HTTP status code ${code}`);
    const state = this.#state;
    if (reason === undefined) {
      const standard = statusReason(code);
      if (standard === 'Unknown') throw new HandlerUsageError(`Unknown HTTP status code ${code}: give a reason`);
      state.reason = standard;
    } else {
      if (/[\x00-\x08\x0a-\x1f\x7f]/.test(reason)) throw new HandlerUsageError(`Unsafe reason phrase ${JSON.stringify(reason)}`);
      state.reason = isSafeReason(reason) ? reason : 'Unknown';
    }
    state.status = code;
    state.pristine = false;
  }

  /** The response status code. */
  getStatus(): number {
    return this.#state.status;
  }

  /** Sets a response header, replacing earlier values. @throws {HandlerUsageError} for an unsafe value. */
  setHeader(name: string, value: HeaderValue): void {
    const state = this.#state;
    state.headers.set(name, headerValueText(name, value));
    state.pristine = false;
  }

  /** Adds a value to a (possibly multi-valued) response header. @throws {HandlerUsageError} for an unsafe value. */
  addHeader(name: string, value: HeaderValue): void {
    const state = this.#state;
    state.headers.add(name, headerValueText(name, value));
    state.pristine = false;
  }

  /** Removes a response header. */
  clearHeader(name: string): void {
    const state = this.#state;
    state.headers.delete(name);
    state.pristine = false;
  }

  /** The response headers so far (read-only use; set them through `setHeader`). */
  get responseHeaders(): HTTPHeaders {
    const state = this.#state;
    state.pristine = false; // the caller may change them
    return state.headers;
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
    return lastArgument(this.request.arguments, name, arguments.length > 1, defaultValue, strip, this);
  }

  /** Every value of query or body argument `name` (empty when absent). */
  getArguments(name: string, strip = true): string[] {
    return argumentValues(this.request.arguments, name, strip, this);
  }

  /** Like `getArgument`, from the query string only. */
  getQueryArgument(name: string): string;
  getQueryArgument(name: string, defaultValue: string, strip?: boolean): string;
  getQueryArgument(name: string, defaultValue: string | null | undefined, strip?: boolean): string | null;
  getQueryArgument(name: string, defaultValue?: string | null, strip = true): string | null {
    return lastArgument(this.request.queryArguments, name, arguments.length > 1, defaultValue, strip, this);
  }

  /** Like `getArguments`, from the query string only. */
  getQueryArguments(name: string, strip = true): string[] {
    return argumentValues(this.request.queryArguments, name, strip, this);
  }

  /** Like `getArgument`, from the body only. */
  getBodyArgument(name: string): string;
  getBodyArgument(name: string, defaultValue: string, strip?: boolean): string;
  getBodyArgument(name: string, defaultValue: string | null | undefined, strip?: boolean): string | null;
  getBodyArgument(name: string, defaultValue?: string | null, strip = true): string | null {
    return lastArgument(this.request.bodyArguments, name, arguments.length > 1, defaultValue, strip, this);
  }

  /** Like `getArguments`, from the body only. */
  getBodyArguments(name: string, strip = true): string[] {
    return argumentValues(this.request.bodyArguments, name, strip, this);
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
    (this.#state.newCookies ??= new Map()).set(name, formatSetCookie(name, value, options));
  }

  /**
   * The `Set-Cookie` header values waiting to go out with the response headers: one per cookie set
   * so far (`setCookie`, `clearCookie`, `setSignedCookie`, the XSRF cookie), in the order first set,
   * byte for byte what `flush()` / `finish()` send. Empty once the headers were sent. For code that
   * writes a response head itself (WebSocketHandler's 101 answer); a new array, so changing it
   * changes nothing.
   */
  pendingSetCookies(): string[] {
    const state = this.#state;
    const cookies = state.newCookies;
    return cookies === null || state.headersWritten ? [] : [...cookies.values()];
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

  /** A new template loader for `templatePath` (made once per application and path); override to use another loader. */
  createTemplateLoader(templatePath: string | undefined): BaseLoader {
    return createTemplateLoader(this, templatePath);
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
    writeChunk(this.#state, chunk);
  }

  /** Sends the headers (first time) and the buffered body now; the response goes out chunked if it has no Content-Length. */
  flush(): Promise<void> {
    return flushOutput(this, this.#state);
  }

  /**
   * Ends the response (writing `chunk` first); adds Content-Length and, for a 200 GET/HEAD, an
   * ETag with 304 on a match. Resolves when the last bytes are handed to the socket.
   * @throws {HandlerUsageError} when called twice.
   */
  finish(chunk?: ResponseChunk): Promise<void> {
    return finishResponse(this, this.#state, chunk);
  }

  /** Renders template `templateName` (with UI module resources) and finishes the response with it. */
  render(templateName: string, namespace?: Record<string, unknown>): Promise<void> {
    if (this.#state.finished) throw new HandlerUsageError('Cannot render() after finish()');
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
    if (this.#state.headersWritten) throw new HandlerUsageError('Cannot redirect after headers have been written');
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
    sendErrorResponse(this, this.#state, statusCode, details);
  }

  /**
   * Writes the error page; override for custom pages (may be async). With `serveTraceback` the
   * stack trace of `details.error` is sent as plain text.
   */
  writeError(statusCode: number, details: ErrorDetails = {}): void | Promise<void> {
    writeDefaultErrorPage(this, this.#state, statusCode, details);
  }

  /** Logs an error that reached the lifecycle (Tornado's `log_exception`); override to change. */
  logException(error: unknown): void {
    logHandlerException(this, error);
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
    return etagOfChunks(this.#state.buffer);
  }

  /** Sets the `Etag` header from `computeEtag()`, if it gives one. */
  setEtagHeader(): void {
    if (this.computeEtag === defaultComputeEtag) {
      // Our own quoted hex digest needs none of setHeader's checks on what it would send.
      const state = this.#state;
      state.headers.setGeneratedValue('Etag', etagOfChunks(state.buffer));
      state.pristine = false;
      return;
    }
    const etag = this.computeEtag();
    if (etag !== null) this.setHeader('Etag', etag);
  }

  /** True when the request's `If-None-Match` names the response's `Etag` (then a 304 is due). */
  checkEtagHeader(): boolean {
    const ifNoneMatch = this.request.headers.get('If-None-Match');
    if (ifNoneMatch === undefined) return false;
    return etagMatches(this.#state.headers.get('Etag') ?? '', ifNoneMatch);
  }

  // --- Misc -------------------------------------------------------------------------------------

  /** Takes the connection's stream away (e.g. for WebSocket); the handler is finished, nothing is logged. */
  detach(): BaseIOStream {
    const connection = this.request.connection;
    if (connection === null) throw new HandlerUsageError('This request has no connection to detach');
    this.#state.finished = true;
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
    const request = this.request;
    return `${request.method} ${request.uri} (${request.remoteIp ?? 'unknown'})`;
  }
}

const defaultComputeEtag = RequestHandler.prototype.computeEtag;
