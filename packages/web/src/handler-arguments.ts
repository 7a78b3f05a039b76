// Reading request arguments as text (Tornado's _get_arguments): each value decoded by the
// handler's decodeArgument, control characters replaced by spaces, optionally stripped.

import type { ArgumentMap } from '@tornado-ts/httputil';
import { HTTPError, MissingArgumentError } from './errors';

/** What decodes argument bytes: the handler's (overridable) `decodeArgument`. */
interface ArgumentDecoder {
  decodeArgument(value: Buffer, name?: string): string;
}

/** Tornado's `_remove_control_chars_regex`: C0 controls except tab, LF, VT, FF and CR. */
const CONTROL_CHARS = /[\x00-\x08\x0e-\x1f]/g;
/** Python's `str.strip()` whitespace for the characters that matter here (ASCII and Unicode spaces). */
const STRIP = /^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/g;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes an argument or path segment as UTF-8.
 * @throws {HTTPError} 400 when the bytes are not valid UTF-8 (as Tornado).
 */
export function decodeUtf8Argument(value: Buffer, name?: string): string {
  // ASCII, the usual case, needs no validation pass.
  if (isAscii(value)) return value.toString('latin1');
  try {
    return UTF8.decode(value);
  } catch {
    const shown = value.length > 40 ? `${value.subarray(0, 40).toString('latin1')}...` : value.toString('latin1');
    throw new HTTPError(400, 'Invalid unicode in %s: %r', name ?? 'url', shown);
  }
}

function isAscii(value: Buffer): boolean {
  for (let i = 0; i < value.length; i++) if (value[i] > 0x7f) return false;
  return true;
}

/** The decoded, cleaned values of `name` in `source`, in order. */
export function argumentValues(source: ArgumentMap, name: string, strip: boolean, decoder: ArgumentDecoder): string[] {
  const raw = Object.hasOwn(source, name) ? source[name] : undefined;
  if (raw === undefined || raw.length === 0) return [];
  const values: string[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) values[i] = cleanArgument(decoder.decodeArgument(raw[i], name), strip);
  return values;
}

function cleanArgument(text: string, strip: boolean): string {
  const cleaned = text.replace(CONTROL_CHARS, ' ');
  return strip ? cleaned.replace(STRIP, '') : cleaned;
}

/**
 * The last value of `name` in `source` (Tornado's `_get_argument`): `defaultValue` (or null) when
 * absent and `hasDefault`.
 * @throws {MissingArgumentError} when absent without a default.
 */
export function lastArgument(
  source: ArgumentMap,
  name: string,
  hasDefault: boolean,
  defaultValue: string | null | undefined,
  strip: boolean,
  decoder: ArgumentDecoder,
): string | null {
  const raw = Object.hasOwn(source, name) ? source[name] : undefined;
  // Each value is decoded, as Tornado does, so an undecodable earlier value is still a 400.
  if (raw !== undefined && raw.length > 0) return argumentValues(source, name, strip, decoder)[raw.length - 1];
  if (!hasDefault) throw new MissingArgumentError(name);
  return defaultValue ?? null;
}
