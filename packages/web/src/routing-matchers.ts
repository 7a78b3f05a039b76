// Matchers (Tornado's tornado.routing Matcher family): the first half of a rule, deciding from the
// request alone whether the rule applies and what it extracts for the target. Host patterns are
// compiled and anchored once, when the matcher is made.

import type { HTTPServerRequest } from '@tornado-ts/httputil';

/** What a matcher extracts for the rule's target: raw (percent-decoded) group bytes. */
export interface RouteMatch {
  /** Positional groups in order; an optional group that did not take part is `undefined`. */
  readonly args: Buffer[];
  /** Named groups, or null when the pattern has none (then `args` are used). */
  readonly kwargs: Record<string, Buffer> | null;
}

/**
 * The match of a matcher that extracts nothing. Shared and frozen, so matching allocates nothing;
 * routers recognise it by identity to reuse precomputed routes.
 */
export const NO_GROUPS: RouteMatch = Object.freeze({ args: Object.freeze([]) as unknown as Buffer[], kwargs: null });

/**
 * Decides whether a rule applies to a request (Tornado's `Matcher`): `match` returns what it
 * extracted (`NO_GROUPS` when nothing) or null; `reverse`, when present, builds a URL back from
 * arguments, or returns null when this matcher cannot.
 */
export interface Matcher {
  match(request: HTTPServerRequest): RouteMatch | null;
  reverse?(...args: unknown[]): string | null;
}

/** True for an object that can serve as a matcher (a RegExp is a path pattern, not a matcher). */
export function isMatcher(value: unknown): value is Matcher {
  return typeof value === 'object' && value !== null && !(value instanceof RegExp) && typeof (value as Matcher).match === 'function';
}

/** Python's `(?P<name>...)` is accepted in string patterns and written as JavaScript's `(?<name>...)`. */
export function toJavaScriptSource(pattern: string): string {
  return pattern.includes('(?P<') ? pattern.replace(/\(\?P</g, '(?<') : pattern;
}

/**
 * Anchors `pattern` at both ends (Tornado appends `$` and matches from the start; we anchor
 * RegExp patterns too, so a route never matches a mere prefix). `g` and `y` are dropped: they
 * would make `test`/`exec` stateful.
 */
export function anchoredRegExp(pattern: string | RegExp): RegExp {
  const source = typeof pattern === 'string' ? toJavaScriptSource(pattern) : pattern.source;
  const flags = typeof pattern === 'string' ? '' : pattern.flags.replace(/[gy]/g, '');
  return new RegExp(`^(?:${source})$`, flags);
}

/** Matches every request (Tornado's `AnyMatches`). */
export class AnyMatches implements Matcher {
  match(_request: HTTPServerRequest): RouteMatch {
    return NO_GROUPS;
  }

  reverse(): null {
    return null;
  }
}

/**
 * Matches requests whose host name (`request.hostName`: lower-cased, without the port) matches
 * `hostPattern` as a whole (Tornado's `HostMatches`).
 */
export class HostMatches implements Matcher {
  /** The anchored pattern. */
  readonly hostPattern: RegExp;

  constructor(hostPattern: string | RegExp) {
    this.hostPattern = anchoredRegExp(hostPattern);
  }

  match(request: HTTPServerRequest): RouteMatch | null {
    return this.hostPattern.test(request.hostName) ? NO_GROUPS : null;
  }

  reverse(): null {
    return null;
  }
}

/** What `DefaultHostMatches` reads its default host from (an `Application`). */
export interface DefaultHostSource {
  readonly defaultHost: string | undefined;
}

/**
 * Matches when `hostPattern` matches the application's `defaultHost` (read at match time) and the
 * request did not come through a proxy (no `X-Real-Ip`): Tornado's `DefaultHostMatches`, which
 * lets requests for unknown hosts use the default host's routes.
 */
export class DefaultHostMatches implements Matcher {
  readonly application: DefaultHostSource;
  readonly hostPattern: RegExp;

  constructor(application: DefaultHostSource, hostPattern: RegExp) {
    this.application = application;
    this.hostPattern = /[gy]/.test(hostPattern.flags) ? new RegExp(hostPattern.source, hostPattern.flags.replace(/[gy]/g, '')) : hostPattern;
  }

  match(request: HTTPServerRequest): RouteMatch | null {
    const defaultHost = this.application.defaultHost;
    if (defaultHost === undefined || request.headers.has('X-Real-Ip')) return null;
    return this.hostPattern.test(defaultHost) ? NO_GROUPS : null;
  }

  reverse(): null {
    return null;
  }
}
