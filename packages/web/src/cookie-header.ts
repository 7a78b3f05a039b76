// Serialising one `Set-Cookie` header value the way Tornado's `set_cookie` does through Python's
// `http.cookies.Morsel`, byte for byte (attribute order, `expires=` in lower case, quoted values),
// but with every option validated: attribute injection through `domain`, `path`, `sameSite` or
// `maxAge` (CVE-2026-35536 and its 6.5.8 / 6.6.0 follow-ups) is an error, never header text.

import { formatTimestamp } from '@tornado-ts/httputil';

/** Options of a cookie set by `formatSetCookie` / `RequestHandler.setCookie`. */
export interface CookieOptions {
  /** The `Domain` attribute: letters, digits, `.`, `-` and `_` only; empty means none. */
  domain?: string;
  /** The `Path` attribute, `/` when omitted; the empty string writes no `Path`. */
  path?: string;
  /** Absolute expiry as a `Date` or epoch milliseconds, written as an HTTP date. */
  expires?: Date | number;
  /** Expiry in days from now; ignored when `expires` is given. */
  expiresDays?: number;
  /** Lifetime in milliseconds, written as whole seconds in `Max-Age`. */
  maxAge?: number;
  httpOnly?: boolean;
  secure?: boolean;
  /** `Strict`, `Lax` or `None` (any letter case in, canonical case out). */
  sameSite?: 'Strict' | 'Lax' | 'None';
  partitioned?: boolean;
}

/** An invalid cookie name, value or attribute was given to `formatSetCookie` (or `setCookie`). */
export class CookieError extends Error {
  override name = 'CookieError';
  readonly code = 'TORNADO_ERR_COOKIE';
}

const DAY_MS = 86_400_000;
const OPTION_KEYS = new Set([
  'domain',
  'path',
  'expires',
  'expiresDays',
  'maxAge',
  'httpOnly',
  'secure',
  'sameSite',
  'partitioned',
]);
/** Names Python's Morsel refuses as cookie names, since they read as attributes. */
const RESERVED_NAMES = new Set([
  'expires',
  'path',
  'comment',
  'domain',
  'max-age',
  'secure',
  'httponly',
  'version',
  'samesite',
  'partitioned',
]);
/** Python's `http.cookies._LegalChars`: a name must be made of these, a value is quoted otherwise. */
const LEGAL_TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;
/** Characters Python leaves unescaped inside a quoted value (`_UnescapedChars`), besides `"` and `\`. */
const UNESCAPED_IN_QUOTES = /[A-Za-z0-9!#$%&'*+\-.^_`|~: ()/<=>?@[\]{}]/;
/** Tornado rejects these in a name or value; DEL too, and nothing past latin1 can be sent. */
const FORBIDDEN_IN_VALUE = /[\x00-\x20\x7f]|[^\x00-\xff]/;
const VALID_DOMAIN = /^[A-Za-z0-9._-]+$/;
/** RFC 6265 path-value: any visible ASCII character except `;`. */
const VALID_PATH = /^[\x21-\x3a\x3c-\x7e]+$/;
const SAME_SITE_VALUES: Readonly<Record<string, string>> = { strict: 'Strict', lax: 'Lax', none: 'None' };

/**
 * Builds the value of a `Set-Cookie` header: `name=value` and then, in Python's order,
 * `Domain`, `expires`, `HttpOnly`, `Max-Age`, `Partitioned`, `Path`, `SameSite`, `Secure`.
 * A value outside Python's legal characters is double-quoted with backslash/octal escapes.
 * @throws {CookieError} for an invalid name or value, an unknown option, or an invalid attribute.
 */
export function formatSetCookie(name: string, value: string, options: CookieOptions = {}): string {
  checkNameAndValue(name, value);
  if (typeof options !== 'object' || options === null) throw new CookieError('cookie options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw new CookieError(`unknown cookie option ${JSON.stringify(key)}`);
    }
  }
  let header = `${name}=${quoteCookieValue(value)}`;
  const domain = options.domain;
  if (domain !== undefined && domain !== null && domain !== '') {
    if (typeof domain !== 'string' || !VALID_DOMAIN.test(domain)) throw invalidOption('domain', domain);
    header += `; Domain=${domain}`;
  }
  const expires = expiresAt(options);
  if (expires !== null) header += `; expires=${formatTimestamp(expires)}`;
  if (flag(options, 'httpOnly')) header += '; HttpOnly';
  if (options.maxAge !== undefined && options.maxAge !== null) header += `; Max-Age=${maxAgeSeconds(options.maxAge)}`;
  if (flag(options, 'partitioned')) header += '; Partitioned';
  const path = options.path === undefined ? '/' : options.path;
  if (path !== null && path !== '') {
    if (typeof path !== 'string' || !VALID_PATH.test(path)) throw invalidOption('path', path);
    header += `; Path=${path}`;
  }
  const sameSite = options.sameSite;
  if (sameSite !== undefined && sameSite !== null) {
    const canonical = typeof sameSite === 'string' ? SAME_SITE_VALUES[sameSite.toLowerCase()] : undefined;
    if (canonical === undefined) throw invalidOption('sameSite', sameSite);
    header += `; SameSite=${canonical}`;
  }
  if (flag(options, 'secure')) header += '; Secure';
  return header;
}

function checkNameAndValue(name: string, value: string): void {
  if (typeof name !== 'string' || !LEGAL_TOKEN.test(name)) {
    throw new CookieError(`invalid cookie name ${describe(name)}`);
  }
  if (RESERVED_NAMES.has(name.toLowerCase())) {
    throw new CookieError(`cookie name ${describe(name)} is reserved for an attribute`);
  }
  if (typeof value !== 'string' || FORBIDDEN_IN_VALUE.test(value)) {
    throw new CookieError(`invalid value for cookie ${describe(name)}: ${describe(value)}`);
  }
}

/** Python's `http.cookies._quote`: legal values as they are, others quoted with `\"`, `\\` and `\ooo`. */
function quoteCookieValue(value: string): string {
  if (LEGAL_TOKEN.test(value)) return value;
  let quoted = '"';
  for (const ch of value) {
    if (ch === '"' || ch === '\\') quoted += `\\${ch}`;
    else if (UNESCAPED_IN_QUOTES.test(ch)) quoted += ch;
    else quoted += `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`;
  }
  return `${quoted}"`;
}

/** The expiry in epoch ms from `expires` (Date or number) or `expiresDays`, or null for none. */
function expiresAt(options: CookieOptions): number | null {
  const { expires, expiresDays } = options;
  if (expires !== undefined && expires !== null) {
    const ms = expires instanceof Date ? expires.getTime() : typeof expires === 'number' ? expires : Number.NaN;
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw invalidOption('expires', expires);
    return ms;
  }
  if (expiresDays !== undefined && expiresDays !== null) {
    if (typeof expiresDays !== 'number' || !Number.isFinite(expiresDays)) throw invalidOption('expiresDays', expiresDays);
    const ms = Date.now() + expiresDays * DAY_MS;
    if (Math.abs(ms) > 8.64e15) throw invalidOption('expiresDays', expiresDays);
    return ms;
  }
  return null;
}

function maxAgeSeconds(maxAge: unknown): string {
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge)) throw invalidOption('maxAge', maxAge);
  const seconds = Math.floor(maxAge / 1000);
  if (!Number.isSafeInteger(seconds)) throw invalidOption('maxAge', maxAge);
  return String(seconds);
}

function flag(options: CookieOptions, key: 'httpOnly' | 'secure' | 'partitioned'): boolean {
  const value: unknown = options[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidOption(key, value);
  return value;
}

function invalidOption(option: string, value: unknown): CookieError {
  return new CookieError(`invalid cookie ${option}: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  if (value instanceof Date) return `Date(${String(value.getTime())})`;
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  return String(value);
}
