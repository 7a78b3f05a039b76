export { ArgumentTypeError, UnicodeDecodeError, UnicodeEncodeError } from './errors.js';
export { jsonDecode, jsonEncode } from './json.js';
export { linkify, type LinkifyOptions } from './linkify.js';
export { urlEscape, urlUnescape, type UrlEscapeOptions, type UrlUnescapeOptions } from './url.js';
export { toUnicode, utf8 } from './unicode.js';
export { squeeze } from './whitespace.js';
export { xhtmlEscape, xhtmlUnescape } from './xhtml.js';
