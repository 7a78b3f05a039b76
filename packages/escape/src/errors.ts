const ARGUMENT_TYPE_BRAND = Symbol.for('tornado-ts.ArgumentTypeError');
const UNICODE_DECODE_BRAND = Symbol.for('tornado-ts.UnicodeDecodeError');
const UNICODE_ENCODE_BRAND = Symbol.for('tornado-ts.UnicodeEncodeError');

function isBranded(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && brand in value;
}

/**
 * Raised when a function gets a value of a type it does not take (`utf8(42)`, `xhtmlEscape(null)`,
 * `jsonEncode(undefined)`): Tornado's `TypeError`. `instanceof` holds across duplicate installs.
 */
export class ArgumentTypeError extends TypeError {
  readonly code = 'TORNADO_ERR_ARGUMENT_TYPE';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArgumentTypeError';
    Object.defineProperty(this, ARGUMENT_TYPE_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value, ARGUMENT_TYPE_BRAND);
  }
}

/**
 * Raised when bytes that must be UTF-8 are not (`toUnicode`, and every function that takes a
 * Buffer as text); Python's error of the same name, which Tornado's web layer answers with a 400.
 */
export class UnicodeDecodeError extends Error {
  readonly code = 'TORNADO_ERR_UNICODE_DECODE';

  constructor(message = 'Invalid UTF-8 data', options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnicodeDecodeError';
    Object.defineProperty(this, UNICODE_DECODE_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value, UNICODE_DECODE_BRAND);
  }
}

/**
 * Raised when a string holds a lone surrogate and so has no UTF-8 form (`utf8`, `urlEscape`),
 * where Node would otherwise write U+FFFD without a word.
 */
export class UnicodeEncodeError extends Error {
  readonly code = 'TORNADO_ERR_UNICODE_ENCODE';

  constructor(message = 'String contains a lone surrogate', options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnicodeEncodeError';
    Object.defineProperty(this, UNICODE_ENCODE_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value, UNICODE_ENCODE_BRAND);
  }
}
