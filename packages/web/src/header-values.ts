// Checks on what a handler puts in its status line and headers: nothing a client could turn into
// header injection or response splitting (CVE-2012-2374) gets through.

import { formatTimestamp, validateOutgoingHeader } from '@tornado-ts/httputil';
import { HandlerUsageError } from './errors';

/** A value `setHeader` / `addHeader` accept: numbers are written in decimal, dates as HTTP dates. */
export type HeaderValue = string | number | Date;

/** Tornado's `reason_phrase_re`: tabs, spaces, visible ASCII and bytes 0x80-0xFF; no controls. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]+$/;
/** Header names already checked to be tokens (bounded: an application uses a few dozen). */
const checkedNames = new Set<string>();
const MAX_CHECKED_NAMES = 512;

/** What a string value holds, in one pass: nothing unusual, a C0 control, or DEL / a char above 0xFF. */
const CLEAN = 0;
const CONTROL = 1;
const NOT_LATIN1 = 2;

function scanValue(value: string): number {
  let found = CLEAN;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // HTAB is allowed in outgoing values (RFC 9110 field-value; Tornado 6.5); other controls are not.
    if (code < 0x20 && code !== 0x09) return CONTROL;
    if (code === 0x7f || code > 0xff) found = NOT_LATIN1;
  }
  return found;
}

/**
 * Turns a header value into the text written on the wire.
 * @throws {HandlerUsageError} for a control character (CR, LF, NUL...) in the value, a non-finite number or an invalid date.
 * @throws {HTTPOutputError} for a header name that is not a token, or a value character HTTP cannot carry.
 */
export function headerValueText(name: string, value: HeaderValue): string {
  let text: string;
  if (typeof value === 'string') {
    // C0 controls but HTAB are refused here; DEL and non-latin1 by validateOutgoingHeader.
    const scanned = scanValue(value);
    if (scanned === CONTROL) throw new HandlerUsageError(`Unsafe value for header ${name}: ${JSON.stringify(value)}`);
    if (scanned === NOT_LATIN1) validateOutgoingHeader(name, value);
    checkName(name);
    return value;
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

/** @throws {HTTPOutputError} when `name` is not a token. */
function checkName(name: string): void {
  if (checkedNames.has(name)) return;
  validateOutgoingHeader(name, '');
  if (checkedNames.size < MAX_CHECKED_NAMES) checkedNames.add(name);
}

/** True when `reason` may be sent as a reason phrase (and shown, escaped, in an error page). */
export function isSafeReason(reason: string): boolean {
  // `<` is refused too, as defence in depth against markup in error pages (CVE-2025-67724).
  return REASON_PHRASE.test(reason) && !reason.includes('<');
}
