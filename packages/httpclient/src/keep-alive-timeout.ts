// The server's idle limit from a `Keep-Alive` response field (`Keep-Alive: timeout=5, max=100`),
// read without allocating: most servers (node:http among them) send it on every response.

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const TIMEOUT = 'timeout';
/** Seconds beyond which a timeout cannot matter (it is capped by our own idle timeout anyway). */
const MAX_SECONDS = 1e9;

/**
 * Ms the server keeps an idle connection open, from the first `timeout` parameter (any case) of a
 * `Keep-Alive` field value; -1 when there is none or its value is not a non-negative integer
 * (`timeout=abc`, `timeout=-1`, `timeout=`), so the caller keeps its default. A quoted value
 * (`timeout="5"`) is accepted; other parameters (`max=`) are skipped.
 */
export function keepAliveTimeoutMs(value: string): number {
  const end = value.length;
  let at = 0;
  while (at < end) {
    at = skipSpace(value, at, end);
    const nameStart = at;
    while (at < end) {
      const c = value.charCodeAt(at);
      if (c === EQUALS || c === COMMA || c === SPACE || c === TAB) break;
      at++;
    }
    if (isTimeoutName(value, nameStart, at)) return timeoutValue(value, at, end);
    at = nextParameter(value, at, end);
  }
  return -1;
}

function skipSpace(value: string, at: number, end: number): number {
  while (at < end) {
    const c = value.charCodeAt(at);
    if (c !== SPACE && c !== TAB) break;
    at++;
  }
  return at;
}

function isTimeoutName(value: string, start: number, end: number): boolean {
  if (end - start !== TIMEOUT.length) return false;
  // Every letter of `timeout` is ASCII, so OR 0x20 lowercases it and maps no other character onto one.
  for (let i = 0; i < TIMEOUT.length; i++) {
    if ((value.charCodeAt(start + i) | 0x20) !== TIMEOUT.charCodeAt(i)) return false;
  }
  return true;
}

/** The value after a `timeout` name at `at`: `= digits` (optionally quoted), then the end or a comma. */
function timeoutValue(value: string, at: number, end: number): number {
  at = skipSpace(value, at, end);
  if (value.charCodeAt(at) !== EQUALS) return -1;
  at = skipSpace(value, at + 1, end);
  const quoted = value.charCodeAt(at) === QUOTE;
  if (quoted) at++;
  const digitsStart = at;
  let seconds = 0;
  while (at < end) {
    const c = value.charCodeAt(at);
    if (c < DIGIT_0 || c > DIGIT_9) break;
    seconds = Math.min(seconds * 10 + (c - DIGIT_0), MAX_SECONDS);
    at++;
  }
  if (at === digitsStart) return -1;
  if (quoted) {
    if (value.charCodeAt(at) !== QUOTE) return -1;
    at++;
  }
  at = skipSpace(value, at, end);
  if (at < end && value.charCodeAt(at) !== COMMA) return -1;
  return seconds * 1000;
}

/** Just past the comma that ends the parameter at `at` (commas inside a quoted string do not count). */
function nextParameter(value: string, at: number, end: number): number {
  let quoted = false;
  while (at < end) {
    const c = value.charCodeAt(at++);
    if (quoted) {
      if (c === BACKSLASH) at++;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE) {
      quoted = true;
    } else if (c === COMMA) {
      break;
    }
  }
  return at;
}
