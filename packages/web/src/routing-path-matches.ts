// PathMatches (Tornado's): a whole-path pattern, its groups URL-decoded for the target, and the
// reverse direction (values -> a path) for reverseUrl. Everything that can be decided about the
// pattern is decided here once: group count and names, the reverse template, and whether the
// pattern is a plain literal path that a string comparison can match without the regex engine.

import { urlEscape, urlUnescape } from '@tornado-ts/escape';
import type { HTTPServerRequest } from '@tornado-ts/httputil';
import { ReverseUrlError } from './errors';
import { anchoredRegExp, NO_GROUPS, toJavaScriptSource, type Matcher, type RouteMatch } from './routing-matchers';

/** The group count and the names of the named groups of `regex`. */
function groupsOf(regex: RegExp): { count: number; names: string[] } {
  // An empty alternative makes the regex match '' so exec shows every group, even unmatchable ones.
  const probe = new RegExp(`${regex.source}|`, regex.flags.replace(/[gy]/g, '')).exec('') as RegExpExecArray;
  return { count: probe.length - 1, names: probe.groups === undefined ? [] : Object.keys(probe.groups) };
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
    } else if ('.*+?[]{}|^$()'.includes(ch)) {
      return null;
    } else {
      text += ch;
    }
  }
  return text;
}

/**
 * The literal text every match must start with (`/post/` for `/post/(\d+)`), so most paths can be
 * refused with `startsWith` before the regex runs; '' when nothing is certain (alternations).
 */
function literalPrefix(source: string): string {
  if (source.includes('|')) return '';
  let i = source.startsWith('^') ? 1 : 0;
  let prefix = '';
  let lastLength = 0;
  for (; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break;
      lastLength = prefix.length;
      prefix += next;
      i++;
    } else if ('*?{'.includes(ch)) {
      // The character before a quantifier may be absent: it is not certain.
      prefix = prefix.slice(0, lastLength);
      break;
    } else if ('.+[]}()^$'.includes(ch)) {
      break;
    } else {
      lastLength = prefix.length;
      prefix += ch;
    }
  }
  return prefix;
}

/**
 * The literal pieces between the groups of a simple pattern (`/post/(\d+)/(.*)` ->
 * `['/post/', '/', '']`), or null when the pattern is too complex to reverse (Tornado's
 * `_find_groups`: non-capturing groups, class escapes or metacharacters outside the groups).
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
    const close = fragment.indexOf(')');
    const tail = i === 0 ? fragment : close === -1 ? null : fragment.slice(close + 1);
    if (tail === null) return null;
    const literal = literalOf(tail);
    if (literal === null) return null;
    pieces.push(literal);
  }
  return pieces;
}

/** A group's bytes, percent-decoded with `+` kept (Tornado's `_unquote_or_none`); undefined stays undefined. */
export function unquoteGroup(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  return value.includes('%') ? urlUnescape(value, { encoding: null, plus: false }) : Buffer.from(value, 'latin1');
}

/**
 * The positional groups of a PathMatches match. The bytes (`args`) are made on first use: the
 * handler lifecycle usually reads the group text directly (see `pathGroupText`), which spares the
 * string -> bytes -> string round trip per request.
 */
class PositionalGroups implements RouteMatch {
  readonly kwargs = null;
  /** The regex result: group `i` is at `i + 1`. */
  readonly found: RegExpExecArray;
  #args: Buffer[] | null = null;

  constructor(found: RegExpExecArray) {
    this.found = found;
  }

  get args(): Buffer[] {
    if (this.#args === null) {
      const found = this.found;
      const args: Buffer[] = new Array(found.length - 1);
      for (let i = 1; i < found.length; i++) args[i - 1] = unquoteGroup(found[i]) as Buffer;
      this.#args = args;
    }
    return this.#args;
  }
}

/**
 * The groups of a PathMatches match as text when none needs decoding (plain ASCII without `%`,
 * which is its own UTF-8 decoding); an optional group that did not take part is `undefined`. Null
 * for other matches, or when some group must go through its bytes.
 */
export function plainPathGroups(match: RouteMatch): string[] | null {
  if (!(match instanceof PositionalGroups)) return null;
  const found = match.found;
  const texts: string[] = new Array(found.length - 1);
  for (let g = 1; g < found.length; g++) {
    const text = found[g];
    if (text !== undefined) {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === 0x25 || code > 0x7f) return null;
      }
    }
    texts[g - 1] = text as string;
  }
  return texts;
}

/**
 * Matches requests whose path matches `pattern` as a whole (Tornado's `PathMatches`). String
 * patterns may use Python's `(?P<name>...)`. Groups must be all positional or all named; they are
 * URL-decoded (to bytes) after matching, so `%2F` stays inside one group.
 */
export class PathMatches implements Matcher {
  /** The anchored pattern. */
  readonly regex: RegExp;
  /** How many capturing groups the pattern has. */
  readonly groupCount: number;
  /** The names of the named groups (empty when the groups are positional). */
  readonly #groupNames: readonly string[];
  /** The path itself when the pattern is a plain literal (then a string comparison matches it). */
  readonly #literal: string | null;
  /** What every matching path starts with ('' when unknown). */
  readonly #prefix: string;
  readonly #reverse: string[] | null;

  /** @throws {TypeError} when the pattern mixes named and positional groups. */
  constructor(pattern: string | RegExp) {
    this.regex = anchoredRegExp(pattern);
    const groups = groupsOf(this.regex);
    if (groups.names.length > 0 && groups.names.length !== groups.count) {
      throw new TypeError(`Groups in a URL pattern must be all named or all positional: ${String(pattern)}`);
    }
    this.groupCount = groups.count;
    this.#groupNames = groups.names;
    this.#reverse = reverseTemplate(pattern, groups.count);
    const caseless = typeof pattern !== 'string' && pattern.flags.includes('i');
    this.#literal = groups.count === 0 && !caseless && this.#reverse !== null ? this.#reverse[0] : null;
    this.#prefix = caseless ? '' : literalPrefix(typeof pattern === 'string' ? toJavaScriptSource(pattern) : pattern.source);
  }

  match(request: HTTPServerRequest): RouteMatch | null {
    return this.matchPath(request.path);
  }

  /** The groups of `path` (a raw request path) when the pattern matches it, else null. */
  matchPath(path: string): RouteMatch | null {
    const literal = this.#literal;
    if (literal !== null) return path === literal ? NO_GROUPS : null;
    if (!path.startsWith(this.#prefix)) return null;
    if (this.groupCount === 0) return this.regex.test(path) ? NO_GROUPS : null;
    const found = this.regex.exec(path);
    if (found === null) return null;
    const names = this.#groupNames;
    if (names.length > 0) {
      const groups = found.groups as Record<string, string | undefined>;
      const kwargs: Record<string, Buffer> = {};
      for (const name of names) kwargs[name] = unquoteGroup(groups[name]) as Buffer;
      return { args: [], kwargs };
    }
    return new PositionalGroups(found);
  }

  /**
   * The path for `args` (URL-escaped, `+` escaped, `/` kept), one per group.
   * @throws {ReverseUrlError} when the pattern cannot be reversed or the count differs.
   */
  reverse(...args: unknown[]): string {
    const pieces = this.#reverse;
    if (pieces === null) throw new ReverseUrlError(`Cannot reverse the pattern ${this.regex.source}`);
    if (args.length !== this.groupCount) {
      throw new ReverseUrlError(`The pattern ${this.regex.source} needs ${this.groupCount} arguments, got ${args.length}`);
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
