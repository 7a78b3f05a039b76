import { forEachFormField } from './query-string';

/** Arguments for {@link urlConcat}: an object, or pairs (which allow repeated names). */
export type UrlArguments =
  | Readonly<Record<string, string | number | boolean>>
  | ReadonlyArray<readonly [string, string | number | boolean]>;

/** Python `quote_plus`: UTF-8, everything but letters, digits and `_.-~` escaped, space as `+`. */
function quotePlus(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * Appends `args` to the query of `url`, keeping its existing arguments (re-encoded) and fragment
 * (Tornado's `url_concat`). `null` returns `url` unchanged.
 * @throws {TypeError} when `args` is neither an object, an array nor null.
 */
export function urlConcat(url: string, args: UrlArguments | null | undefined): string {
  if (args == null) return url;
  if (typeof args !== 'object') {
    throw new TypeError(`'args' should be an object, an array of pairs or null, not ${typeof args}`);
  }
  const hash = url.indexOf('#');
  const fragment = hash === -1 ? '' : url.slice(hash + 1);
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const question = beforeHash.indexOf('?');
  const base = question === -1 ? beforeHash : beforeHash.slice(0, question);
  const query = question === -1 ? '' : beforeHash.slice(question + 1);

  const pairs: string[] = [];
  forEachFormField(Buffer.from(query, 'utf8'), Infinity, (name, value) => {
    pairs.push(`${quotePlus(name.toString('utf8'))}=${quotePlus(value.toString('utf8'))}`);
  });
  const extra = Array.isArray(args) ? args : Object.entries(args);
  for (const [name, value] of extra as Iterable<readonly [string, string | number | boolean]>) {
    pairs.push(`${quotePlus(String(name))}=${quotePlus(String(value))}`);
  }
  const finalQuery = pairs.join('&');
  return base + (finalQuery ? `?${finalQuery}` : '') + (fragment ? `#${fragment}` : '');
}

/**
 * Splits `host:port` into `[host, port]`; port is null when there is none (Tornado's
 * `split_host_and_port`). `[::1]:80` gives `['[::1]', 80]`.
 */
export function splitHostAndPort(netloc: string): [string, number | null] {
  const colon = netloc.lastIndexOf(':');
  if (colon > 0 && colon < netloc.length - 1 && !netloc.slice(0, colon).includes('\n')) {
    const digits = netloc.slice(colon + 1);
    if (/^[0-9]+$/.test(digits)) return [netloc.slice(0, colon), Number(digits)];
  }
  return [netloc, null];
}
