import { ArgumentTypeError } from './errors.js';
import { describeType, textOf } from './unicode.js';

// `</` could close a <script> element early and `<!--` could start an HTML comment state in one;
// U+2028/U+2029 end a line in pre-ES2019 JavaScript. All four only occur inside JSON strings,
// where these escapes mean the same characters.
const SCRIPT_UNSAFE = /<\/|<!--|[\u2028\u2029]/g;
const SCRIPT_SAFE: Readonly<Record<string, string>> = {
  '</': '<\\/',
  '<!--': '\\u003c!--',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function scriptSafe(match: string): string {
  return SCRIPT_SAFE[match];
}

/**
 * Serializes a value as JSON that is also safe to place inside an HTML `<script>` element
 * (`</` is written `<\/`, as Tornado does; `<!--`, U+2028 and U+2029 are escaped too).
 * @throws {ArgumentTypeError} when the value has no JSON form (`undefined`, a function, a symbol).
 */
export function jsonEncode(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) {
    throw new ArgumentTypeError(`jsonEncode: a value of type ${describeType(value)} is not JSON-serializable`);
  }
  return json.replace(SCRIPT_UNSAFE, scriptSafe);
}

/**
 * Parses JSON from a string or from UTF-8 bytes.
 * @throws {SyntaxError} when the text is not JSON.
 * @throws {UnicodeDecodeError} when given bytes that are not UTF-8.
 * @throws {ArgumentTypeError} when given anything but a string or Buffer.
 */
export function jsonDecode(value: string | Uint8Array): unknown {
  return JSON.parse(textOf(value, 'jsonDecode'));
}
