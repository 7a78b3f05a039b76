import { statusReason } from '@tornado-ts/httputil';
import type { HTTPResponse } from './http-response';

const CLIENT_ERROR_BRAND = Symbol.for('tornado-ts.HTTPClientError');

/** Options of {@link HTTPClientError}: the response it describes, if one arrived, and the underlying error. */
export interface HTTPClientErrorOptions {
  response?: HTTPResponse | null;
  cause?: unknown;
}

/**
 * An unsuccessful fetch (Tornado's `HTTPClientError`). `status` is the HTTP status of a non-2xx
 * response (which is in `response`), or 599 when no response arrived: a network error or a
 * timeout, whose underlying error is `cause`. `instanceof` holds across duplicate installs.
 */
export class HTTPClientError extends Error {
  override name = 'HTTPClientError';
  readonly code: string = 'TORNADO_ERR_HTTP_CLIENT';
  /** Tornado's `code`: the response status, or 599 when there was no response. */
  readonly status: number;
  /** The response, when the server answered (a non-2xx status, or a redirect not followed). */
  readonly response: HTTPResponse | null;

  constructor(status: number, message?: string | null, options: HTTPClientErrorOptions = {}) {
    super(
      (new.target as typeof HTTPClientError).format(status, message),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.status = status;
    this.response = options.response ?? null;
    Object.defineProperty(this, CLIENT_ERROR_BRAND, { value: true });
  }

  /** `HTTP 404: Not Found`, as Tornado prints these errors; subclasses print their message alone. */
  protected static format(status: number, message: string | null | undefined): string {
    return `HTTP ${status}: ${message ?? statusReason(status)}`;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && CLIENT_ERROR_BRAND in value;
  }
}

/** No response in time: in the `maxClients` queue, while connecting, or during the request (status 599). */
export class HTTPTimeoutError extends HTTPClientError {
  override name = 'HTTPTimeoutError';
  override readonly code: string = 'TORNADO_ERR_HTTP_CLIENT_TIMEOUT';

  constructor(message = 'Timeout', options: HTTPClientErrorOptions = {}) {
    super(599, message, options);
  }

  protected static override format(_status: number, message: string | null | undefined): string {
    return message ?? 'Timeout';
  }
}

/**
 * The connection closed before the response was complete, or the response was malformed or over
 * a limit and the connection was closed for it (status 599; the reason is `cause`).
 */
export class HTTPStreamClosedError extends HTTPClientError {
  override name = 'HTTPStreamClosedError';
  override readonly code: string = 'TORNADO_ERR_HTTP_CLIENT_STREAM_CLOSED';

  constructor(message = 'Stream closed', options: HTTPClientErrorOptions = {}) {
    super(599, message, options);
  }

  protected static override format(_status: number, message: string | null | undefined): string {
    return message ?? 'Stream closed';
  }
}
