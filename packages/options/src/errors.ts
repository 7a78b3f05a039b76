const OPTIONS_BRAND = Symbol.for('tornado-ts.OptionsError');

/** Extra details for {@link OptionsError}: the option concerned (as the user wrote it) and the cause. */
export interface OptionsErrorOptions {
  option?: string;
  cause?: unknown;
}

/**
 * Anything wrong with options: an unknown or duplicate name, a missing or invalid value, a config
 * file that cannot be read or throws. Tornado's `tornado.options.Error`. `instanceof` holds
 * across duplicate installs of the package.
 */
export class OptionsError extends Error {
  override name = 'OptionsError';
  readonly code = 'TORNADO_ERR_OPTIONS';
  /** The option the error is about, in the spelling the user gave; undefined when none is. */
  readonly option: string | undefined;

  constructor(message: string, options: OptionsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.option = options.option;
    Object.defineProperty(this, OPTIONS_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && OPTIONS_BRAND in value;
  }
}
