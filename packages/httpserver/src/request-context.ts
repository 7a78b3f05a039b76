import type net from 'node:net';
import type { HTTPRequestContext } from '@tornado-ts/httputil';

/**
 * Where one connection's requests come from (Tornado's `_HTTPRequestContext`): the peer's IP
 * (null on a unix socket) and `http`/`https`. `XHeadersAdapter` rewrites both for the length of
 * a request when the server trusts proxy headers.
 */
export class ServerRequestContext implements HTTPRequestContext {
  remoteIp: string | null;
  protocol: string;
  /** The peer's address as accepted (`family: 'unix'` for a unix socket). */
  readonly address: net.AddressInfo;

  constructor(address: net.AddressInfo, protocol: string) {
    this.address = address;
    this.remoteIp = address.family === 'unix' || address.address === '' ? null : address.address;
    this.protocol = protocol;
  }

  /** The address for log lines: the IP, or `unix socket`. */
  toString(): string {
    return this.remoteIp ?? 'unix socket';
  }
}
