// The server side of the opening handshake that we check ourselves, before the stream leaves HTTP:
// a bad request is answered by the web stack (400/426 with a body, keep-alive intact), and only a
// request ws will accept is handed over. Checks follow Tornado's WebSocketHandler.get and RFC 6455 4.2.1.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HTTPServerRequest } from '@tornado-ts/httputil';

/** A refused handshake: the status, the message sent as the body, and any header to add. */
export interface HandshakeRefusal {
  status: number;
  message: string;
  header?: readonly [string, string];
}

/** A Sec-WebSocket-Key is 16 random bytes in base64 (what ws also requires). */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;
/** The protocol versions ws speaks: 13 (RFC 6455) and 8 (the last draft). */
const SUPPORTED_VERSIONS = new Set(['13', '8']);
const UNSUPPORTED_VERSION: HandshakeRefusal = {
  status: 426,
  message: 'Unsupported WebSocket version',
  header: ['Sec-WebSocket-Version', '13, 8'],
};

/** Why `request` is not an acceptable WebSocket upgrade, or null when it is. */
export function refuseHandshake(request: HTTPServerRequest): HandshakeRefusal | null {
  const headers = request.headers;
  if (request.version !== 'HTTP/1.1') return { status: 400, message: 'WebSocket upgrades need HTTP/1.1' };
  if ((headers.get('Upgrade') ?? '').toLowerCase() !== 'websocket') {
    return { status: 400, message: 'Can "Upgrade" only to "WebSocket".' };
  }
  if (!hasToken(headers.get('Connection') ?? '', 'upgrade')) return { status: 400, message: '"Connection" must be "Upgrade".' };
  const version = headers.get('Sec-WebSocket-Version');
  if (version === undefined || !SUPPORTED_VERSIONS.has(version.trim())) return UNSUPPORTED_VERSION;
  if (!headers.has('Host')) return { status: 400, message: 'Missing Host header' };
  const key = headers.getList('Sec-WebSocket-Key');
  if (key.length !== 1 || !KEY_PATTERN.test(key[0].trim())) return { status: 400, message: 'Missing/Invalid WebSocket headers' };
  return null;
}

/** True when the comma-separated header `value` lists `token` (compared lower-case). */
function hasToken(value: string, token: string): boolean {
  for (const part of value.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/** The subprotocols the client offers, in its order (Tornado splits on commas and strips). */
export function offeredSubprotocols(request: HTTPServerRequest): string[] {
  const header = request.headers.get('Sec-WebSocket-Protocol');
  if (header === undefined) return [];
  return header
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** `scheme://netloc...`: the netloc is what an Origin names as its host (and port). */
const ORIGIN_NETLOC = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/**
 * Tornado's default `checkOrigin`: the origin's host-and-port must equal the request's Host
 * header, case-insensitively. Subdomains, other ports and bare hosts without a scheme fail.
 */
export function sameOrigin(origin: string, host: string): boolean {
  const match = ORIGIN_NETLOC.exec(origin);
  if (match === null || match[1] === '') return false;
  return match[1].toLowerCase() === host.toLowerCase();
}

/**
 * The `http.IncomingMessage` subset ws's `handleUpgrade` reads: method, url, the handshake's
 * headers by lower-case name, and the socket (for its `encrypted` flag).
 */
export function upgradeRequestFor(request: HTTPServerRequest, socket: Duplex): IncomingMessage {
  const source = request.headers;
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = source.get(name);
    if (value !== undefined) headers[name] = value;
  }
  return { method: request.method, url: request.uri, headers, socket } as unknown as IncomingMessage;
}

const FORWARDED_HEADERS = [
  'host',
  'upgrade',
  'connection',
  'origin',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
] as const;
