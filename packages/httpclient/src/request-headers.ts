import type { HTTPHeaders } from '@tornado-ts/httputil';
import { authorization } from './auth';
import type { BodyProducer } from './body-producer';
import { ACCEPT_ENCODING } from './decompress';
import { outgoingHeaders, type HTTPRequest } from './http-request';
import type { RequestSettings } from './request-settings';
import type { ParsedURL } from './target';

const SUPPORTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/**
 * Checks the method against the body, as Tornado does unless `allowNonstandardMethods`: unknown
 * methods, and a body where one is unusual (or none where one is expected), are likely mistakes.
 * @throws {TypeError}
 */
export function checkMethod(method: string, hasBody: boolean, settings: RequestSettings): void {
  if (settings.allowNonstandardMethods) return;
  if (!SUPPORTED_METHODS.has(method)) throw new TypeError(`Unknown method ${JSON.stringify(method)} (set allowNonstandardMethods to send it)`);
  const bodyExpected = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (bodyExpected !== hasBody) {
    throw new TypeError(`Body must ${bodyExpected ? 'not ' : ''}be null for method ${method} (unless allowNonstandardMethods is true)`);
  }
}

/**
 * The headers a fetch sends, from a copy of the request's own: Host, Authorization (URL
 * credentials, else authUsername), User-Agent, Accept-Encoding, Expect, the body's framing and
 * POST's default Content-Type. `expectContinue` only applies when there is a body.
 * @throws {TypeError} for an unsupported auth mode. @throws {HTTPOutputError} for an unsafe value.
 */
export function requestHeaders(
  request: HTTPRequest,
  settings: RequestSettings,
  url: ParsedURL,
  body: Buffer | null,
  bodyProducer: BodyProducer | null,
  expectContinue: boolean,
  defaultUserAgent: string,
): HTTPHeaders {
  const headers = outgoingHeaders(request.headers);
  if (url.username !== null) headers.set('Authorization', authorization(settings.authMode, url.username, url.password ?? ''));
  else if (settings.authUsername !== undefined) headers.set('Authorization', authorization(settings.authMode, settings.authUsername, settings.authPassword));
  if (settings.userAgent !== undefined) headers.set('User-Agent', settings.userAgent);
  else if (!headers.has('User-Agent')) headers.set('User-Agent', defaultUserAgent);
  if (settings.decompressResponse) headers.set('Accept-Encoding', ACCEPT_ENCODING);
  if (expectContinue) headers.set('Expect', '100-continue');
  if (body !== null) headers.set('Content-Length', String(body.length));
  else if (bodyProducer !== null && !headers.has('Content-Length') && !headers.has('Transfer-Encoding')) headers.set('Transfer-Encoding', 'chunked');
  if (request.method === 'POST' && !headers.has('Content-Type')) headers.set('Content-Type', 'application/x-www-form-urlencoded');
  if (!headers.has('Host')) headers.set('Host', url.host);
  return headers;
}
