import { Buffer } from 'node:buffer';
import { ArgumentTypeError, UnicodeEncodeError } from './errors.js';
import { describeType, textOf, utf8 } from './unicode.js';

/** Options of {@link urlEscape}. */
export interface UrlEscapeOptions {
  /** Encode a space as `+` and `/` as `%2F` (a query value; Python's `quote_plus`, the default),
   *  or a space as `%20` and keep `/` (a path; Python's `quote`). */
  plus?: boolean;
}

/** Options of {@link urlUnescape}. */
export interface UrlUnescapeOptions {
  /** Read `+` as a space (query strings and form bodies; the default). */
  plus?: boolean;
  /** How to decode the unescaped bytes (default `'utf8'`; invalid bytes become U+FFFD), or
   *  `null` for a Buffer of the raw bytes. */
  encoding?: BufferEncoding | null;
}

// Python's quote never escapes A-Z a-z 0-9 _ . - ~; quote (plus: false) also keeps '/'.
const PLUS_SAFE = /^[A-Za-z0-9_.~-]*$/;
const PATH_SAFE = /^[A-Za-z0-9_.~/-]*$/;
// encodeURIComponent keeps ! ' ( ) * that Python escapes, and encodes the space and '/' one way.
const PLUS_FIXUPS = /[!'()*]|%20/g;
const PATH_FIXUPS = /[!'()*]|%2F/g;
const FIXUP: Readonly<Record<string, string>> = {
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '*': '%2A',
  '%20': '+',
  '%2F': '/',
};

function fixup(match: string): string {
  return FIXUP[match];
}

/** What Python's quote writes for each byte value, given its safe set and its form of a space. */
function buildByteTable(safe: RegExp, space: string): string[] {
  const table: string[] = [];
  for (let byte = 0; byte < 256; byte++) {
    const char = String.fromCharCode(byte);
    if (byte < 128 && safe.test(char)) table.push(char);
    else if (byte === 0x20) table.push(space);
    else table.push(`%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`);
  }
  return table;
}
// Index 0: quote_plus (plus: true); index 1: quote (plus: false).
const BYTE_TABLES = [buildByteTable(PLUS_SAFE, '+'), buildByteTable(PATH_SAFE, '%20')];

function escapeBytes(bytes: Uint8Array, table: string[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += table[bytes[i]];
  return out;
}

/**
 * Percent-encodes text (as UTF-8) or bytes (as they are) for a URL, with exactly the characters
 * Python's `quote_plus` (default) or `quote` (`{ plus: false }`) leave alone.
 * @throws {UnicodeEncodeError} when the string holds a lone surrogate.
 * @throws {ArgumentTypeError} when given anything but a string or Buffer.
 */
export function urlEscape(value: string | Uint8Array, options?: UrlEscapeOptions): string {
  const plus = options?.plus ?? true;
  if (typeof value !== 'string') {
    if (value instanceof Uint8Array) return escapeBytes(value, BYTE_TABLES[plus ? 0 : 1]);
    throw new ArgumentTypeError(`urlEscape: expected a string or Buffer, got ${describeType(value)}`);
  }
  if ((plus ? PLUS_SAFE : PATH_SAFE).test(value)) return value;
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch (error) {
    throw new UnicodeEncodeError('urlEscape: string contains a lone surrogate', { cause: error });
  }
  return encoded.replace(plus ? PLUS_FIXUPS : PATH_FIXUPS, fixup);
}

/** The value of an ASCII hex digit's char code, or -1. */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Decodes each run of valid `%XX` escapes as bytes in `encoding`; all else is kept as written. */
function unquoteText(text: string, encoding: BufferEncoding): string {
  let out = '';
  let last = 0;
  let start = text.indexOf('%');
  while (start !== -1) {
    let end = start;
    while (end + 2 < text.length && text.charCodeAt(end) === 37 && isEscapeAt(text, end)) end += 3;
    if (end === start) {
      start = text.indexOf('%', start + 1);
      continue;
    }
    const bytes = Buffer.allocUnsafe((end - start) / 3);
    for (let i = 0; i < bytes.length; i++) {
      const at = start + i * 3;
      bytes[i] = (hexValue(text.charCodeAt(at + 1)) << 4) | hexValue(text.charCodeAt(at + 2));
    }
    out += text.slice(last, start) + bytes.toString(encoding);
    last = end;
    start = text.indexOf('%', end);
  }
  return last === 0 ? text : out + text.slice(last);
}

function isEscapeAt(text: string, at: number): boolean {
  return hexValue(text.charCodeAt(at + 1)) !== -1 && hexValue(text.charCodeAt(at + 2)) !== -1;
}

/** Python's unquote_to_bytes: a new Buffer with every valid `%XX` replaced by its byte. */
function unquoteBytes(bytes: Uint8Array, plus: boolean): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 37 && i + 2 < bytes.length) {
      const high = hexValue(bytes[i + 1]);
      const low = hexValue(bytes[i + 2]);
      if (high !== -1 && low !== -1) {
        out[length++] = (high << 4) | low;
        i += 2;
        continue;
      }
    }
    out[length++] = plus && byte === 43 ? 32 : byte;
  }
  return out.subarray(0, length);
}

/**
 * Decodes a percent-encoded URL component. Invalid escapes are kept as written, as Python does.
 * Returns a string, or with `{ encoding: null }` a Buffer of the raw bytes.
 * @throws {UnicodeDecodeError} when given bytes that are not UTF-8 and a string is wanted.
 * @throws {ArgumentTypeError} when given anything but a string or Buffer.
 */
export function urlUnescape(value: string | Uint8Array, options: UrlUnescapeOptions & { encoding: null }): Buffer;
export function urlUnescape(
  value: string | Uint8Array,
  options?: UrlUnescapeOptions & { encoding?: BufferEncoding },
): string;
export function urlUnescape(value: string | Uint8Array, options?: UrlUnescapeOptions): string | Buffer;
export function urlUnescape(value: string | Uint8Array, options?: UrlUnescapeOptions): string | Buffer {
  const plus = options?.plus ?? true;
  const encoding = options?.encoding === undefined ? 'utf8' : options.encoding;
  if (encoding === null) {
    if (value instanceof Uint8Array) return unquoteBytes(value, plus);
    return unquoteBytes(utf8(textOf(value, 'urlUnescape')), plus);
  }
  let text = textOf(value, 'urlUnescape');
  if (plus && text.includes('+')) text = text.replaceAll('+', ' ');
  return text.includes('%') ? unquoteText(text, encoding) : text;
}
