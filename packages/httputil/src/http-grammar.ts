// Character classes of RFC 9110 / 9112 shared by the header, start-line and Host parsers.
// Strings here are header bytes decoded as latin1, so one char is one byte (0x00-0xFF).

/** A 128-entry table marking ASCII letters, digits and the chars of `extra` with 1. */
export function alnumTable(extra: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of extra) table[c.charCodeAt(0)] = 1;
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) {
    table[c] = 1;
    table[c + 0x20] = 1;
  }
  return table;
}

const TCHAR = alnumTable("!#$%&'*+-.^_`|~");

/** True when char code `c` is an RFC 9110 tchar. */
export function isTokenCode(c: number): boolean {
  return c < 128 && TCHAR[c] === 1;
}

/** True when `s` is a non-empty RFC 9110 token (header name, method): tchar only, ASCII only. */
export function isToken(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** Control characters that may not appear in an incoming field value: every CTL except HTAB. */
const FORBIDDEN_VALUE_CHAR = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Below this length a char loop beats the regex's call overhead (measured on Node 20: ~10 vs ~20 ns per short value). */
const SHORT_VALUE = 32;

/** True when `s` holds a control character other than HTAB (NUL, CR, LF, DEL, ...). */
export function hasForbiddenValueChar(s: string): boolean {
  const n = s.length;
  if (n > SHORT_VALUE) return FORBIDDEN_VALUE_CHAR.test(s);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** Outgoing values: HTAB, SP, VCHAR and obs-text only, so nothing above 0xFF (latin1 would truncate it). */
const INVALID_OUTGOING_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** True when `s` cannot be written as a field value: CTL other than HTAB, DEL, or a char above 0xFF. */
export function hasInvalidOutgoingValueChar(s: string): boolean {
  return INVALID_OUTGOING_VALUE_CHAR.test(s);
}

/** Removes leading and trailing SP / HTAB only (never NBSP, NEL or other Unicode spaces). */
export function trimHttpWhitespace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isHttpWhitespaceCode(s.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespaceCode(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** SP or HTAB. */
export function isHttpWhitespaceCode(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * True when every char is a field-vchar (VCHAR or obs-text, 0x21-0x7E / 0x80-0xFF): a request
 * target or similar, with no whitespace and no control characters.
 */
export function isFieldVchars(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c > 0xff) return false;
  }
  return true;
}
