import { PYTHON_SPACE_CLASS, pythonStrip } from './whitespace.js';
import { xhtmlEscape } from './xhtml.js';

/** Options of {@link linkify}. */
export interface LinkifyOptions {
  /** Shorten link texts longer than about 30 characters (the full URL goes into `title`). */
  shorten?: boolean;
  /** Extra attributes for each `<a>` tag, or a function of the link's href returning them. */
  extraParams?: string | ((href: string) => string);
  /** Link only URLs that carry a protocol, so `www.example.com` stays plain text. */
  requireProtocol?: boolean;
  /** Protocols to link (default `['http', 'https']`); never include `javascript`. */
  permittedProtocols?: readonly string[] | ReadonlySet<string>;
}

// Tornado's URL pattern, with Python's Unicode \w, \s and \b spelled out for JavaScript. One change
// keeps it linear where Python's is quadratic (a long `a-a-a-...` takes seconds in Tornado): the
// `proto:` branch is tried only at the first word character of a run of word characters and `-`,
// the one place in the run where Python's leftmost match can start it.
const WORD = '\\p{L}\\p{N}_';
const SPACE = PYTHON_SPACE_CLASS;
const PREFIX =
  `(?:(?=[${WORD}])(?<=(?:^|[^${WORD}\\-])-*)([${WORD}\\-]+):(\\/{1,3})` + `|(?<![${WORD}])www\\.)`;
const PLAIN = `(?:[^${SPACE}&()]|&amp;|&quot;)`;
const LAST = `[^!"#$%&'()*+,.:;<=>?@\\[\\]^\`{|}~${SPACE}]`;
const URL_PATTERN = new RegExp(`(${PREFIX}(?:${PLAIN}*${LAST}|\\(${PLAIN}*\\))+)`, 'gu');

const DEFAULT_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https']);
const MAX_LEN = 30;

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

function codePointSlice(text: string, count: number): string {
  let end = 0;
  for (const char of text) {
    if (count-- === 0) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * Tornado's display shortening of a long link text, counting in code points as Python does: the
 * host and the first part of the path, cut to 30 characters if still too long, then `...`.
 * Returns the text unchanged when shortening would not make it shorter.
 */
function shortenLinkText(url: string, protoLength: number): string {
  const head = codePointSlice(url, protoLength);
  const parts = url.slice(head.length).split('/');
  let short = url;
  if (parts.length > 1) {
    short = head + parts[0] + '/' + codePointSlice(parts[1], 8).split('?')[0].split('.')[0];
  }
  if (codePointLength(short) > MAX_LEN * 1.5) short = codePointSlice(short, MAX_LEN);
  if (short === url) return url;
  const amp = short.lastIndexOf('&');
  // Do not leave half of an entity such as &amp; at the cut.
  if (amp !== -1 && codePointLength(short.slice(0, amp)) > MAX_LEN - 5) short = short.slice(0, amp);
  short += '...';
  return codePointLength(short) >= codePointLength(url) ? url : short;
}

function hasProtocol(protocols: readonly string[] | ReadonlySet<string>, protocol: string): boolean {
  return 'has' in protocols ? protocols.has(protocol) : protocols.includes(protocol);
}

/**
 * Turns the URLs in plain text into `<a>` links, HTML-escaping the whole text first; matches
 * exactly the URLs Tornado's `linkify` matches and writes the same markup.
 * @throws {UnicodeDecodeError} when given bytes that are not UTF-8.
 * @throws {ArgumentTypeError} when given anything but a string or Buffer.
 */
export function linkify(text: string | Uint8Array, options?: LinkifyOptions): string {
  const shorten = options?.shorten ?? false;
  const extraParams = options?.extraParams ?? '';
  const requireProtocol = options?.requireProtocol ?? false;
  const protocols = options?.permittedProtocols ?? DEFAULT_PROTOCOLS;
  const fixedParams = typeof extraParams === 'string' && extraParams !== '' ? ' ' + pythonStrip(extraParams) : '';

  const escaped = xhtmlEscape(text);
  let out = '';
  let last = 0;
  // matchAll works on a copy of the pattern, so an extraParams callback may call linkify again.
  for (const match of escaped.matchAll(URL_PATTERN)) {
    const url = match[1];
    const proto = match[2];
    if ((requireProtocol && proto === undefined) || (proto !== undefined && !hasProtocol(protocols, proto))) {
      continue;
    }
    const href = proto === undefined ? 'http://' + url : url;
    let params = typeof extraParams === 'function' ? ' ' + pythonStrip(extraParams(href)) : fixedParams;
    let linkText = url;
    if (shorten && codePointLength(url) > MAX_LEN) {
      const protoLength = proto === undefined ? 0 : codePointLength(proto) + 1 + match[3].length;
      linkText = shortenLinkText(url, protoLength);
      // The full URL stays visible on mouse-over.
      if (linkText !== url) params += ` title="${href}"`;
    }
    out += escaped.slice(last, match.index) + `<a href="${href}"${params}>${linkText}</a>`;
    last = match.index + url.length;
  }
  return last === 0 ? escaped : out + escaped.slice(last);
}
