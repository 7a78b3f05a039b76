import { HTTPHeaders, statusReason } from '@tornado-ts/httputil';
import { HTTPClientError } from './errors';
import type { HTTPRequest } from './http-request';

const EMPTY = Buffer.alloc(0);

/**
 * Timings of a fetch in ms (Tornado's `time_info`): `queue` is the wait for a `maxClients` slot,
 * `connect` the time to open a connection (0 when a pooled one was reused), `total` from leaving
 * the queue to the end of the last response.
 */
export interface TimeInfo {
  queue: number;
  connect: number;
  total: number;
  /** Redirects followed. */
  redirects: number;
}

/** What `new HTTPResponse(request, code, init)` takes besides the request and status. */
export interface HTTPResponseInit {
  reason?: string | null;
  headers?: HTTPHeaders | null;
  body?: Buffer | null;
  effectiveUrl?: string | null;
  error?: Error | null;
  requestTime?: number | null;
  startTime?: number | null;
  timeInfo?: TimeInfo | null;
  /** Added to the message of the status error (say, why a redirect was not followed). */
  errorDetail?: string | null;
}

/**
 * The outcome of a fetch (Tornado's `HTTPResponse`). `error` is set for a non-2xx status (an
 * HTTPClientError carrying this response) or, with code 599, when no response arrived.
 */
export class HTTPResponse {
  /** The request as the caller made it (not the redirected one). */
  readonly request: HTTPRequest;
  readonly code: number;
  readonly reason: string;
  readonly headers: HTTPHeaders;
  /** The whole body; empty with a `streamingCallback`, for HEAD, or when no response arrived. */
  readonly body: Buffer;
  /** The URL of the response after redirects. */
  readonly effectiveUrl: string;
  readonly error: Error | null;
  /** True when `error` only reports the status code (a fetch with `raiseError: false` returns such a response). */
  readonly errorIsResponseCode: boolean;
  /** Ms from leaving the queue to the end of the response (the last one, after redirects). */
  readonly requestTime: number | null;
  /** Wall-clock ms (Date.now()) when the request left the queue; null if it never did. */
  readonly startTime: number | null;
  readonly timeInfo: TimeInfo | null;

  constructor(request: HTTPRequest, code: number, init: HTTPResponseInit = {}) {
    this.request = request;
    this.code = code;
    this.reason = init.reason ?? statusReason(code);
    this.headers = init.headers ?? new HTTPHeaders();
    this.body = init.body ?? EMPTY;
    this.effectiveUrl = init.effectiveUrl ?? request.url;
    this.requestTime = init.requestTime ?? null;
    this.startTime = init.startTime ?? null;
    this.timeInfo = init.timeInfo ?? null;
    if (init.error !== undefined && init.error !== null) {
      this.error = init.error;
      this.errorIsResponseCode = false;
    } else if (code < 200 || code >= 300) {
      const detail = init.errorDetail ?? null;
      this.error = new HTTPClientError(code, detail === null ? this.reason : `${this.reason} (${detail})`, { response: this });
      this.errorIsResponseCode = true;
    } else {
      this.error = null;
      this.errorIsResponseCode = false;
    }
  }

  /** The body decoded as text (UTF-8 unless told otherwise). */
  text(encoding: BufferEncoding = 'utf8'): string {
    return this.body.toString(encoding);
  }

  /** The body parsed as JSON. @throws {SyntaxError} when it is not JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.body.toString('utf8')) as T;
  }

  /** Throws `error` if there is one (Tornado's `rethrow`). @throws {HTTPClientError} */
  rethrow(): void {
    if (this.error !== null) throw this.error;
  }
}
