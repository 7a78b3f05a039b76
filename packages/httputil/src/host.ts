import { isIP } from 'node:net';
import { alnumTable } from './http-grammar';

/** reg-name chars other than pct-encoded: unreserved, and sub-delims except `,`. */
const REG_NAME_CHAR = alnumTable("-._~!$&'()*+;=");

function isHexCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * Where a reg-name at the start of `value` ends (at a `:` or the end), checked char by char
 * (one pass, no slice): `*( unreserved / pct-encoded / sub-delims but "," )`; -1 when another
 * char comes first.
 */
function regNameEnd(value: string): number {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && REG_NAME_CHAR[c] === 1) continue;
    if (c === 0x25 && isHexCode(value.charCodeAt(i + 1)) && isHexCode(value.charCodeAt(i + 2))) {
      i += 2;
      continue;
    }
    return c === 0x3a ? i : -1;
  }
  return n;
}

/** True when `value` from `at` is empty or `:` and digits only (an empty port is allowed). */
function isPortSuffix(value: string, at: number): boolean {
  const n = value.length;
  if (at === n) return true;
  if (value.charCodeAt(at) !== 0x3a) return false;
  for (let i = at + 1; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Parses a `Host` header value (RFC 9110 `uri-host [ ":" port ]`): a reg-name or IPv4 address,
 * or an IPv6 literal in brackets, then an optional port. Commas are refused: a proxy may have
 * merged several Host headers into one. Returns the lower-cased host name without the port, or
 * null when the value does not match the grammar. The empty value is valid (and gives `''`).
 */
export function parseHostHeader(value: string): string | null {
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close === -1 || isIP(value.slice(1, close)) !== 6 || value.slice(1, close).includes('%')) return null;
    return isPortSuffix(value, close + 1) ? value.slice(0, close + 1).toLowerCase() : null;
  }
  const end = regNameEnd(value);
  if (end === -1 || !isPortSuffix(value, end)) return null;
  return (end === value.length ? value : value.slice(0, end)).toLowerCase();
}
