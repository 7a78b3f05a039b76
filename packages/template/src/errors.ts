/** Where a template error happened: the template's name and a 1-based line (0 when unknown). */
export interface TemplateLocation {
  readonly filename: string;
  readonly lineno: number;
}

/** Options of {@link ParseError}: the template and line at fault, and the underlying error. */
export interface ParseErrorOptions {
  filename?: string | null;
  lineno?: number;
  cause?: unknown;
}

/**
 * Bad template syntax: an unknown directive, an unclosed or stray block, `extends` out of place, a
 * JavaScript syntax error in an expression, a missing or circular `include`/`extends`. Thrown when
 * the template is built, never while it renders. The message ends with `at name:line`.
 */
export class ParseError extends Error {
  readonly code = 'TORNADO_ERR_TEMPLATE_PARSE';
  /** The template at fault, or null when the error was raised outside any template. */
  readonly filename: string | null;
  /** The 1-based line in {@link filename}, or 0 when unknown. */
  readonly lineno: number;

  constructor(message: string, options: ParseErrorOptions = {}) {
    const filename = options.filename ?? null;
    const lineno = options.lineno ?? 0;
    super(filename === null ? message : `${message} at ${filename}:${lineno}`, { cause: options.cause });
    this.name = 'ParseError';
    this.filename = filename;
    this.lineno = lineno;
  }
}

function describeLocation(location: TemplateLocation): string {
  return `${location.filename}:${location.lineno}`;
}

function describeThrown(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return `thrown ${typeof value}: ${String(value)}`;
  } catch {
    return `thrown ${typeof value}`;
  }
}

/**
 * An error thrown by the code of a template while it rendered, rethrown naming the template and
 * line where it happened (`... at sub.html:4 (via base.html:1)` through includes, blocks and nested
 * renders). The original error is `cause` (and `realError`).
 */
export class TemplateRuntimeError extends Error {
  readonly code = 'TORNADO_ERR_TEMPLATE_RUNTIME';
  /** Where it happened, innermost first: the failing line, then each include, block or render that led there. */
  readonly locations: readonly TemplateLocation[];
  /** The template the error happened in. */
  readonly filename: string;
  /** The 1-based line of {@link filename} the error happened on. */
  readonly lineno: number;

  constructor(cause: unknown, locations: readonly TemplateLocation[]) {
    const [first = { filename: '<unknown>', lineno: 0 }, ...via] = locations;
    const where = via.length === 0 ? '' : ` (via ${via.map(describeLocation).join(', ')})`;
    super(`${describeThrown(cause)} at ${describeLocation(first)}${where}`, { cause });
    this.name = 'TemplateRuntimeError';
    this.locations = Object.freeze(locations.slice());
    this.filename = first.filename;
    this.lineno = first.lineno;
  }

  /** The error the template's code threw (the same as `cause`), under Tornado's name for it. */
  get realError(): unknown {
    return this.cause;
  }
}

/** A loader was asked for a template that does not exist (no such key or file). */
export class TemplateNotFoundError extends Error {
  readonly code = 'TORNADO_ERR_TEMPLATE_NOT_FOUND';
  /** The resolved name that was looked up. */
  readonly templateName: string;

  constructor(templateName: string, options?: ErrorOptions) {
    super(`Template not found: ${templateName}`, options);
    this.name = 'TemplateNotFoundError';
    this.templateName = templateName;
  }
}

/**
 * A template name a loader refuses: empty, absolute, with a backslash or NUL byte, naming a
 * directory, or resolving outside the loader's root (`../`).
 */
export class TemplatePathError extends Error {
  readonly code = 'TORNADO_ERR_TEMPLATE_PATH';
  /** The name as it was asked for. */
  readonly templateName: string;

  constructor(templateName: string, reason: string) {
    super(`Invalid template name ${JSON.stringify(templateName)}: ${reason}`);
    this.name = 'TemplatePathError';
    this.templateName = templateName;
  }
}

/** An invalid option of a Template or loader (an unknown whitespace mode, conflicting options). */
export class TemplateOptionError extends TypeError {
  readonly code = 'TORNADO_ERR_TEMPLATE_OPTION';

  constructor(message: string) {
    super(message);
    this.name = 'TemplateOptionError';
  }
}
