// Parsing of `Content-Disposition` / `Content-Type` style values: `main; a=1; b="x;y"; c*=UTF-8''%C3%A9`
// (Tornado's `_parse_header`, which builds on Python's `email.utils.decode_params`). One pass over
// the string, so many `;` inside quotes cost O(n), not O(n^2) (CVE-2025-67726).

import { trimHttpWhitespace } from './http-grammar';

/**
 * Splits on `;` outside quotes. A quote counts as open/close unless the char before it is a
 * backslash, which is how Tornado's `_parseparam` counts (`"` minus `\"` occurrences).
 */
function splitParams(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quotes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      if (i === 0 || s.charCodeAt(i - 1) !== 0x5c) quotes++;
    } else if (c === 0x3b && (quotes & 1) === 0) {
      out.push(trimHttpWhitespace(s.slice(start, i)));
      start = i + 1;
      quotes = 0;
    }
  }
  out.push(trimHttpWhitespace(s.slice(start)));
  return out;
}

/** Python `email.utils.unquote`: strips `"..."` (undoing `\\` and `\"`) or `<...>`. */
function emailUnquote(s: string): string {
  if (s.length > 1) {
    if (s[0] === '"' && s[s.length - 1] === '"') {
      return s.slice(1, -1).replace(/\\\\/g, '\\').replace(/\\"/g, '"');
    }
    if (s[0] === '<' && s[s.length - 1] === '>') return s.slice(1, -1);
  }
  return s;
}

/** `%XX` to the byte's latin1 char; other text kept (Python `unquote(s, encoding="latin-1")`). */
function percentDecodeLatin1(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Decodes latin1-smuggled bytes with an RFC 2231 charset; null when the charset is unknown. */
function decodeCharset(text: string, charset: string): string | null {
  const bytes = Buffer.from(text, /[^\x00-\xff]/.test(text) ? 'utf8' : 'latin1');
  const label = charset.trim().toLowerCase();
  if (label === 'us-ascii' || label === 'ascii') {
    return bytes.toString('latin1').replace(/[\x80-\xff]/g, '\ufffd');
  }
  if (label === 'latin-1' || label === 'latin1' || label === 'iso-8859-1' || label === 'iso8859-1') {
    return bytes.toString('latin1');
  }
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return null;
  }
}

const RFC2231_NAME = /^([A-Za-z0-9_]+)\*(?:([0-9]+)\*?)?$/;

interface Continuation {
  num: number;
  text: string;
  encoded: boolean;
}

function stripQuotes(value: string): string {
  return value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"' ? value.slice(1, -1) : value;
}

/**
 * Parses a `Content-Disposition`-like value into its main value and lower-cased parameters.
 * Quoted values are unquoted; RFC 2231 / 5987 forms (`filename*=UTF-8''%C3%A1b.txt`, `name*0=`)
 * are decoded and win over the plain form. Parameters without `=` are dropped.
 */
export function parseHeaderParameters(value: string): [string, Record<string, string>] {
  const parts = splitParams(value);
  const params: Record<string, string> = Object.create(null);
  const extended = new Map<string, Continuation[]>();
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = trimHttpWhitespace(part.slice(0, eq)).toLowerCase();
    const raw = emailUnquote(trimHttpWhitespace(part.slice(eq + 1)));
    const match = RFC2231_NAME.exec(name);
    if (match === null) {
      params[name] = stripQuotes(raw);
      continue;
    }
    const list = extended.get(match[1]) ?? [];
    list.push({ num: match[2] === undefined ? -1 : Number(match[2]), text: raw, encoded: name.endsWith('*') });
    extended.set(match[1], list);
  }
  for (const [name, continuations] of extended) {
    // Python sorts (num, text, encoded) tuples, so repeated numbers are ordered by text.
    continuations.sort(
      (a, b) => a.num - b.num || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0) || +a.encoded - +b.encoded,
    );
    let joined = '';
    let isEncoded = false;
    for (const piece of continuations) {
      if (piece.encoded) {
        joined += percentDecodeLatin1(piece.text);
        isEncoded = true;
      } else {
        joined += piece.text;
      }
    }
    if (!isEncoded) {
      params[name] = stripQuotes(joined);
      continue;
    }
    // charset'language'text; with fewer than two quotes the whole value is ASCII text.
    const first = joined.indexOf("'");
    const second = first === -1 ? -1 : joined.indexOf("'", first + 1);
    const charset = second === -1 ? 'us-ascii' : joined.slice(0, first);
    const text = second === -1 ? joined : joined.slice(second + 1);
    params[name] = (charset === '' ? null : decodeCharset(text, charset)) ?? text;
  }
  return [parts[0], params];
}
