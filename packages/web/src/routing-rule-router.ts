// Rule-based routing (Tornado's tornado.routing): a Router finds the message delegate of a request;
// a RuleRouter tries its rules (matcher + target) in order; a ReversibleRuleRouter also builds URLs
// back from rule names. A target may be another router, any HTTPServerConnectionDelegate (an
// Application among them), a plain callback, or a list of rules (a nested router).

import type { HTTPConnection, HTTPMessageDelegate, HTTPServerConnectionDelegate, HTTPServerRequest } from '@tornado-ts/httputil';
import { appLog } from '@tornado-ts/ioloop';
import { RequestHandler, type HandlerKwargs } from './request-handler';
import {
  CallbackDelegate,
  ROUTE_BUILT_REQUEST,
  RoutingDelegate,
  type BuiltRequestRouter,
  type RouteCallback,
  type TargetParams,
} from './routing-delegates';
import { isMatcher, type Matcher, type RouteMatch } from './routing-matchers';
import { PathMatches } from './routing-path-matches';

/** A handler class as routes name it. */
export type HandlerClass = typeof RequestHandler;

/** What a rule may send requests to. Handler classes are served by an Application's routers only. */
export type RuleTarget = HandlerClass | Router | HTTPServerConnectionDelegate | RouteCallback | readonly RuleSpec[];

/** A rule as routers accept it: a Rule, or `[pattern or matcher, target, targetKwargs?, name?]`. */
export type RuleSpec =
  | Rule
  | readonly [string | RegExp | Matcher, RuleTarget]
  | readonly [string | RegExp | Matcher, RuleTarget, HandlerKwargs | undefined]
  | readonly [string | RegExp | Matcher, RuleTarget, HandlerKwargs | undefined, string];

/**
 * Finds the message delegate of each request (Tornado's `Router`). Subclasses implement
 * `findHandler`; the router is an `HTTPServerConnectionDelegate`, so `new HTTPServer(router)` serves it.
 */
export abstract class Router implements HTTPServerConnectionDelegate {
  /** The delegate that will handle `request`, or null when this router has none for it. */
  abstract findHandler(request: HTTPServerRequest, params?: TargetParams): HTTPMessageDelegate | null;

  /** Builds the request when its headers arrive and hands it to `findHandler`'s delegate (404 when none). */
  startRequest(serverConn: object, requestConn: HTTPConnection): HTTPMessageDelegate {
    return new RoutingDelegate(this, serverConn, requestConn);
  }

  onClose(_serverConn: object): void {}
}

/** A router that can also build a URL from a rule name (Tornado's `ReversibleRouter`). */
export abstract class ReversibleRouter extends Router {
  /** The URL of the rule named `name` with `args` filled in, or null when this router has no such rule. */
  abstract reverseUrl(name: string, ...args: unknown[]): string | null;
}

/** A router that can build URLs: a ReversibleRouter, or a RuleRouter subclass with `reverseUrl`. */
function asReversible(target: unknown): ReversibleRouter | null {
  if (target instanceof Router && typeof (target as ReversibleRouter).reverseUrl === 'function') return target as ReversibleRouter;
  // An Application reverses through its own router (its reverseUrl throws for unknown names).
  const inner = (target as { defaultRouter?: unknown } | null)?.defaultRouter;
  return inner !== undefined && inner !== target ? asReversible(inner) : null;
}

/** True for RequestHandler and its subclasses. */
export function isHandlerClass(value: unknown): value is HandlerClass {
  return typeof value === 'function' && (value === RequestHandler || value.prototype instanceof RequestHandler);
}

function isClass(value: (...args: never[]) => unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** @throws {TypeError} for a target no router can serve. */
export function checkTarget(target: unknown, where: string): void {
  if (Array.isArray(target) || target instanceof Router) return;
  if (typeof target === 'function') {
    if (isHandlerClass(target) || !isClass(target as () => unknown)) return;
    throw new TypeError(`${where}: a class target must extend RequestHandler (got ${(target as { name: string }).name})`);
  }
  if (typeof target === 'object' && target !== null && typeof (target as HTTPServerConnectionDelegate).startRequest === 'function') return;
  throw new TypeError(`${where}: the target must be a RequestHandler class, a Router, an HTTPServerConnectionDelegate, a function or a list of rules`);
}

/**
 * One routing rule (Tornado's `Rule`): a matcher, the target it sends matching requests to, the
 * kwargs for the target (a handler's `initialize`), and an optional name for `reverseUrl`.
 */
export class Rule {
  readonly matcher: Matcher;
  readonly target: RuleTarget;
  readonly targetKwargs: HandlerKwargs;
  readonly name: string | null;

  /** @throws {TypeError} for a matcher without `match` or a target no router can serve. */
  constructor(matcher: Matcher, target: RuleTarget, targetKwargs: HandlerKwargs = {}, name: string | null = null) {
    if (!isMatcher(matcher)) throw new TypeError('A rule needs a matcher (an object with match(request))');
    checkTarget(target, `Rule ${name ?? String(matcher.constructor?.name ?? 'matcher')}`);
    this.matcher = matcher;
    this.target = target;
    this.targetKwargs = targetKwargs;
    this.name = name;
  }

  /** The URL for `args` by the matcher, or null when the matcher cannot build one. */
  reverse(...args: unknown[]): string | null {
    return this.matcher.reverse?.(...args) ?? null;
  }
}

/** Normalizes a rule spec: a string or RegExp first element becomes a `PathMatches`. */
export function toRule(spec: RuleSpec): Rule {
  if (spec instanceof Rule) return spec;
  if (!Array.isArray(spec) || spec.length < 2 || spec.length > 4) {
    throw new TypeError('A rule is a Rule, url(...), or [pattern, target], [pattern, target, kwargs], [pattern, target, kwargs, name]');
  }
  const [first, target, kwargs, name] = spec as [string | RegExp | Matcher, RuleTarget, HandlerKwargs | undefined, string | undefined];
  const matcher = typeof first === 'string' || first instanceof RegExp ? new PathMatches(first) : first;
  if (!isMatcher(matcher)) throw new TypeError('A rule starts with a path pattern (string or RegExp) or a matcher');
  return new Rule(matcher, target, kwargs ?? {}, name ?? null);
}

/** The params handed to a target for `match`. */
export function targetParams(match: RouteMatch, targetKwargs: HandlerKwargs): TargetParams {
  return { pathArgs: match.args, pathKwargs: match.kwargs, targetKwargs };
}

/**
 * Tries its rules in order (Tornado's `RuleRouter`): the first rule whose matcher matches and
 * whose target yields a delegate wins; a target that yields none (a nested router without a
 * match) lets the search go on. Lists of rules as targets become nested routers.
 */
export class RuleRouter extends Router {
  readonly #rules: Rule[] = [];

  constructor(rules: readonly RuleSpec[] = []) {
    super();
    if (rules.length > 0) this.addRules(rules);
  }

  /** The rules, in the order they are tried. */
  get rules(): readonly Rule[] {
    return this.#rules;
  }

  /**
   * Adds rules at the end (or before position `index`).
   * @throws {TypeError} for a malformed rule.
   */
  addRules(rules: readonly RuleSpec[], index: number = this.#rules.length): void {
    // One at a time, so a rule sees the ones added before it (duplicate names are warned about).
    let at = index;
    for (const spec of rules) this.#rules.splice(at++, 0, this.processRule(toRule(spec)));
  }

  /** Hook called for each rule as it is added; returns the rule to keep (lists of rules become nested routers here). */
  protected processRule(rule: Rule): Rule {
    if (isHandlerClass(rule.target) && !this.servesHandlerClasses()) {
      throw new TypeError(`${rule.target.name}: RequestHandler classes are routed by an Application (or its routers), not a plain RuleRouter`);
    }
    if (Array.isArray(rule.target)) return new Rule(rule.matcher, this.createNestedRouter(rule.target as readonly RuleSpec[]), rule.targetKwargs, rule.name);
    return rule;
  }

  /** Whether RequestHandler classes may be targets (only an Application's routers can serve them). */
  protected servesHandlerClasses(): boolean {
    return false;
  }

  /** The router a list of rules becomes when it is a rule's target. */
  protected createNestedRouter(rules: readonly RuleSpec[]): Router {
    return new RuleRouter(rules);
  }

  findHandler(request: HTTPServerRequest, _params?: TargetParams): HTTPMessageDelegate | null {
    for (const rule of this.#rules) {
      const match = rule.matcher.match(request);
      if (match === null) continue;
      const delegate = this.getTargetDelegate(rule.target, request, targetParams(match, rule.targetKwargs));
      if (delegate !== null) return delegate;
    }
    return null;
  }

  /**
   * The delegate of `target` for `request` (Tornado's `get_target_delegate`); null when the target
   * has none. A router, or an Application, routes this very request; another server delegate
   * starts a request of its own on the connection.
   */
  protected getTargetDelegate(target: RuleTarget, request: HTTPServerRequest, params: TargetParams): HTTPMessageDelegate | null {
    if (target instanceof Router) return target.findHandler(request, params);
    if (typeof target === 'object') {
      const delegate = target as Partial<BuiltRequestRouter & HTTPServerConnectionDelegate>;
      if (typeof delegate[ROUTE_BUILT_REQUEST] === 'function') return delegate[ROUTE_BUILT_REQUEST](request);
      if (typeof delegate.startRequest === 'function') return delegate.startRequest(request.serverConnection as object, request.connection as HTTPConnection);
    }
    if (typeof target === 'function' && !isHandlerClass(target)) return new CallbackDelegate(target as RouteCallback, request, params);
    return null;
  }
}

/**
 * A RuleRouter that also builds URLs from rule names (Tornado's `ReversibleRuleRouter`): its own
 * named rules first (the last of a duplicated name wins, with a warning), then nested routers in order.
 */
export class ReversibleRuleRouter extends RuleRouter implements ReversibleRouter {
  protected override processRule(rule: Rule): Rule {
    const processed = super.processRule(rule);
    if (processed.name !== null && this.rules.some((existing) => existing.name === processed.name)) {
      appLog.warn('Multiple handlers named %s; replacing previous value', processed.name);
    }
    return processed;
  }

  protected override createNestedRouter(rules: readonly RuleSpec[]): Router {
    return new ReversibleRuleRouter(rules);
  }

  /**
   * The URL of the rule named `name`, or null when no rule here or in a nested router has it.
   * @throws {ReverseUrlError} when the named rule's pattern cannot take `args`.
   */
  reverseUrl(name: string, ...args: unknown[]): string | null {
    const rules = this.rules;
    for (let i = rules.length - 1; i >= 0; i--) {
      if (rules[i].name === name) return rules[i].reverse(...args);
    }
    for (const rule of rules) {
      const nested = asReversible(rule.target);
      const url = nested === null ? null : nested.reverseUrl(name, ...args);
      if (url !== null) return url;
    }
    return null;
  }
}
