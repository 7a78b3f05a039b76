import net from 'node:net';
import { type AddressFamily, type ResolvedAddress, type Resolver, assertFamily, assertPort } from './resolver';

/**
 * What an override applies to: `'host'`, `'host:port'` (`'[::1]:port'` for IPv6),
 * `[host, port]`, or `[host, port, family]` (family 0, 4 or 6, matching only that family).
 */
export type OverrideKey = string | readonly [host: string, port: number] | readonly [host: string, port: number, family: AddressFamily];

/** What an override leads to: another host (port unchanged) or `[host, port]`. */
export type OverrideTarget = string | readonly [host: string, port: number];

/** Overrides as a plain object with string keys, or as entries (a Map or an array of pairs) for tuple keys. */
export type OverrideMapping = Readonly<Record<string, OverrideTarget>> | Iterable<readonly [OverrideKey, OverrideTarget]>;

/** Options of {@link OverrideResolver}. */
export interface OverrideResolverOptions {
  /** Resolves whatever the mapping does not replace, and the replacements themselves. */
  resolver: Resolver;
  /** The overrides; the most specific key wins (host+port+family, then host+port, then host). */
  mapping: OverrideMapping;
}

interface Target {
  host: string;
  port: number | null;
}

function parseTarget(value: OverrideTarget): Target {
  if (typeof value === 'string') return { host: value, port: null };
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string') {
    assertPort(value[1], 'override target port');
    return { host: value[0], port: value[1] };
  }
  throw new TypeError(`override target must be a host or [host, port], got ${JSON.stringify(value)}`);
}

/** Splits `'host:port'` or `'[v6]:port'`; anything else (a name, a bare IPv6 literal) is a host. */
function splitStringKey(key: string): [host: string, port: number | null] {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(key);
  if (bracketed) return [bracketed[1], Number(bracketed[2])];
  const colon = key.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(key.slice(colon + 1)) && !net.isIPv6(key)) {
    return [key.slice(0, colon), Number(key.slice(colon + 1))];
  }
  return [key, null];
}

function entriesOf(mapping: OverrideMapping): Iterable<readonly [OverrideKey, OverrideTarget]> {
  if (Symbol.iterator in mapping) return mapping as Iterable<readonly [OverrideKey, OverrideTarget]>;
  return Object.entries(mapping as Readonly<Record<string, OverrideTarget>>);
}

/**
 * Wraps a resolver and replaces chosen host names (or host/port/family combinations) with other
 * ones before resolving: local DNS changes for tests and development without touching the system.
 */
export class OverrideResolver implements Resolver {
  #resolver: Resolver;
  #byHost = new Map<string, Target>();
  #byHostPort = new Map<string, Target>();
  #byHostPortFamily = new Map<string, Target>();

  /** @throws {TypeError | RangeError} when a key or target of `mapping` is malformed. */
  constructor(options: OverrideResolverOptions) {
    this.#resolver = options.resolver;
    for (const [key, value] of entriesOf(options.mapping)) this.#add(key, value);
  }

  /** Resolves `host`, or its replacement when the mapping has one, with the wrapped resolver. */
  resolve(host: string, port: number, family: AddressFamily = 0): Promise<ResolvedAddress[]> {
    const target =
      this.#byHostPortFamily.get(JSON.stringify([host, port, family])) ??
      this.#byHostPort.get(JSON.stringify([host, port])) ??
      this.#byHost.get(host);
    if (target === undefined) return this.#resolver.resolve(host, port, family);
    return this.#resolver.resolve(target.host, target.port ?? port, family);
  }

  /** Closes the wrapped resolver. */
  close(): void {
    this.#resolver.close?.();
  }

  #add(key: OverrideKey, value: OverrideTarget): void {
    const target = parseTarget(value);
    if (typeof key === 'string') {
      const [host, port] = splitStringKey(key);
      if (port === null) this.#byHost.set(host, target);
      else this.#addHostPort(host, port, target);
      return;
    }
    if (!Array.isArray(key) || typeof key[0] !== 'string' || (key.length !== 2 && key.length !== 3)) {
      throw new TypeError(`override key must be a host, 'host:port', [host, port] or [host, port, family], got ${JSON.stringify(key)}`);
    }
    if (key.length === 2) {
      this.#addHostPort(key[0], key[1], target);
      return;
    }
    assertPort(key[1], 'override key port');
    assertFamily(key[2]);
    this.#byHostPortFamily.set(JSON.stringify([key[0], key[1], key[2]]), target);
  }

  #addHostPort(host: string, port: number, target: Target): void {
    assertPort(port, 'override key port');
    this.#byHostPort.set(JSON.stringify([host, port]), target);
  }
}
