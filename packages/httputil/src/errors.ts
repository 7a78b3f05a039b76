const HTTP_INPUT_BRAND = Symbol.for('tornado-ts.HTTPInputError');

/** Options for {@link HTTPInputError}: the status the server should answer with, and the cause. */
export interface HTTPInputErrorOptions {
  /** 400 by default; 413 when a size limit was hit, 431 when the header block was too large. */
  status?: number;
  cause?: unknown;
}

/**
 * Malformed or hostile HTTP input from the peer (start line, headers, body, multipart, arguments).
 * `status` is the response a server should send before closing. `instanceof` holds across
 * duplicate installs of the package.
 */
export class HTTPInputError extends Error {
  override name = 'HTTPInputError';
  readonly code = 'TORNADO_ERR_HTTP_INPUT';
  /** The HTTP status to answer with: 400, or 413 / 431 when a limit was exceeded. */
  readonly status: number;

  constructor(message: string, options: HTTPInputErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? 400;
    Object.defineProperty(this, HTTP_INPUT_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && HTTP_INPUT_BRAND in value;
  }
}

/** The local side tried to write something HTTP cannot carry (bad header, write after finish, ...). */
export class HTTPOutputError extends Error {
  override name = 'HTTPOutputError';
  readonly code = 'TORNADO_ERR_HTTP_OUTPUT';
}

/** Quotes peer input for an error message, cut to 200 chars so one bad header cannot flood a log. */
export function describeInput(input: string): string {
  return JSON.stringify(input.length > 200 ? `${input.slice(0, 200)}...` : input);
}
