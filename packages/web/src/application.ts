import type { HTTPConnection, HTTPMessageDelegate, HTTPServerConnectionDelegate, HTTPServerRequest } from '@tornado-ts/httputil';
import { HTTPServer, type HTTPServerOptions } from '@tornado-ts/httpserver';
import { accessLog } from '@tornado-ts/ioloop';
import { ApplicationRouter, HandlerTarget, type HandlerRoute, type RoutingState } from './application-router';
import { startAutoreload } from './autoreload';
import { ErrorHandler } from './error-handler';
import { ReverseUrlError } from './errors';
import { HandlerDelegate } from './handler-delegate';
import { GZipContentEncoding, type OutputTransformClass } from './output-transform';
import type { HandlerKwargs, RequestHandler } from './request-handler';
import type { HandlerClass, RouteSpec } from './routing';
import { ROUTE_BUILT_REQUEST, RoutingDelegate, type DelegateFinder } from './routing-delegates';
import { AnyMatches, DefaultHostMatches, HostMatches, NO_GROUPS } from './routing-matchers';
import { Rule } from './routing-rule-router';
import { parseSettings, type ApplicationSettings, type ApplicationSettingsInput, type UIMethod } from './settings';
import { StaticFileHandler } from './static-file-handler';
import { loadUIMethods, loadUIModules } from './template-ui-registry';
import type { UIModuleClass } from './ui-module';

export type { HandlerRoute } from './application-router';

const NOT_FOUND = new HandlerTarget(ErrorHandler, Object.freeze({ statusCode: 404 }), NO_GROUPS);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A web application (Tornado's `Application`): routes each request to a handler class by path
 * (and by host, with `addHandlers`), or to any other rule target (a nested application or router,
 * a server delegate, a callback). It is an `HTTPServerConnectionDelegate`, so
 * `new HTTPServer(app)` serves it; `listen()` does that in one call.
 */
export class Application implements HTTPServerConnectionDelegate {
  /** The validated settings (defaults filled), plus the application's own keys as given. */
  readonly settings: ApplicationSettings;
  /** UI modules by name: the built-ins, then the `uiModules` setting's UIModule classes. */
  uiModules: Record<string, UIModuleClass>;
  /** UI methods by name, from the `uiMethods` setting (names starting with `_` or a capital are skipped). */
  uiMethods: Record<string, UIMethod>;
  /** Output transform classes applied to every response (gzip first when `compressResponse`). */
  readonly transforms: readonly OutputTransformClass[];
  /** The routes for any host (the constructor's, after the static-file routes), tried after the virtual hosts. */
  readonly wildcardRouter: ApplicationRouter;
  /** The top router: one rule per virtual host (in the order added), then `wildcardRouter`. */
  readonly defaultRouter: ApplicationRouter;
  readonly #routing: RoutingState = { handlersOnly: true };
  readonly #dispatcher: DelegateFinder;

  /**
   * @param handlers routes tried in order for any host.
   * @throws {SettingsError} for invalid settings.
   * @throws {TypeError} for a malformed route.
   */
  constructor(handlers: readonly RouteSpec[] = [], settings: ApplicationSettingsInput = {}) {
    this.settings = parseSettings(settings);
    const transforms: OutputTransformClass[] = [];
    if (this.settings.compressResponse) transforms.push(GZipContentEncoding);
    if (this.settings.transforms !== undefined) transforms.push(...this.settings.transforms);
    this.transforms = transforms;
    this.uiModules = loadUIModules(this.settings.uiModules);
    this.uiMethods = loadUIMethods(this.settings.uiMethods);

    const routes: RouteSpec[] = [...handlers];
    const staticPath = this.settings.staticPath;
    if (staticPath) {
      const kwargs = { ...this.settings.staticHandlerArgs, path: staticPath };
      const handlerClass = this.staticHandlerClass;
      const patterns = [`${escapeRegExp(this.settings.staticUrlPrefix)}(.*)`, '/(favicon\\.ico)', '/(robots\\.txt)'];
      routes.unshift(...patterns.map((pattern): RouteSpec => [pattern, handlerClass, kwargs]));
    }
    this.wildcardRouter = new ApplicationRouter(this, routes, this.#routing);
    this.defaultRouter = new ApplicationRouter(this, [new Rule(new AnyMatches(), this.wildcardRouter)], this.#routing);
    this.#dispatcher = { findHandler: (request) => this.#findDelegate(request) };
    if (this.settings.autoreload) startAutoreload();
  }

  /**
   * The host whose virtual-host routes serve requests for unknown hosts: the `defaultHost` setting,
   * read per request, so it may change while serving (Tornado's `default_host`).
   */
  get defaultHost(): string | undefined {
    return this.settings.defaultHost;
  }

  set defaultHost(host: string | undefined) {
    this.settings.defaultHost = host;
  }

  /** The class that serves static files: the `staticHandlerClass` setting, else StaticFileHandler. */
  get staticHandlerClass(): typeof StaticFileHandler {
    return (this.settings.staticHandlerClass as typeof StaticFileHandler | undefined) ?? StaticFileHandler;
  }

  /**
   * Adds routes for requests whose host name matches `hostPattern` (anchored at both ends);
   * virtual hosts are tried in the order added, before the constructor's routes. Requests for a
   * host no virtual host matches use the routes of the one matching `defaultHost`, if any.
   * @throws {TypeError} for a malformed route.
   */
  addHandlers(hostPattern: string | RegExp, handlers: readonly RouteSpec[]): void {
    const hostMatcher = new HostMatches(hostPattern);
    const router = new ApplicationRouter(this, handlers, this.#routing);
    this.defaultRouter.addRules([new Rule(hostMatcher, router)], this.defaultRouter.rules.length - 1);
    this.wildcardRouter.addRules([new Rule(new DefaultHostMatches(this, hostMatcher.hostPattern), router)]);
  }

  /**
   * The handler route of `request`: the first matching rule with a handler-class target (virtual
   * hosts first, then the constructor's routes, then the `defaultHost` routes), else
   * `defaultHandlerClass`, else a 404. Rules with other targets are not considered here; the
   * delegate from `startRequest` serves them.
   */
  findHandler(request: HTTPServerRequest): HandlerRoute {
    return (this.defaultRouter.findRoute(request, true) as HandlerTarget | null) ?? this.#defaultRoute();
  }

  /**
   * The message delegate that runs `handlerClass` for `request` (Tornado's `get_handler_delegate`),
   * for custom routers: `pathArgs` (or `pathKwargs`, when it has keys) are passed to the method.
   * @throws {TypeError} for a request without a connection.
   */
  getHandlerDelegate(
    request: HTTPServerRequest,
    handlerClass: HandlerClass,
    kwargs: HandlerKwargs = {},
    pathArgs: readonly Buffer[] = [],
    pathKwargs: Readonly<Record<string, Buffer>> | null = null,
  ): HTTPMessageDelegate {
    const named = pathKwargs !== null && Object.keys(pathKwargs).length > 0;
    const match = named ? { args: [], kwargs: { ...pathKwargs } } : { args: [...pathArgs], kwargs: null };
    return HandlerDelegate.forRoute(this, request, new HandlerTarget(handlerClass, kwargs, match));
  }

  /**
   * The path of the route named `name` with `args` in its groups (virtual hosts searched first,
   * then nested routers in order).
   * @throws {ReverseUrlError} for an unknown name, a pattern too complex to reverse, or a wrong argument count.
   */
  reverseUrl(name: string, ...args: unknown[]): string {
    const url = this.defaultRouter.reverseUrl(name, ...args);
    if (url === null) throw new ReverseUrlError(`${name} not found in named urls`);
    return url;
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

  /**
   * HTTPServerConnectionDelegate: a new request on a connection gets its own delegate. While every
   * rule targets a handler class, that is the handler delegate itself (no routing wrapper).
   */
  startRequest(serverConn: object, requestConn: HTTPConnection): HTTPMessageDelegate {
    if (this.#routing.handlersOnly) return new HandlerDelegate(this, serverConn, requestConn);
    return new RoutingDelegate(this.#dispatcher, serverConn, requestConn);
  }

  /** HTTPServerConnectionDelegate: nothing is kept per connection. */
  onClose(_serverConn: object): void {}

  /**
   * The delegate of a request an outer router built and matched to this application (a rule
   * target): what `startRequest` would give, for this request rather than a new one.
   * @internal
   */
  [ROUTE_BUILT_REQUEST](request: HTTPServerRequest): HTTPMessageDelegate {
    if (this.#routing.handlersOnly) return HandlerDelegate.forRoute(this, request, this.findHandler(request));
    return this.#findDelegate(request);
  }

  /** Tornado's `Application.find_handler`: the delegate of any target, else the default handler's. */
  #findDelegate(request: HTTPServerRequest): HTTPMessageDelegate {
    return this.defaultRouter.findHandler(request) ?? HandlerDelegate.forRoute(this, request, this.#defaultRoute());
  }

  #defaultRoute(): HandlerRoute {
    const defaultClass = this.settings.defaultHandlerClass;
    if (defaultClass === undefined) return NOT_FOUND;
    return new HandlerTarget(defaultClass, this.settings.defaultHandlerArgs ?? {}, NO_GROUPS);
  }
}
