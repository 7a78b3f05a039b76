import type { HTTPConnection, HTTPMessageDelegate, HTTPServerConnectionDelegate, HTTPServerRequest } from '@tornado-ts/httputil';
import { HTTPServer, type HTTPServerOptions } from '@tornado-ts/httpserver';
import { accessLog } from '@tornado-ts/ioloop';
import { startAutoreload } from './autoreload';
import { ErrorHandler } from './error-handler';
import { ReverseUrlError } from './errors';
import { HandlerDelegate } from './handler-delegate';
import { GZipContentEncoding, type OutputTransformClass } from './output-transform';
import type { HandlerKwargs, RequestHandler } from './request-handler';
import { anchoredRegExp, toURLSpec, type HandlerClass, type RouteMatch, type RouteSpec, type URLSpec } from './routing';
import { parseSettings, type ApplicationSettings, type ApplicationSettingsInput, type UIMethod } from './settings';
import { StaticFileHandler } from './static-file-handler';
import type { UIModule } from './ui-module';

/** Where a request goes: the handler class, its kwargs and the route's groups. */
export interface HandlerRoute {
  readonly handlerClass: HandlerClass;
  readonly kwargs: HandlerKwargs;
  readonly match: RouteMatch;
}

interface HostRoutes {
  readonly hostPattern: RegExp;
  readonly routes: URLSpec[];
}

const NO_GROUPS: RouteMatch = { args: [], kwargs: null };
const NOT_FOUND_KWARGS: HandlerKwargs = Object.freeze({ statusCode: 404 });

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mergeRecords<T>(value: Record<string, T> | Record<string, T>[] | undefined): Record<string, T> {
  if (value === undefined) return {};
  return Array.isArray(value) ? Object.assign({}, ...value) : { ...value };
}

/**
 * A web application (Tornado's `Application`): routes each request to a handler class by path
 * (and by host, with `addHandlers`). It is an `HTTPServerConnectionDelegate`, so
 * `new HTTPServer(app)` serves it; `listen()` does that in one call.
 */
export class Application implements HTTPServerConnectionDelegate {
  /** The validated settings (defaults filled), plus the application's own keys as given. */
  readonly settings: ApplicationSettings;
  /** UI modules by name, from the `uiModules` setting. */
  uiModules: Record<string, typeof UIModule>;
  /** UI methods by name, from the `uiMethods` setting. */
  uiMethods: Record<string, UIMethod>;
  /** Output transform classes applied to every response (gzip first when `compressResponse`). */
  readonly transforms: readonly OutputTransformClass[];
  /** Routes for any host, tried in order after the virtual hosts. */
  readonly #wildcardRoutes: URLSpec[];
  /** Virtual hosts, in the order added. */
  readonly #hosts: HostRoutes[] = [];

  /**
   * @param handlers routes tried in order for any host.
   * @throws {SettingsError} for invalid settings.
   */
  constructor(handlers: RouteSpec[] = [], settings: ApplicationSettingsInput = {}) {
    this.settings = parseSettings(settings);
    const transforms: OutputTransformClass[] = [];
    if (this.settings.compressResponse) transforms.push(GZipContentEncoding);
    if (this.settings.transforms !== undefined) transforms.push(...this.settings.transforms);
    this.transforms = transforms;
    this.uiModules = mergeRecords(this.settings.uiModules);
    this.uiMethods = mergeRecords(this.settings.uiMethods);

    const routes = handlers.map(toURLSpec);
    const staticPath = this.settings.staticPath;
    if (staticPath) {
      const kwargs = { ...this.settings.staticHandlerArgs, path: staticPath };
      const handlerClass = this.staticHandlerClass;
      const patterns = [`${escapeRegExp(this.settings.staticUrlPrefix)}(.*)`, '/(favicon\\.ico)', '/(robots\\.txt)'];
      routes.unshift(...patterns.map((pattern) => toURLSpec([pattern, handlerClass, kwargs])));
    }
    this.#wildcardRoutes = routes;
    if (this.settings.autoreload) startAutoreload();
  }

  /** The class that serves static files: the `staticHandlerClass` setting, else StaticFileHandler. */
  get staticHandlerClass(): typeof StaticFileHandler {
    return (this.settings.staticHandlerClass as typeof StaticFileHandler | undefined) ?? StaticFileHandler;
  }

  /**
   * Adds routes for requests whose host name matches `hostPattern` (anchored at both ends);
   * virtual hosts are tried in the order added, before the constructor's routes.
   */
  addHandlers(hostPattern: string | RegExp, handlers: RouteSpec[]): void {
    this.#hosts.push({ hostPattern: anchoredRegExp(hostPattern), routes: handlers.map(toURLSpec) });
  }

  /**
   * Where `request` goes: the first matching route of a matching virtual host, else of the
   * constructor's routes, else of a virtual host matching `defaultHost` (for requests that came
   * without a proxy's X-Real-Ip), else `defaultHandlerClass`, else a 404.
   */
  findHandler(request: HTTPServerRequest): HandlerRoute {
    const path = request.path;
    const hosts = this.#hosts;
    if (hosts.length > 0) {
      const hostName = request.hostName;
      for (const host of hosts) {
        if (!host.hostPattern.test(hostName)) continue;
        const found = firstMatch(host.routes, path);
        if (found !== null) return found;
      }
    }
    const found = firstMatch(this.#wildcardRoutes, path);
    if (found !== null) return found;
    const defaultHost = this.settings.defaultHost;
    if (defaultHost !== undefined && hosts.length > 0 && !request.headers.has('X-Real-Ip')) {
      for (const host of hosts) {
        if (!host.hostPattern.test(defaultHost)) continue;
        const fallback = firstMatch(host.routes, path);
        if (fallback !== null) return fallback;
      }
    }
    const defaultClass = this.settings.defaultHandlerClass;
    if (defaultClass !== undefined) {
      return { handlerClass: defaultClass, kwargs: this.settings.defaultHandlerArgs ?? {}, match: NO_GROUPS };
    }
    return { handlerClass: ErrorHandler, kwargs: NOT_FOUND_KWARGS, match: NO_GROUPS };
  }

  /**
   * The path of the route named `name` with `args` in its groups (virtual hosts searched first).
   * @throws {ReverseUrlError} for an unknown name, a pattern too complex to reverse, or a wrong argument count.
   */
  reverseUrl(name: string, ...args: unknown[]): string {
    for (const routes of [...this.#hosts.map((host) => host.routes), this.#wildcardRoutes]) {
      for (const route of routes) if (route.name === name) return route.reverse(...args);
    }
    throw new ReverseUrlError(`${name} not found in named urls`);
  }

  /** Starts an HTTPServer for this application on `port` (and `address`); resolves once listening. */
  async listen(port: number, address?: string, options?: HTTPServerOptions): Promise<HTTPServer> {
    const server = new HTTPServer(this, options);
    await server.listen(port, address);
    return server;
  }

  /**
   * Logs a finished request: the `logFunction` setting when given, else the access log as
   * `200 GET /path (127.0.0.1) 1.23ms` (info below 400, warn below 500, error above).
   */
  logRequest(handler: RequestHandler): void {
    const logFunction = this.settings.logFunction;
    if (logFunction !== undefined) {
      logFunction(handler);
      return;
    }
    const status = handler.getStatus();
    const level = status < 400 ? 'info' : status < 500 ? 'warn' : 'error';
    if (!accessLog.isEnabledFor(level)) return;
    accessLog[level]('%d %s %sms', status, handler.requestSummary(), handler.request.requestTime().toFixed(2));
  }

  /** HTTPServerConnectionDelegate: a new request on a connection gets its own delegate. */
  startRequest(serverConn: object, requestConn: HTTPConnection): HTTPMessageDelegate {
    return new HandlerDelegate(this, serverConn, requestConn);
  }

  /** HTTPServerConnectionDelegate: nothing is kept per connection. */
  onClose(_serverConn: object): void {}
}

function firstMatch(routes: readonly URLSpec[], path: string): HandlerRoute | null {
  for (const route of routes) {
    const match = route.match(path);
    if (match !== null) return { handlerClass: route.handlerClass, kwargs: route.kwargs, match };
  }
  return null;
}
