import type { TLSClientOptions } from '@tornado-ts/tcpclient';
import type { HTTPRequestSettings, PEMInput } from './http-request';

/** A URL taken apart for a request; shared and immutable (see parseTarget's cache). */
export interface ParsedURL {
  /** The URL without credentials or fragment. */
  readonly href: string;
  readonly scheme: 'http' | 'https';
  /** The host to connect to: a name or an IP address, without IPv6 brackets. */
  readonly hostname: string;
  readonly port: number;
  /** `Host` header value: the host, plus the port when it is not the scheme's default. */
  readonly host: string;
  /** Origin-form request target: path and query. */
  readonly path: string;
  /** `scheme://host:port`, for telling a cross-origin redirect. */
  readonly origin: string;
  /** Credentials written in the URL, decoded; null when there are none. */
  readonly username: string | null;
  readonly password: string | null;
  /** How to connect with default settings (no proxy, default TLS verification): computed once per URL. */
  readonly direct: ConnectPlan;
}

/** Node TLS options of the default identity: verify against Node's CAs. Shared; never changed. */
const DEFAULT_TLS: TLSClientOptions = Object.freeze({ rejectUnauthorized: true });

const CACHE_LIMIT = 256;
/** Parsed URLs by their text: fetching the same URLs again (the usual case) parses nothing. */
const cache = new Map<string, ParsedURL>();

/** Parses an http(s) URL. @throws {TypeError} for an invalid URL or another scheme. */
export function parseURL(url: string): ParsedURL {
  const cached = cache.get(url);
  if (cached !== undefined) return cached;
  const parsed = parse(url);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(url, parsed);
  return parsed;
}

function parse(text: string): ParsedURL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`Invalid URL: ${JSON.stringify(text)}`);
  }
  const scheme = url.protocol === 'http:' ? 'http' : url.protocol === 'https:' ? 'https' : null;
  if (scheme === null) throw new TypeError(`Unsupported URL scheme: ${JSON.stringify(text)}`);
  if (url.hostname === '') throw new TypeError(`URL without a host: ${JSON.stringify(text)}`);
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const username = url.username === '' ? null : decodeURIComponent(url.username);
  const password = username === null ? null : decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.hash = '';
  const origin = `${scheme}://${url.hostname}:${port}`;
  const direct: ConnectPlan = Object.freeze({
    key: origin,
    host: hostname,
    port,
    tls: scheme === 'https' ? DEFAULT_TLS : null,
    proxy: 'none',
    proxyAuthorization: null,
    family: 0,
    sourceIp: undefined,
  });
  return Object.freeze({
    href: url.href,
    scheme,
    hostname,
    port,
    host: url.host,
    path: `${url.pathname === '' ? '/' : url.pathname}${url.search}`,
    origin,
    username,
    password,
    direct,
  });
}

/**
 * Small ids for TLS material: strings by value, objects (Buffers, option objects) by identity.
 * Ids are never reused; the string map is emptied when it grows past STRING_ID_LIMIT (a string
 * seen again then gets a new id, which costs at most the reuse of its pooled connections).
 */
const stringIds = new Map<string, number>();
const STRING_ID_LIMIT = 1024;
const objectIds = new WeakMap<object, number>();
let nextId = 1;

function idOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') {
    let id = stringIds.get(value);
    if (id === undefined) {
      if (stringIds.size >= STRING_ID_LIMIT) stringIds.clear();
      stringIds.set(value, (id = nextId++));
    }
    return `s${id}`;
  }
  if (typeof value === 'object') {
    if (Array.isArray(value)) return `[${value.map(idOf).join(',')}]`;
    let id = objectIds.get(value);
    if (id === undefined) objectIds.set(value, (id = nextId++));
    return `o${id}`;
  }
  return String(value);
}

/** The TLS settings a request resolves to (request value, else client default). */
export interface TLSSettings {
  validateCert: boolean;
  ca: PEMInput | undefined;
  clientKey: PEMInput | undefined;
  clientCert: PEMInput | undefined;
  tls: TLSClientOptions | undefined;
}

/**
 * A key naming the TLS identity of a connection, so that a pooled connection is only reused by a
 * request with the same verification and client certificate (the credential leak of Tornado
 * 6.5.7). Empty for the defaults.
 */
export function tlsIdentity(settings: TLSSettings): string {
  if (settings.validateCert && settings.ca === undefined && settings.clientKey === undefined && settings.clientCert === undefined && settings.tls === undefined) {
    return '';
  }
  return `${settings.validateCert ? 'v' : 'n'}|${idOf(settings.ca)}|${idOf(settings.clientKey)}|${idOf(settings.clientCert)}|${idOf(settings.tls)}`;
}

/** Node TLS options for the settings. */
export function tlsOptions(settings: TLSSettings): TLSClientOptions {
  const options: TLSClientOptions = { rejectUnauthorized: settings.validateCert };
  if (settings.ca !== undefined) options.ca = settings.ca as TLSClientOptions['ca'];
  if (settings.clientKey !== undefined) options.key = settings.clientKey as TLSClientOptions['key'];
  if (settings.clientCert !== undefined) options.cert = settings.clientCert as TLSClientOptions['cert'];
  return settings.tls === undefined ? options : { ...options, ...settings.tls };
}

/** Where a request's connection goes and under which pool key; computed per hop. */
export interface ConnectPlan {
  readonly key: string;
  /** The host and port of the TCP connection (the proxy's when there is one). */
  readonly host: string;
  readonly port: number;
  /** TLS with the origin: directly, or inside the tunnel; null for http. */
  readonly tls: TLSClientOptions | null;
  /** Through an HTTP proxy: how. */
  readonly proxy: 'none' | 'forward' | 'tunnel';
  /** `Proxy-Authorization` value, or null. */
  readonly proxyAuthorization: string | null;
  readonly family: 0 | 4;
  readonly sourceIp: string | undefined;
}

/** Settings that decide the connection (request value, else client default). */
export type PlanSettings = TLSSettings & Pick<HTTPRequestSettings, 'proxyHost' | 'proxyPort' | 'networkInterface' | 'allowIpv6'>;

/** How to reach `url` with these settings, and the key under which such connections are pooled. */
export function planConnection(url: ParsedURL, settings: PlanSettings, proxyAuthorization: string | null): ConnectPlan {
  const https = url.scheme === 'https';
  const identity = https ? tlsIdentity(settings) : '';
  const family = settings.allowIpv6 === false ? 4 : 0;
  const sourceIp = settings.networkInterface;
  let suffix = '';
  if (identity !== '') suffix += `|tls:${identity}`;
  if (family === 4) suffix += '|ipv4';
  if (sourceIp !== undefined) suffix += `|from:${sourceIp}`;
  const tls = https ? tlsOptions(settings) : null;
  if (settings.proxyHost === undefined || settings.proxyHost === '') {
    return { key: `${url.origin}${suffix}`, host: url.hostname, port: url.port, tls, proxy: 'none', proxyAuthorization: null, family, sourceIp };
  }
  const proxyPort = settings.proxyPort ?? 80;
  // Proxy credentials are part of the key: a tunnel opened with one user's never serves another's.
  const via = `|via:${settings.proxyHost}:${proxyPort}|${idOf(proxyAuthorization)}`;
  return {
    // Forwarded requests name their origin on each request, so one proxy connection serves any http origin.
    key: https ? `${url.origin}${via}${suffix}` : `http-proxy${via}${suffix}`,
    host: settings.proxyHost,
    port: proxyPort,
    tls,
    proxy: https ? 'tunnel' : 'forward',
    proxyAuthorization,
    family,
    sourceIp,
  };
}
