import { HTTPError } from './errors';
import type { RequestHandler } from './request-handler';

type HandlerMethod<This extends RequestHandler, Args extends unknown[], Result> = (this: This, ...args: Args) => Result;

/** True for `http://...`, `https:...` and other URLs with a scheme (Python's urlsplit(...).scheme). */
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Requires a logged-in user (`currentUser` truthy) for a handler method. Anonymous GET/HEAD
 * requests are redirected to `loginUrl` with `next` (the full URL when `loginUrl` is absolute,
 * else the path); other methods get 403. Works as a TC39 method decorator (`@authenticated`)
 * and as a wrapper (`get = authenticated(async function () {...})`).
 */
export function authenticated<This extends RequestHandler, Args extends unknown[], Result>(
  method: HandlerMethod<This, Args, Result>,
  _context?: ClassMethodDecoratorContext<This, HandlerMethod<This, Args, Result>>,
): HandlerMethod<This, Args, Result | undefined> {
  return function (this: This, ...args: Args): Result | undefined {
    if (!this.currentUser) {
      const requestMethod = this.request.method;
      if (requestMethod === 'GET' || requestMethod === 'HEAD') {
        let loginUrl = this.getLoginUrl();
        if (!loginUrl.includes('?')) {
          const next = HAS_SCHEME.test(loginUrl) ? this.request.fullUrl() : this.request.uri;
          loginUrl += `?${new URLSearchParams({ next }).toString()}`;
        }
        this.redirect(loginUrl);
        return undefined;
      }
      throw new HTTPError(403);
    }
    return method.apply(this, args);
  };
}
