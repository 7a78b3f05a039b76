import dns from 'node:dns';
import { ResolveError } from './errors';

/** Which addresses a lookup may return: 0 any (Tornado's `AF_UNSPEC`), 4 IPv4 only, 6 IPv6 only. */
export type AddressFamily = 0 | 4 | 6;

/** One place to connect to: an IP address of a known family and the port to use there. */
export interface ResolvedAddress {
  /** 4 for IPv4, 6 for IPv6. */
  readonly family: 4 | 6;
  /** The IP address, without brackets (`'127.0.0.1'`, `'::1'`). */
  readonly address: string;
  /** The port; usually the one asked for, but a resolver may change it (OverrideResolver does). */
  readonly port: number;
}

/**
 * Turns a host name and port into the addresses to try, in the order to try them. TCPClient
 * takes any object of this shape, so tests and applications can supply their own.
 */
export interface Resolver {
  /**
   * Resolves `host` (a name or an IP literal) for `port`, keeping the order of preference.
   * Rejects with ResolveError (the lookup error as `cause`) when there is no address.
   */
  resolve(host: string, port: number, family?: AddressFamily): Promise<ResolvedAddress[]>;
  /** Frees what the resolver holds; optional, since most hold nothing. */
  close?(): void;
}

/** The shape of `dns.promises.lookup` with `all: true`: what DefaultResolver asks for addresses. */
export type LookupAllFunction = (hostname: string, options: { all: true; family: AddressFamily }) => Promise<dns.LookupAddress[]>;

/** Options of {@link DefaultResolver}. */
export interface DefaultResolverOptions {
  /** Replaces `dns.promises.lookup` (a cache, a test double, a service-discovery lookup). */
  lookup?: LookupAllFunction;
}

/** Throws a RangeError unless `port` is a whole number from 0 to 65535. */
export function assertPort(port: number, what = 'port'): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${what} must be an integer from 0 to 65535, got ${String(port)}`);
  }
}

/** Throws a RangeError unless `family` is 0, 4 or 6. */
export function assertFamily(family: number): void {
  if (family !== 0 && family !== 4 && family !== 6) {
    throw new RangeError(`family must be 0, 4 or 6, got ${String(family)}`);
  }
}

/**
 * The resolver TCPClient uses by default: `dns.lookup` with `all: true`, which asks the system
 * (getaddrinfo, /etc/hosts, nsswitch) on libuv's thread pool, so it never blocks the event loop.
 * Addresses keep the system's order (see `dns.setDefaultResultOrder`).
 */
export class DefaultResolver implements Resolver {
  #lookup: LookupAllFunction;

  constructor(options: DefaultResolverOptions = {}) {
    this.#lookup = options.lookup ?? dns.promises.lookup;
  }

  /** Looks `host` up; rejects with ResolveError when the lookup fails or finds no address of `family`. */
  async resolve(host: string, port: number, family: AddressFamily = 0): Promise<ResolvedAddress[]> {
    assertPort(port);
    assertFamily(family);
    // dns.lookup('') answers with no address (and a deprecation warning) rather than failing.
    if (host === '') throw new ResolveError(host, { reason: 'empty host name' });
    let found: dns.LookupAddress[];
    try {
      found = await this.#lookup(host, { all: true, family });
    } catch (error) {
      throw new ResolveError(host, { cause: error });
    }
    const addresses: ResolvedAddress[] = [];
    for (const { address, family: got } of found) {
      // An IP literal comes back as given whatever family was asked for; getaddrinfo would refuse it.
      if ((got === 4 || got === 6) && (family === 0 || got === family)) addresses.push({ family: got, address, port });
    }
    if (addresses.length === 0) {
      throw new ResolveError(host, { reason: family === 0 ? 'no addresses found' : `no IPv${family} address found` });
    }
    return addresses;
  }

  /** Nothing to free: dns.lookup holds no state. Present so the client can close what it owns. */
  close(): void {}
}
