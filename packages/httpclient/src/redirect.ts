import type { HTTPHeaders } from '@tornado-ts/httputil';
import { authorization } from './auth';
import { HTTPClientError } from './errors';
import { type ParsedURL, parseURL } from './target';

/** The statuses that are followed (with a Location). */
export const REDIRECT_CODES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** What a redirect changes about the request. */
export interface RedirectedRequest {
  url: ParsedURL;
  urlText: string;
  /** True when the method became GET and the body was dropped. */
  toGet: boolean;
}

const BODY_HEADERS = ['Content-Length', 'Content-Type', 'Content-Encoding', 'Transfer-Encoding', 'Expect'];

/**
 * Where a `code` redirect with `location` leads from `from` for `method`, updating `headers` for
 * the next request: the body headers go when the method becomes GET (303 for anything but HEAD,
 * 301/302 for POST, as browsers and the Fetch standard do); `Authorization` and `Cookie` go when
 * the origin (scheme, host or port) changes (CVE-2026-49853); credentials in the new URL apply.
 * @throws {HTTPClientError} (599) when the Location is not an http(s) URL.
 */
export function redirect(from: ParsedURL, code: number, location: string, method: string, headers: HTTPHeaders, authMode: string | undefined): RedirectedRequest {
  let url: ParsedURL;
  let urlText: string;
  try {
    urlText = new URL(location, from.href).href;
    url = parseURL(urlText);
  } catch (error) {
    throw new HTTPClientError(599, `Cannot follow redirect to ${JSON.stringify(location)}: ${(error as Error).message}`, { cause: error });
  }
  const toGet = (code === 303 && method !== 'HEAD') || ((code === 301 || code === 302) && method === 'POST');
  if (toGet) for (const name of BODY_HEADERS) headers.delete(name);
  if (url.origin !== from.origin) {
    headers.delete('Authorization');
    headers.delete('Cookie');
  }
  if (url.username !== null) headers.set('Authorization', authorization(authMode, url.username, url.password ?? ''));
  headers.set('Host', url.host);
  return { url, urlText, toGet };
}
