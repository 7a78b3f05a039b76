import { isIP } from 'node:net';

/**
 * True for a literal IPv4 or IPv6 address (Tornado's `netutil.is_valid_ip`), used to vet
 * `X-Real-Ip` / `X-Forwarded-For` values. Empty strings and any whitespace or control character
 * (NUL included) are refused before `net.isIP` sees them.
 */
export function isValidIp(ip: string): boolean {
  if (ip === '' || /[\s\x00-\x1f\x7f]/.test(ip)) return false;
  return isIP(ip) !== 0;
}
