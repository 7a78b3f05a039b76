import { parseResponseStartLine } from '@tornado-ts/httputil';
import type { IOStream } from '@tornado-ts/iostream';
import { HTTPClientError } from './errors';
import type { ParsedURL } from './target';

/** Longest CONNECT answer head we read. */
const MAX_TUNNEL_HEAD = 16 * 1024;

function authority(url: ParsedURL): string {
  return url.hostname.includes(':') ? `[${url.hostname}]:${url.port}` : `${url.hostname}:${url.port}`;
}

/**
 * Asks the HTTP proxy on `stream` for a tunnel to `url`'s host and port (`CONNECT`, RFC 9110
 * 9.3.6) and reads its answer; the stream then carries bytes to the origin (TLS goes next).
 * @throws {HTTPClientError} (599) when the proxy refuses or answers something that is not HTTP.
 */
export async function openTunnel(stream: IOStream, url: ParsedURL, proxyAuthorization: string | null): Promise<void> {
  const target = authority(url);
  let head = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n`;
  if (proxyAuthorization !== null) head += `Proxy-Authorization: ${proxyAuthorization}\r\n`;
  stream.write(Buffer.from(`${head}\r\n`, 'latin1'));
  const answer = (await stream.readUntil('\r\n\r\n', { maxBytes: MAX_TUNNEL_HEAD })).toString('latin1');
  let code: number;
  let reason: string;
  try {
    ({ code, reason } = parseResponseStartLine(answer.slice(0, answer.indexOf('\r\n'))));
  } catch (error) {
    throw new HTTPClientError(599, `Proxy answered CONNECT with something that is not HTTP`, { cause: error });
  }
  if (code < 200 || code >= 300) throw new HTTPClientError(599, `Proxy refused the tunnel to ${target}: ${code} ${reason}`);
}

/** The absolute-form request target a forward proxy needs (RFC 9112 3.2.2). */
export function absoluteTarget(url: ParsedURL): string {
  return `${url.scheme}://${url.host}${url.path}`;
}
