import net from 'node:net';

/**
 * True when `value` is exactly one IPv4 (dotted quad) or IPv6 address, with nothing around it:
 * host names, the empty string and strings with NUL or white space are rejected. Made for checking
 * untrusted input such as an `X-Forwarded-For` entry.
 */
export function isValidIp(value: string): boolean {
  if (typeof value !== 'string' || value === '' || /[\s\0]/.test(value)) return false;
  return net.isIP(value) !== 0;
}
