import { qsToQsl, urlConcat } from '@tornado-ts/httputil';
import { RequestHandler, type HandlerKwargs } from './request-handler';

/**
 * The start of a target that browsers read as another host (`//x`, `/\x`): two slashes or
 * backslashes, counting the tabs and line breaks browsers delete from URLs (`/<TAB>/x`) and the
 * control characters and spaces they trim from the front.
 */
const PROTOCOL_RELATIVE = /^[\x00-\x20]*[/\\][\t\n\r]*[/\\][\t\n\r/\\]*/;

/**
 * Redirects every GET to `kwargs.url` (Tornado's `RedirectHandler`), permanently (301) unless
 * `permanent: false`. `{0}`, `{1}` ... are replaced by the route's positional groups and
 * `{name}` by its named groups; the request's query string is kept. A target that would start
 * with `//` (a protocol-relative URL to another host, also when tabs or line breaks sit between
 * the slashes) is collapsed to a single `/`.
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
    target = target.replace(PROTOCOL_RELATIVE, '/');
    this.redirect(target, this.permanent);
  }
}
