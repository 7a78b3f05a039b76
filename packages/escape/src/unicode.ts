import { Buffer, isUtf8 } from 'node:buffer';
import { ArgumentTypeError, UnicodeDecodeError, UnicodeEncodeError } from './errors.js';

// String.prototype.isWellFormed ships with Node 20 (V8 11.3) but is typed only from lib ES2024.
type WellFormedCheck = (this: string) => boolean;
const isWellFormed = (String.prototype as unknown as { isWellFormed: WellFormedCheck }).isWellFormed;

/** A short description of a value for error messages, like Python's `%r` of a type. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

/** Views the memory of any Uint8Array as a Buffer, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decodes bytes as strict UTF-8: invalid sequences, overlong forms and encoded surrogates throw
 * rather than becoming U+FFFD. A leading byte order mark is kept, as Python keeps it.
 */
function decodeStrict(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new UnicodeDecodeError(`Invalid UTF-8 in ${bytes.byteLength} bytes`);
  return asBuffer(bytes).toString('utf8');
}

/**
 * Tornado's `to_basestring` for functions that need text: a string as it is, bytes decoded as
 * strict UTF-8, anything else an {@link ArgumentTypeError} naming the caller.
 */
export function textOf(value: unknown, caller: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return decodeStrict(value);
  throw new ArgumentTypeError(`${caller}: expected a string or Buffer, got ${describeType(value)}`);
}

/**
 * Encodes text as UTF-8 bytes: a string becomes a new Buffer, bytes pass through (a plain
 * Uint8Array as a Buffer over the same memory), `null` and `undefined` pass through unchanged.
 * @throws {UnicodeEncodeError} when the string holds a lone surrogate.
 * @throws {ArgumentTypeError} for any other kind of value.
 */
export function utf8(value: string | Uint8Array): Buffer;
export function utf8<T extends null | undefined>(value: T): T;
export function utf8(value: string | Uint8Array | null | undefined): Buffer | null | undefined;
export function utf8(value: string | Uint8Array | null | undefined): Buffer | null | undefined {
  if (typeof value === 'string') {
    if (!isWellFormed.call(value)) throw new UnicodeEncodeError('utf8: string contains a lone surrogate');
    return Buffer.from(value, 'utf8');
  }
  if (value === null || value === undefined) return value;
  if (value instanceof Uint8Array) return asBuffer(value);
  throw new ArgumentTypeError(`utf8: expected a string, Buffer, null or undefined, got ${describeType(value)}`);
}

/**
 * Decodes UTF-8 bytes to a string; a string, `null` and `undefined` pass through unchanged.
 * @throws {UnicodeDecodeError} when the bytes are not valid UTF-8.
 * @throws {ArgumentTypeError} for any other kind of value.
 */
export function toUnicode(value: string | Uint8Array): string;
export function toUnicode<T extends null | undefined>(value: T): T;
export function toUnicode(value: string | Uint8Array | null | undefined): string | null | undefined;
export function toUnicode(value: string | Uint8Array | null | undefined): string | null | undefined {
  if (typeof value === 'string' || value === null || value === undefined) return value;
  if (value instanceof Uint8Array) return decodeStrict(value);
  throw new ArgumentTypeError(`toUnicode: expected a string, Buffer, null or undefined, got ${describeType(value)}`);
}
