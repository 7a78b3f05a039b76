// XSRF protection for a handler (Tornado's xsrf_token / check_xsrf_cookie / xsrf_form_html), on
// top of the token encodings of xsrf-token.ts. The raw token lives in a cookie; forms and headers
// carry it masked, so it never repeats on a page.

import { xhtmlEscape } from '@tornado-ts/escape';
import type { CookieOptions } from './cookie-header';
import { HTTPError } from './errors';
import type { RequestHandler } from './request-handler';
import { decodeXsrfToken, encodeXsrfToken, newXsrfTokenBytes, xsrfTokensEqual, type DecodedXsrfToken } from './xsrf-token';

const rawTokens = new WeakMap<RequestHandler, DecodedXsrfToken>();
const outputTokens = new WeakMap<RequestHandler, string>();

/** The raw token from the request's XSRF cookie, or a new one (version null) made once per request. */
function rawXsrfToken(handler: RequestHandler): DecodedXsrfToken {
  let raw = rawTokens.get(handler);
  if (raw === undefined) {
    const cookie = handler.getCookie(handler.settings.xsrfCookieName);
    const decoded = cookie ? decodeXsrfToken(cookie) : null;
    raw = decoded ?? { version: null, token: newXsrfTokenBytes(), timestamp: Date.now() / 1000 };
    rawTokens.set(handler, raw);
  }
  return raw;
}

/** The token for this request's forms and headers; sets the XSRF cookie when the request had none. */
export function handlerXsrfToken(handler: RequestHandler): string {
  let token = outputTokens.get(handler);
  if (token === undefined) {
    const raw = rawXsrfToken(handler);
    token = encodeXsrfToken(raw.token, raw.timestamp, handler.settings.xsrfCookieVersion);
    outputTokens.set(handler, token);
    if (raw.version === null) {
      const options: CookieOptions = { ...handler.settings.xsrfCookieKwargs };
      // A logged-in user keeps the token for a month unless the app chose otherwise (as Tornado).
      if (handler.currentUser && options.expiresDays === undefined && options.expires === undefined && options.maxAge === undefined) {
        options.expiresDays = 30;
      }
      handler.setCookie(handler.settings.xsrfCookieName, token, options);
    }
  }
  return token;
}

/**
 * Checks that the `_xsrf` argument, or the `X-XSRFToken` / `X-CSRFToken` header, carries the
 * token of the XSRF cookie.
 * @throws {HTTPError} 403 when it is missing, malformed or different.
 */
export function checkHandlerXsrf(handler: RequestHandler): void {
  const headers = handler.request.headers;
  const sent = handler.getArgument('_xsrf', null) || headers.get('X-Xsrftoken') || headers.get('X-Csrftoken');
  if (!sent) throw new HTTPError(403, "'_xsrf' argument missing from POST");
  const decoded = decodeXsrfToken(sent);
  if (decoded === null || decoded.token.length === 0) throw new HTTPError(403, "'_xsrf' argument has invalid format");
  const expected = rawXsrfToken(handler).token;
  if (!xsrfTokensEqual(decoded.token, expected)) throw new HTTPError(403, 'XSRF cookie does not match POST argument');
}

/** A hidden form field with the token: `<input type="hidden" name="_xsrf" value="..."/>`. */
export function handlerXsrfFormHtml(handler: RequestHandler): string {
  return `<input type="hidden" name="_xsrf" value="${xhtmlEscape(handlerXsrfToken(handler))}"/>`;
}
