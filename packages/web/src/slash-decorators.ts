// Tornado's removeslash/addslash decorators: make a handler method answer only on the canonical
// form of its path, redirecting GET/HEAD to it and refusing other methods with 404.

import { HTTPError } from './errors';
import type { RequestHandler } from './request-handler';

/** Any handler method; the decorators keep its exact type (sync or async, any arguments). */
type AnyHandlerMethod = (this: never, ...args: never[]) => unknown;
type UntypedMethod = (this: RequestHandler, ...args: unknown[]) => unknown;

/** A run of slashes or backslashes at the start: browsers read `//x` and `/\x` as another host. */
const LEADING_SLASHES = /^[/\\]{2,}/;

/** `path` plus the request's query, never as a protocol-relative (`//host`) URL. */
function redirectTarget(handler: RequestHandler, path: string): string {
  const safePath = LEADING_SLASHES.test(path) ? path.replace(LEADING_SLASHES, '/') : path;
  const query = handler.request.query;
  return query === '' ? safePath : `${safePath}?${query}`;
}

function isGetOrHead(handler: RequestHandler): boolean {
  const method = handler.request.method;
  return method === 'GET' || method === 'HEAD';
}

/**
 * Removes trailing slashes (Tornado's `removeslash`): a GET/HEAD for `/foo/` is redirected (301)
 * to `/foo` with the query kept; other methods on such a path get 404. Route the handler with a
 * pattern like `/foo/*`. Works as a TC39 method decorator and as a wrapper (`get = removeslash(function () {...})`).
 */
export function removeslash<M extends AnyHandlerMethod>(method: M, _context?: ClassMethodDecoratorContext): M {
  const wrapper = function (this: RequestHandler, ...args: unknown[]): unknown {
    const path = this.request.path;
    if (path.endsWith('/')) {
      if (!isGetOrHead(this)) throw new HTTPError(404);
      let end = path.length;
      while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
      // A path of slashes only (`/`) has nothing to redirect to: it is served as it is.
      if (end > 0) {
        this.redirect(redirectTarget(this, path.slice(0, end)), true);
        return undefined;
      }
    }
    return (method as unknown as UntypedMethod).apply(this, args);
  };
  // After a redirect the wrapper returns undefined even for an async method; the lifecycle accepts both.
  return wrapper as unknown as M;
}

/**
 * Adds a missing trailing slash (Tornado's `addslash`): a GET/HEAD for `/foo` is redirected (301)
 * to `/foo/` with the query kept; other methods on such a path get 404. Route the handler with a
 * pattern like `/foo/?`. Works as a TC39 method decorator and as a wrapper (`get = addslash(function () {...})`).
 */
export function addslash<M extends AnyHandlerMethod>(method: M, _context?: ClassMethodDecoratorContext): M {
  const wrapper = function (this: RequestHandler, ...args: unknown[]): unknown {
    const path = this.request.path;
    if (!path.endsWith('/')) {
      if (!isGetOrHead(this)) throw new HTTPError(404);
      this.redirect(redirectTarget(this, `${path}/`), true);
      return undefined;
    }
    return (method as unknown as UntypedMethod).apply(this, args);
  };
  // After a redirect the wrapper returns undefined even for an async method; the lifecycle accepts both.
  return wrapper as unknown as M;
}
