// Parsing of the `Cookie` request header the way browsers write it (Tornado's `parse_cookie`,
// itself Django 1.9.10's algorithm), not the cookie RFCs. Linear time (CVE-2024-52804).

import { trimHttpWhitespace } from './http-grammar';

/** `\ooo` (octal, first digit 0-3) or `\` + any char but LF, as Python's `http.cookies._unquote`. */
const COOKIE_ESCAPE = /\\(?:([0-3][0-7][0-7])|([^\n]))/g;

/** Undoes the quoting of a `"..."` cookie value (backslash escapes, octal escapes); others unchanged. */
export function unquoteCookieValue(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  return value
    .slice(1, -1)
    .replace(COOKIE_ESCAPE, (_, octal: string | undefined, ch: string | undefined) =>
      octal !== undefined ? String.fromCharCode(parseInt(octal, 8)) : (ch as string),
    );
}

/**
 * Parses a `Cookie` header into name/value pairs, leniently, as browsers send them: split on
 * every `;` (even inside quotes), `=` optional (a bare chunk is a value with the empty name), the
 * last of repeated names wins, quoted values unquoted. Only SP and HTAB are trimmed, so a name
 * such as `\u00a0__Host-id` stays distinct from `__Host-id`. The result has no prototype.
 */
export function parseCookie(header: string): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  let start = 0;
  const n = header.length;
  while (start <= n) {
    let end = header.indexOf(';', start);
    if (end === -1) end = n;
    const chunk = header.slice(start, end);
    const eq = chunk.indexOf('=');
    const name = eq === -1 ? '' : trimHttpWhitespace(chunk.slice(0, eq));
    const value = trimHttpWhitespace(eq === -1 ? chunk : chunk.slice(eq + 1));
    if (name !== '' || value !== '') cookies[name] = unquoteCookieValue(value);
    start = end + 1;
  }
  return cookies;
}
