const TIMEOUT_BRAND = Symbol.for('tornado-ts.TimeoutError');

/**
 * Raised when an operation does not finish before its deadline (`withTimeout`, `IOLoop.run`,
 * lock and queue waits). `instanceof` holds across duplicate installs of this package.
 */
export class TimeoutError extends Error {
  readonly code = 'TORNADO_ERR_TIMEOUT';

  constructor(message = 'Timeout', options?: ErrorOptions) {
    super(message, options);
    this.name = 'TimeoutError';
    Object.defineProperty(this, TIMEOUT_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && TIMEOUT_BRAND in value;
  }
}
