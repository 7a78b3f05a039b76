// Checks on what a handler puts in its status line and headers: nothing a client could turn into
// header injection or response splitting (CVE-2012-2374) gets through.

import { formatTimestamp, validateOutgoingHeader } from '@tornado-ts/httputil';
import { HandlerUsageError } from './errors';

/** A value `setHeader` / `addHeader` accept: numbers are written in decimal, dates as HTTP dates. */
export type HeaderValue = string | number | Date;

/** Tornado's `reason_phrase_re`: tabs, spaces, visible ASCII and bytes 0x80-0xFF; no controls. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]+$/;
/** Any C0 control (as Tornado's `_INVALID_HEADER_CHAR_RE`); DEL and non-latin1 are left to `validateOutgoingHeader`. */
const CONTROL_CHAR = /[\x00-\x1f]/;

/**
 * Turns a header value into the text written on the wire.
 * @throws {HandlerUsageError} for a control character (CR, LF, NUL...) in the value, a non-finite number or an invalid date.
 * @throws {HTTPOutputError} for a header name that is not a token, or a value character HTTP cannot carry.
 */
export function headerValueText(name: string, value: HeaderValue): string {
  let text: string;
  if (typeof value === 'string') {
    if (CONTROL_CHAR.test(value)) throw new HandlerUsageError(`Unsafe value for header ${name}: ${JSON.stringify(value)}`);
    text = value;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new HandlerUsageError(`Header ${name} cannot be ${value}`);
    text = String(value);
  } else if (value instanceof Date) {
    text = formatTimestamp(value);
  } else {
    throw new HandlerUsageError(`Unsupported value for header ${name}: ${typeof value}`);
  }
  validateOutgoingHeader(name, text);
  return text;
}

/** True when `reason` may be sent as a reason phrase (and shown, escaped, in an error page). */
export function isSafeReason(reason: string): boolean {
  // `<` is refused too, as defence in depth against markup in error pages (CVE-2025-67724).
  return REASON_PHRASE.test(reason) && !reason.includes('<');
}
