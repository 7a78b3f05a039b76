// URL specs: Tornado's URLSpec (a Rule whose matcher is a PathMatches) and url(), the route forms
// Application's handler list accepts. The routing machinery itself lives in routing-matchers.ts,
// routing-path-matches.ts, routing-rule-router.ts and routing-delegates.ts.

import type { HandlerKwargs } from './request-handler';
import type { RouteMatch } from './routing-matchers';
import { PathMatches } from './routing-path-matches';
import { Rule, type HandlerClass, type RuleSpec } from './routing-rule-router';

export type { HandlerClass } from './routing-rule-router';
export type { RouteMatch } from './routing-matchers';

/** One route: a whole-path pattern, its handler class, the kwargs for `initialize()`, and an optional name. */
export class URLSpec extends Rule {
  /** The anchored pattern. */
  readonly regex: RegExp;
  readonly handlerClass: HandlerClass;
  /** The kwargs for `initialize()` (the rule's `targetKwargs`). */
  readonly kwargs: HandlerKwargs;
  /** How many capturing groups the pattern has. */
  readonly groupCount: number;
  readonly #path: PathMatches;

  /** @throws {TypeError} when `handlerClass` is not a RequestHandler class or the pattern mixes named and positional groups. */
  constructor(pattern: string | RegExp, handlerClass: HandlerClass, kwargs: HandlerKwargs = {}, name: string | null = null) {
    if (typeof handlerClass !== 'function') throw new TypeError(`Route ${String(pattern)}: the handler must be a RequestHandler class`);
    const matcher = new PathMatches(pattern);
    super(matcher, handlerClass, kwargs, name);
    this.#path = matcher;
    this.regex = matcher.regex;
    this.handlerClass = handlerClass;
    this.kwargs = kwargs;
    this.groupCount = matcher.groupCount;
  }

  /** The groups of `path` (the raw request path) when this route matches it, else null. */
  match(path: string): RouteMatch | null {
    return this.#path.matchPath(path);
  }

  /**
   * The path for `args` (URL-escaped, `+` escaped, `/` kept), one per group.
   * @throws {ReverseUrlError} when the pattern cannot be reversed or the count differs.
   */
  override reverse(...args: unknown[]): string {
    return this.#path.reverse(...args);
  }
}

/**
 * A route as `Application` accepts it: `[pattern, Handler]`, `[pattern, Handler, kwargs]`,
 * `[pattern, Handler, kwargs, name]`, `url(...)`, or any rule (a matcher first, a nested list of
 * routes, a Router, an HTTPServerConnectionDelegate or a callback as the target).
 */
export type RouteSpec = RuleSpec;

/** Builds a route with kwargs and a name: `url('/user/(.*)', Profile, { kwargs: { db }, name: 'profile' })`. */
export function url(pattern: string | RegExp, handlerClass: HandlerClass, options: { kwargs?: HandlerKwargs; name?: string } = {}): URLSpec {
  return new URLSpec(pattern, handlerClass, options.kwargs ?? {}, options.name ?? null);
}
