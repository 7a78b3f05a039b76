import { qsToQsl, urlConcat } from '@tornado-ts/httputil';
import { RequestHandler, type HandlerKwargs } from './request-handler';

/** A run of slashes or backslashes at the start: browsers read `//x` and `/\x` as another host. */
const LEADING_SLASHES = /^[/\\]{2,}/;

/**
 * Redirects every GET to `kwargs.url` (Tornado's `RedirectHandler`), permanently (301) unless
 * `permanent: false`. `{0}`, `{1}` ... are replaced by the route's positional groups and
 * `{name}` by its named groups; the request's query string is kept. A target that would start
 * with `//` (a protocol-relative URL to another host) is collapsed to a single `/`.
 */
export class RedirectHandler extends RequestHandler {
  url = '';
  permanent = true;

  override initialize(kwargs: HandlerKwargs): void {
    if (typeof kwargs.url !== 'string') throw new TypeError('RedirectHandler needs a string `url`');
    this.url = kwargs.url;
    this.permanent = kwargs.permanent === undefined ? true : Boolean(kwargs.permanent);
  }

  get(...args: unknown[]): void {
    const named = args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, string>) : null;
    let target = this.url.replace(/\{(\w*)\}/g, (placeholder, key: string) => {
      const value = named !== null ? named[key] : args[key === '' ? 0 : Number(key)];
      return value === undefined || value === null ? placeholder : String(value);
    });
    if (Object.keys(this.request.queryArguments).length > 0) {
      const pairs = [...qsToQsl(this.request.queryArguments)].map(([name, value]) => [name, value.toString('utf8')] as const);
      target = urlConcat(target, pairs);
    }
    if (LEADING_SLASHES.test(target)) target = target.replace(LEADING_SLASHES, '/');
    this.redirect(target, this.permanent);
  }
}
