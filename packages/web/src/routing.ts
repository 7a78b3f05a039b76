// Routes: whole-path patterns matched in order, their groups URL-decoded for the handler, and the
// reverse direction (a route name plus values -> a path) for reverseUrl.

import { urlEscape, urlUnescape } from '@tornado-ts/escape';
import { ReverseUrlError } from './errors';
import type { HandlerKwargs, RequestHandler } from './request-handler';

/** A handler class as routes name it. */
export type HandlerClass = typeof RequestHandler;

/** What a matching route hands to the handler: raw (percent-decoded) group bytes. */
export interface RouteMatch {
  /** Positional groups in order; an optional group that did not take part is `undefined`. */
  readonly args: Buffer[];
  /** Named groups, or null when the pattern has none (then `args` are used). */
  readonly kwargs: Record<string, Buffer> | null;
}

/** Python's `(?P<name>...)` is accepted in string patterns and written as JavaScript's `(?<name>...)`. */
function toJavaScriptSource(pattern: string): string {
  return pattern.replace(/\(\?P</g, '(?<');
}

/** Anchors `pattern` at both ends (Tornado appends `$` and matches from the start). */
export function anchoredRegExp(pattern: string | RegExp): RegExp {
  const source = typeof pattern === 'string' ? toJavaScriptSource(pattern) : pattern.source;
  const flags = typeof pattern === 'string' ? '' : pattern.flags.replace(/[gy]/g, '');
  return new RegExp(`^(?:${source})$`, flags);
}

function capturingGroupCount(regex: RegExp): number {
  return (new RegExp(`${regex.source}|`, regex.flags).exec('') as RegExpExecArray).length - 1;
}

/** Removes regex escapes from a literal fragment; null if it holds a class escape (`\d`) or a metacharacter. */
function literalOf(fragment: string): string | null {
  let text = '';
  for (let i = 0; i < fragment.length; i++) {
    const ch = fragment[i];
    if (ch === '\\') {
      const next = fragment[++i];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return null;
      text += next;
    } else if ('.*+?[]{}|^$'.includes(ch)) {
      return null;
    } else {
      text += ch;
    }
  }
  return text;
}

/**
 * The literal pieces between the groups of a simple pattern (`/post/(\d+)/(.*)` ->
 * `['/post/', '/', '']`), or null when the pattern is too complex to reverse.
 */
function reverseTemplate(pattern: string | RegExp, groupCount: number): string[] | null {
  let source = typeof pattern === 'string' ? toJavaScriptSource(pattern) : pattern.source;
  if (source.startsWith('^')) source = source.slice(1);
  if (source.endsWith('$') && !source.endsWith('\\$')) source = source.slice(0, -1);
  const fragments = source.split('(');
  if (fragments.length - 1 !== groupCount) return null;
  const pieces: string[] = [];
  for (let i = 0; i < fragments.length; i++) {
    const fragment = fragments[i];
    // Each fragment after the first opens a group: its literal tail starts after the closing paren.
    const tail = i === 0 ? fragment : fragment.includes(')') ? fragment.slice(fragment.indexOf(')') + 1) : null;
    if (tail === null) return null;
    const literal = literalOf(tail);
    if (literal === null) return null;
    pieces.push(literal);
  }
  return pieces;
}

/** One route: a whole-path pattern, its handler class, the kwargs for `initialize()`, and an optional name. */
export class URLSpec {
  readonly regex: RegExp;
  readonly handlerClass: HandlerClass;
  readonly kwargs: HandlerKwargs;
  readonly name: string | null;
  readonly groupCount: number;
  readonly #reverse: string[] | null;

  constructor(pattern: string | RegExp, handlerClass: HandlerClass, kwargs: HandlerKwargs = {}, name: string | null = null) {
    if (typeof handlerClass !== 'function') throw new TypeError(`Route ${String(pattern)}: the handler must be a RequestHandler class`);
    this.regex = anchoredRegExp(pattern);
    this.handlerClass = handlerClass;
    this.kwargs = kwargs;
    this.name = name;
    this.groupCount = capturingGroupCount(this.regex);
    this.#reverse = reverseTemplate(pattern, this.groupCount);
  }

  /** The groups of `path` (the raw request path) when this route matches it, else null. */
  match(path: string): RouteMatch | null {
    const found = this.regex.exec(path);
    if (found === null) return null;
    if (found.groups !== undefined) {
      const kwargs: Record<string, Buffer> = {};
      for (const name of Object.keys(found.groups)) kwargs[name] = unquoteGroup(found.groups[name]) as Buffer;
      return { args: [], kwargs };
    }
    const args: Buffer[] = new Array(found.length - 1);
    for (let i = 1; i < found.length; i++) args[i - 1] = unquoteGroup(found[i]) as Buffer;
    return { args, kwargs: null };
  }

  /**
   * The path for `args` (URL-escaped, `+` kept as is), one per group.
   * @throws {ReverseUrlError} when the pattern cannot be reversed or the count differs.
   */
  reverse(...args: unknown[]): string {
    const pieces = this.#reverse;
    if (pieces === null) throw new ReverseUrlError(`Cannot reverse the pattern ${this.regex.source}`);
    if (args.length !== this.groupCount) {
      throw new ReverseUrlError(`Route ${this.name ?? this.regex.source} needs ${this.groupCount} arguments, got ${args.length}`);
    }
    let path = pieces[0];
    for (let i = 0; i < args.length; i++) {
      const value = args[i];
      const text = Buffer.isBuffer(value) ? value : String(value);
      path += urlEscape(text, { plus: false }) + pieces[i + 1];
    }
    return path;
  }
}

function unquoteGroup(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  return value.includes('%') ? urlUnescape(value, { encoding: null, plus: false }) : Buffer.from(value, 'latin1');
}

/** A route as `Application` accepts it. */
export type RouteSpec =
  | URLSpec
  | readonly [string | RegExp, HandlerClass]
  | readonly [string | RegExp, HandlerClass, HandlerKwargs | undefined]
  | readonly [string | RegExp, HandlerClass, HandlerKwargs | undefined, string];

/** Builds a route with kwargs and a name: `url('/user/(.*)', Profile, { kwargs: { db }, name: 'profile' })`. */
export function url(pattern: string | RegExp, handlerClass: HandlerClass, options: { kwargs?: HandlerKwargs; name?: string } = {}): URLSpec {
  return new URLSpec(pattern, handlerClass, options.kwargs ?? {}, options.name ?? null);
}

/** Normalizes any accepted route form to a URLSpec. */
export function toURLSpec(route: RouteSpec): URLSpec {
  if (route instanceof URLSpec) return route;
  if (!Array.isArray(route) || route.length < 2 || route.length > 4) {
    throw new TypeError('A route is [pattern, Handler], [pattern, Handler, kwargs], [pattern, Handler, kwargs, name] or url(...)');
  }
  const [pattern, handlerClass, kwargs, name] = route as [string | RegExp, HandlerClass, HandlerKwargs | undefined, string | undefined];
  return new URLSpec(pattern, handlerClass, kwargs ?? {}, name ?? null);
}
