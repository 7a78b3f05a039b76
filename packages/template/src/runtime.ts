import { toUnicode, xhtmlEscape } from '@tornado-ts/escape';
import { TemplateRuntimeError, type TemplateLocation } from './errors.js';

/**
 * How a template writes a value (Tornado's `_tt_utf8(str(x))` in JavaScript): strings as they are,
 * `null` and `undefined` as nothing, bytes decoded as UTF-8, anything else through `String()`.
 */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) return toUnicode(value);
  return String(value);
}

/** {@link stringify} then `xhtmlEscape`, in one call; numbers skip the escape (they need none). */
export function escapeValue(value: unknown): string {
  if (typeof value === 'string') return xhtmlEscape(value);
  if (typeof value === 'number') return String(value);
  return xhtmlEscape(stringify(value));
}

/**
 * What the compiled code calls when an error escapes a template: the error rethrown naming where
 * it happened. An error from a nested render already names its template; this render's place is
 * added after it.
 */
export function templateFailure(error: unknown, where: readonly TemplateLocation[]): TemplateRuntimeError {
  if (error instanceof TemplateRuntimeError) return new TemplateRuntimeError(error.cause, [...error.locations, ...where]);
  return new TemplateRuntimeError(error, where);
}

/** The helpers compiled templates receive once, when their function is built. */
export interface Runtime {
  readonly str: (value: unknown) => string;
  readonly esc: (value: unknown) => string;
  readonly fail: (error: unknown, where: readonly TemplateLocation[]) => TemplateRuntimeError;
}

export const RUNTIME: Runtime = Object.freeze({ str: stringify, esc: escapeValue, fail: templateFailure });
