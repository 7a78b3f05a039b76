import { statusReason } from '@tornado-ts/httputil';

/** The trailing options object an {@link HTTPError} may take after its format arguments. */
export interface HTTPErrorOptions {
  /** The reason phrase to send instead of the standard one (needed for non-standard codes). */
  reason?: string;
}

function isReasonOptions(value: unknown): value is HTTPErrorOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.keys(value).length > 0 && Object.keys(value).every((key) => key === 'reason');
}

/** Replaces `%s`/`%d`/`%r` placeholders in `template` by `args`, in order (Tornado's `log_message % args`). */
function formatLogMessage(template: string, args: readonly unknown[]): string {
  if (args.length === 0) return template;
  let index = 0;
  return template.replace(/%[sdr%]/g, (placeholder) => {
    if (placeholder === '%%') return '%';
    if (index >= args.length) return placeholder;
    const value = args[index++];
    return placeholder === '%r' ? JSON.stringify(value) : String(value);
  });
}

/**
 * Thrown from a handler to answer with `statusCode` (Tornado's `HTTPError`). `logMessage`
 * (with `%s` placeholders filled from `args`) is logged, never sent to the client.
 */
export class HTTPError extends Error {
  override name = 'HTTPError';
  readonly code: string = 'TORNADO_ERR_HTTP_ERROR';
  /** The status to answer with. */
  statusCode: number;
  /** The message for the log (not shown to the client), or null. */
  logMessage: string | null;
  /** Values for the `%s` placeholders of `logMessage`. */
  args: unknown[];
  /** A custom reason phrase, or null for the standard one. */
  reason: string | null;

  constructor(statusCode = 500, logMessage: string | null = null, ...args: unknown[]) {
    const last = args[args.length - 1];
    let reason: string | null = null;
    if (isReasonOptions(last)) {
      args = args.slice(0, -1);
      reason = last.reason ?? null;
    }
    const reasonText = reason ?? statusReason(statusCode) ?? 'Unknown';
    const formatted = logMessage === null ? null : formatLogMessage(logMessage, args);
    super(formatted === null ? `HTTP ${statusCode}: ${reasonText}` : `HTTP ${statusCode}: ${reasonText} (${formatted})`);
    this.statusCode = statusCode;
    this.logMessage = logMessage;
    this.args = args;
    this.reason = reason;
  }

  /** `logMessage` with its placeholders filled, or null. */
  get formattedLogMessage(): string | null {
    return this.logMessage === null ? null : formatLogMessage(this.logMessage, this.args);
  }
}

/** A required argument is missing (Tornado's `MissingArgumentError`): answered 400. */
export class MissingArgumentError extends HTTPError {
  override name = 'MissingArgumentError';
  override readonly code = 'TORNADO_ERR_MISSING_ARGUMENT';
  /** The name of the missing argument. */
  argName: string;

  constructor(argName: string) {
    super(400, `Missing argument ${argName}`);
    this.argName = argName;
  }
}

/**
 * Thrown to end a request quietly (Tornado's `Finish`): the handler finishes the response
 * (with `finish(...)` if not done) and nothing is logged. An optional chunk is written first.
 */
export class Finish extends Error {
  override name = 'Finish';
  readonly code = 'TORNADO_ERR_FINISH';
  /** Written with `finish()` when the handler has not finished yet. */
  readonly chunk: string | Buffer | object | undefined;

  constructor(chunk?: string | Buffer | object) {
    super('Finish');
    this.chunk = chunk;
  }
}

/** A handler used a feature whose setting is missing (Tornado's `require_setting` error). */
export class MissingSettingError extends Error {
  override name = 'MissingSettingError';
  readonly code = 'TORNADO_ERR_MISSING_SETTING';
}

/** The application settings are invalid: a wrong type, or a misspelled known setting. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  readonly code = 'TORNADO_ERR_SETTINGS';
}

/** A handler was used in a way that cannot work (write after finish, headers after flush, bad header value...). */
export class HandlerUsageError extends Error {
  override name = 'HandlerUsageError';
  readonly code = 'TORNADO_ERR_HANDLER_USAGE';
}

/** `reverseUrl` was asked for an unknown name or with the wrong arguments. */
export class ReverseUrlError extends Error {
  override name = 'ReverseUrlError';
  readonly code = 'TORNADO_ERR_REVERSE_URL';
}
