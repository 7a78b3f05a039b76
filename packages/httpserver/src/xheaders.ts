import {
  isValidIp,
  type HTTPConnection,
  type HTTPHeaders,
  type HTTPMessageDelegate,
  type HTTPRequestContext,
  type RequestStartLine,
  type ResponseStartLine,
} from '@tornado-ts/httputil';

/** Strips HTTP whitespace (SP and HTAB only: an NBSP must not turn an invalid address valid). */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * The client address a proxy reported (Tornado's `_apply_xheaders`): `X-Real-Ip` if present,
 * else the right-most `X-Forwarded-For` entry not in `trusted` (the left-most when all are).
 * Returns `fallback` when there is no such header or the value is not an IP literal.
 */
export function forwardedIp(headers: HTTPHeaders, fallback: string | null, trusted: ReadonlySet<string>): string | null {
  let ip = headers.get('X-Real-Ip');
  if (ip === undefined) {
    const forwarded = headers.get('X-Forwarded-For');
    if (forwarded === undefined) return fallback;
    let end = forwarded.length;
    for (;;) {
      const comma = forwarded.lastIndexOf(',', end - 1);
      ip = trimOws(forwarded.slice(comma + 1, end));
      if (comma === -1 || !trusted.has(ip)) break;
      end = comma;
    }
  }
  return isValidIp(ip) ? ip : fallback;
}

/**
 * The scheme a proxy reported: `X-Scheme`, else `X-Forwarded-Proto`, its right-most entry
 * (the closest proxy's), lower-cased; `fallback` unless that is `http` or `https`.
 */
export function forwardedProtocol(headers: HTTPHeaders, fallback: string): string {
  const header = headers.get('X-Scheme') ?? headers.get('X-Forwarded-Proto');
  if (header === undefined) return fallback;
  const proto = trimOws(header.slice(header.lastIndexOf(',') + 1)).toLowerCase();
  return proto === 'http' || proto === 'https' ? proto : fallback;
}

/**
 * Tornado's `_ProxyAdapter`: wraps a request's message delegate and, when the headers arrive,
 * rewrites the connection's context (`remoteIp`, `protocol`) from the proxy headers before the
 * inner delegate sees them; the peer's values come back once the request is done, so nothing
 * leaks into the next request on a kept-alive connection.
 */
export class XHeadersAdapter implements HTTPMessageDelegate {
  readonly #delegate: HTTPMessageDelegate;
  readonly #context: HTTPRequestContext | undefined;
  readonly #trusted: ReadonlySet<string>;
  #savedIp: string | null = null;
  #savedProtocol = '';
  #applied = false;

  constructor(delegate: HTTPMessageDelegate, connection: HTTPConnection, trusted: ReadonlySet<string>) {
    this.#delegate = delegate;
    this.#context = connection.context;
    this.#trusted = trusted;
  }

  headersReceived(startLine: RequestStartLine | ResponseStartLine, headers: HTTPHeaders): void | Promise<void> {
    const context = this.#context;
    if (context !== undefined) {
      this.#savedIp = context.remoteIp;
      this.#savedProtocol = context.protocol;
      this.#applied = true;
      context.remoteIp = forwardedIp(headers, context.remoteIp, this.#trusted);
      context.protocol = forwardedProtocol(headers, context.protocol);
    }
    return this.#delegate.headersReceived(startLine, headers);
  }

  dataReceived(chunk: Buffer): void | Promise<void> {
    return this.#delegate.dataReceived(chunk);
  }

  /** Passes on the inner delegate's result (the codec awaits a promise from `finish`). */
  finish(): void | Promise<void> {
    try {
      return this.#delegate.finish() as void | Promise<void>;
    } finally {
      this.#restore();
    }
  }

  onConnectionClose(): void {
    try {
      this.#delegate.onConnectionClose();
    } finally {
      this.#restore();
    }
  }

  #restore(): void {
    if (!this.#applied) return;
    this.#applied = false;
    const context = this.#context as HTTPRequestContext;
    context.remoteIp = this.#savedIp;
    context.protocol = this.#savedProtocol;
  }
}
