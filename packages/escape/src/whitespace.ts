import { ArgumentTypeError } from './errors.js';
import { describeType } from './unicode.js';

/**
 * The characters Python's `str.isspace()` accepts (and so `str.strip()` removes and a Unicode `\s`
 * matches), as the body of a RegExp character class for the `u` flag. Unlike JavaScript's `\s`,
 * it holds U+001C..U+001F and U+0085 and lacks U+FEFF.
 */
export const PYTHON_SPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Whether a UTF-16 code unit is one of the characters of {@link PYTHON_SPACE_CLASS}. */
function isPythonSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code >= 0x1c;
  if (code < 0x85) return false;
  if (code === 0x85 || code === 0xa0 || code === 0x1680 || code === 0x3000) return true;
  return (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f;
}

/** Python's `str.strip()`: removes leading and trailing Python whitespace, in linear time. */
export function pythonStrip(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isPythonSpace(value.charCodeAt(start))) start++;
  while (end > start && isPythonSpace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

const CONTROL_OR_SPACE_RUN = /[\x00-\x20]+/g;

/**
 * Replaces every run of ASCII control characters and spaces with one space, then trims
 * whitespace from both ends (Python's notion of it, so U+00A0 at an end goes too).
 * @throws {ArgumentTypeError} when given anything but a string.
 */
export function squeeze(value: string): string {
  if (typeof value !== 'string') {
    throw new ArgumentTypeError(`squeeze: expected a string, got ${describeType(value)}`);
  }
  return pythonStrip(value.replace(CONTROL_OR_SPACE_RUN, ' '));
}
