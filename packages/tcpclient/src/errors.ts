import net from 'node:net';

const RESOLVE_BRAND = Symbol.for('tornado-ts.ResolveError');
const CONNECT_BRAND = Symbol.for('tornado-ts.ConnectError');

/** `host:port`, with an IPv6 literal in brackets (`[::1]:80`), for messages. */
export function formatHostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A host name could not be turned into addresses: the lookup failed (its error is `cause`) or
 * returned nothing. `instanceof` holds across duplicate installs.
 */
export class ResolveError extends Error {
  readonly code = 'TORNADO_ERR_RESOLVE';
  /** The name that failed to resolve. */
  readonly host: string;

  constructor(host: string, options: { cause?: unknown; reason?: string } = {}) {
    const reason = options.reason ?? ('cause' in options ? messageOf(options.cause) : 'no addresses found');
    super(`Could not resolve ${JSON.stringify(host)}: ${reason}`, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'ResolveError';
    this.host = host;
    Object.defineProperty(this, RESOLVE_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && RESOLVE_BRAND in value;
  }
}

/**
 * Every address of `host:port` refused or failed. `errors` holds each attempt's error in the order
 * they failed and `cause` the last one (say `connect ECONNREFUSED 127.0.0.1:8888`).
 * `instanceof` holds across duplicate installs.
 */
export class ConnectError extends Error {
  readonly code = 'TORNADO_ERR_CONNECT';
  /** The host the caller asked for (before resolution). */
  readonly host: string;
  /** The port the caller asked for. */
  readonly port: number;
  /** The error of each failed attempt, oldest first. */
  readonly errors: readonly unknown[];

  constructor(host: string, port: number, errors: readonly unknown[] = []) {
    const last = errors.length > 0 ? errors[errors.length - 1] : undefined;
    const reason = last === undefined ? 'no addresses to try' : messageOf(last);
    super(`Could not connect to ${formatHostPort(host, port)}: ${reason}`, last === undefined ? undefined : { cause: last });
    this.name = 'ConnectError';
    this.host = host;
    this.port = port;
    this.errors = [...errors];
    Object.defineProperty(this, CONNECT_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && CONNECT_BRAND in value;
  }
}
