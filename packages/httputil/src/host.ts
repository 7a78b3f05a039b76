import { isIP } from 'node:net';

/** reg-name chars: unreserved, sub-delims except `,`, and `%` (pct-encoded is checked separately). */
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+;=]|%[0-9A-Fa-f]{2})*$/;
const PORT = /^[0-9]*$/;

/**
 * Parses a `Host` header value (RFC 9110 `uri-host [ ":" port ]`): a reg-name or IPv4 address,
 * or an IPv6 literal in brackets, then an optional port. Commas are refused: a proxy may have
 * merged several Host headers into one. Returns the lower-cased host name without the port, or
 * null when the value does not match the grammar. The empty value is valid (and gives `''`).
 */
export function parseHostHeader(value: string): string | null {
  let name: string;
  let rest: string;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close === -1 || isIP(value.slice(1, close)) !== 6 || value.slice(1, close).includes('%')) return null;
    name = value.slice(0, close + 1);
    rest = value.slice(close + 1);
  } else {
    const colon = value.indexOf(':');
    name = colon === -1 ? value : value.slice(0, colon);
    rest = colon === -1 ? '' : value.slice(colon);
    if (!REG_NAME.test(name)) return null;
  }
  if (rest !== '' && (rest[0] !== ':' || !PORT.test(rest.slice(1)))) return null;
  return name.toLowerCase();
}
