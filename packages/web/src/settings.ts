// The application settings: this zod schema is the documentation of every setting Application
// understands. Keys outside it belong to the application and are kept as given, except those
// that look like a misspelled known setting (snake_case form, or within two edits), which are refused.

import type { Autoescape, BaseLoader, WhitespaceMode } from '@tornado-ts/template';
import { z } from 'zod';
import type { CookieOptions } from './cookie-header';
import { SettingsError } from './errors';
import type { RequestHandler } from './request-handler';
import type { OutputTransformClass } from './output-transform';
import type { UIRegistrySetting } from './template-ui-registry';

/** A handler class as routes and settings name it. */
export type RequestHandlerClass = typeof RequestHandler;
/** Called once per finished request instead of the access log (Tornado's `log_function`). */
export type LogFunction = (handler: RequestHandler) => void;
/** A UI method: called from templates with the handler first. */
export type UIMethod = (handler: RequestHandler, ...args: never[]) => unknown;

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** What loadUIModules/loadUIMethods accept: an object (record or module namespace) or a list of them, nested at most 16 deep. */
function isUIRegistry(value: unknown, depth = 0): boolean {
  if (Array.isArray(value)) return depth < 16 && value.every((item) => isUIRegistry(item, depth + 1));
  return typeof value === 'object' && value !== null;
}
const fn = <T>(what: string) => z.custom<T>(isFunction, { message: `expected ${what}` });

/** Every setting Application understands, with its type and default. */
export const settingsSchema = z.object({
  // --- Cookies and XSRF ---
  /** Secret for signed cookies and XSRF: one string, or `{ [keyVersion]: secret }` for key rotation. */
  cookieSecret: z.union([z.string().min(1), z.record(z.string().regex(/^\d+$/), z.string().min(1))]).optional(),
  /** With a record `cookieSecret`: the key version used to sign new values. */
  keyVersion: z.number().int().nonnegative().optional(),
  /** Check an XSRF token on every POST/PUT/PATCH/DELETE (any method but GET, HEAD, OPTIONS). */
  xsrfCookies: z.boolean().default(false),
  /** Format of new `_xsrf` cookies: 2 (masked, default) or 1. */
  xsrfCookieVersion: z.union([z.literal(1), z.literal(2)]).default(2),
  /** Attributes of the `_xsrf` cookie (path, domain, secure, sameSite...). */
  xsrfCookieKwargs: z.custom<CookieOptions>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
    message: 'expected an object of cookie options',
  }).optional(),
  /** The `_xsrf` cookie's name. */
  xsrfCookieName: z.string().min(1).default('_xsrf'),

  // --- Templates ---
  /** Directory of templates for `render()` (handlers may override `getTemplatePath()`). */
  templatePath: z.string().optional(),
  /** A ready template loader, used instead of one built from `templatePath`. */
  templateLoader: z.custom<BaseLoader>((v) => typeof v === 'object' && v !== null && typeof (v as { load?: unknown }).load === 'function', {
    message: 'expected a template loader (an object with load())',
  }).optional(),
  /** Escaping of `{{ }}`: a namespace function's name, a function, or null for none (default `xhtmlEscape`). */
  autoescape: z.custom<Autoescape>((v) => v === null || typeof v === 'string' || typeof v === 'function', {
    message: 'expected a function name, a function or null',
  }).optional(),
  /** Whitespace mode of every template: `all`, `single` or `oneline`. */
  templateWhitespace: z.custom<WhitespaceMode>((v) => v === 'all' || v === 'single' || v === 'oneline', {
    message: "expected 'all', 'single' or 'oneline'",
  }).optional(),
  /** Keep compiled templates (false: re-read on each render; off in debug). */
  compiledTemplateCache: z.boolean().default(true),
  /**
   * UI modules by name, for `{% module Name(...) %}`: a record or module namespace (entries that are
   * not UIModule classes are skipped), or a list of them.
   */
  uiModules: z.custom<UIRegistrySetting>(isUIRegistry, { message: 'expected a record of UI modules (or a module namespace), or a list of them' }).optional(),
  /**
   * Functions callable from templates by name, bound to the handler: a record or module namespace
   * (names starting with `_` or a capital, and values that are not functions, are skipped), or a list of them.
   */
  uiMethods: z.custom<UIRegistrySetting>(isUIRegistry, { message: 'expected a record of UI methods (or a module namespace), or a list of them' }).optional(),

  // --- Static files ---
  /** Directory served under `staticUrlPrefix` (and `/robots.txt`, `/favicon.ico`). */
  staticPath: z.string().optional(),
  /** URL prefix of static files. */
  staticUrlPrefix: z.string().default('/static/'),
  /** The handler class of static files (default StaticFileHandler). */
  staticHandlerClass: fn<RequestHandlerClass>('a RequestHandler class').optional(),
  /** Extra kwargs for the static handler. */
  staticHandlerArgs: z.record(z.string(), z.unknown()).optional(),
  /** Cache content hashes of static files (off in debug). */
  staticHashCache: z.boolean().default(true),

  // --- Authentication ---
  /** Where `authenticated` sends anonymous users (with `?next=`). */
  loginUrl: z.string().optional(),

  // --- Development ---
  /** Development mode: implies autoreload, no template or static-hash cache, tracebacks in error pages. */
  debug: z.boolean().default(false),
  /** Restart the process when a loaded source file changes. */
  autoreload: z.boolean().default(false),
  /** Put the stack trace in 500 error pages. */
  serveTraceback: z.boolean().default(false),

  // --- Output ---
  /** Gzip compressible responses when the client accepts it. */
  compressResponse: z.boolean().default(false),
  /** Output transforms applied to every response, in order (gzip is added by `compressResponse`). */
  transforms: z.array(fn<OutputTransformClass>('an OutputTransform class')).optional(),

  // --- Routing ---
  /** Handler for requests no route matches (default: a 404). */
  defaultHandlerClass: fn<RequestHandlerClass>('a RequestHandler class').optional(),
  /** Kwargs for `defaultHandlerClass`. */
  defaultHandlerArgs: z.record(z.string(), z.unknown()).optional(),
  /** Host name of the routes given to the constructor; a request whose host matches no virtual host uses them. */
  defaultHost: z.string().optional(),

  // --- Logging ---
  /** Replaces the access log line written for each request. */
  logFunction: fn<LogFunction>('a function (handler) => void').optional(),

  // --- WebSocket (read by @tornado-ts/websocket) ---
  /** Milliseconds between pings sent to WebSocket clients (unset: none). */
  websocketPingInterval: z.number().positive().optional(),
  /** Milliseconds without a pong before the WebSocket is closed. */
  websocketPingTimeout: z.number().positive().optional(),
  /** Largest WebSocket message accepted, in bytes (default 10 MiB). */
  websocketMaxMessageSize: z.number().int().positive().optional(),
});

/** The settings as given to `new Application(...)`: every key optional, plus the app's own keys. */
export type ApplicationSettingsInput = z.input<typeof settingsSchema> & Record<string, unknown>;
/** The validated settings, with defaults filled, plus the app's own keys as given. */
export type ApplicationSettings = z.output<typeof settingsSchema> & Record<string, unknown>;

const KNOWN_SETTINGS: readonly string[] = Object.keys(settingsSchema.shape);

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Edit distance of `a` and `b`, or `limit + 1` as soon as it is known to exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/** The known setting `key` most likely stands for, or null when `key` is the application's own. */
export function suggestSetting(key: string): string | null {
  const camel = snakeToCamel(key);
  if (camel !== key && KNOWN_SETTINGS.includes(camel)) return camel;
  const lower = key.toLowerCase();
  const caseMatch = KNOWN_SETTINGS.find((name) => name.toLowerCase() === lower);
  if (caseMatch !== undefined) return caseMatch;
  // Short keys are too easily two edits from anything; only judge keys of 5+ characters.
  if (key.length < 5) return null;
  let best: string | null = null;
  let bestDistance = 3;
  for (const name of KNOWN_SETTINGS) {
    const distance = editDistance(key, name, 2);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return `setting ${path === '' ? '(root)' : `'${path}'`}: ${issue.message}`;
}

/**
 * Validates `input` against {@link settingsSchema}, fills defaults and applies `debug`'s
 * implications; keys that are not settings are kept as given.
 * @throws {SettingsError} for a wrong type, or a key that looks like a misspelled setting.
 */
export function parseSettings(input: ApplicationSettingsInput = {}): ApplicationSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SettingsError('Application settings must be an object');
  }
  const known: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(settingsSchema.shape, key)) {
      known[key] = input[key];
      continue;
    }
    const suggestion = suggestSetting(key);
    if (suggestion !== null) {
      throw new SettingsError(`unknown setting '${key}': did you mean '${suggestion}'?`);
    }
    own[key] = input[key];
  }
  const debug = known.debug === true;
  if (debug) {
    // As Tornado: debug turns these on/off unless they were given explicitly.
    known.autoreload ??= true;
    known.compiledTemplateCache ??= false;
    known.staticHashCache ??= false;
    known.serveTraceback ??= true;
  }
  const result = settingsSchema.safeParse(known);
  if (!result.success) {
    throw new SettingsError(`invalid Application settings: ${result.error.issues.map(describeIssue).join('; ')}`);
  }
  return { ...own, ...result.data } as ApplicationSettings;
}
