import type { RequestStartLine, ResponseStartLine } from './delegates';
import { describeInput as describe, HTTPInputError } from './errors';
import { isFieldVchars, isToken } from './http-grammar';

const HTTP1_VERSION = /^HTTP\/1\.[0-9]$/;
/** reason-phrase: HTAB, SP, VCHAR, obs-text (possibly empty). */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Parses an HTTP/1.x request line strictly: `method SP request-target SP HTTP/1.d`, exactly one
 * space between parts, the method a token, the target free of whitespace and control characters.
 * An unknown but well-formed method is accepted (answering 405 is the application's business).
 * @throws {HTTPInputError} (400) on anything else.
 */
export function parseRequestStartLine(line: string): RequestStartLine {
  const first = line.indexOf(' ');
  const second = first === -1 ? -1 : line.indexOf(' ', first + 1);
  if (second === -1 || line.indexOf(' ', second + 1) !== -1) {
    throw new HTTPInputError(`Malformed HTTP request line ${describe(line)}`);
  }
  const method = line.slice(0, first);
  const path = line.slice(first + 1, second);
  if (!isToken(method)) throw new HTTPInputError(`Invalid HTTP method ${describe(method)}`);
  if (!isFieldVchars(path)) throw new HTTPInputError(`Invalid request target ${describe(path)}`);
  const version = http1Version(line, second + 1);
  if (version === null) throw new HTTPInputError(`Malformed HTTP version in request line: ${describe(line.slice(second + 1))}`);
  return { method, path, version };
}

/** `HTTP/1.` at `start`, by char codes: a few times faster than `startsWith` with a position (Node 20.20). */
function startsWithHttp1(line: string, start: number): boolean {
  return (
    line.charCodeAt(start) === 0x48 &&
    line.charCodeAt(start + 1) === 0x54 &&
    line.charCodeAt(start + 2) === 0x54 &&
    line.charCodeAt(start + 3) === 0x50 &&
    line.charCodeAt(start + 4) === 0x2f &&
    line.charCodeAt(start + 5) === 0x31 &&
    line.charCodeAt(start + 6) === 0x2e
  );
}

const VERSIONS = Array.from({ length: 10 }, (_, digit) => `HTTP/1.${digit}`);

/**
 * `HTTP/1.d` when `line` holds exactly that from `start` to its end (the same string each time,
 * not a new slice), else null: what HTTP1_VERSION matches, by char codes.
 */
function http1Version(line: string, start: number): string | null {
  if (line.length - start !== 8 || !startsWithHttp1(line, start)) return null;
  const digit = line.charCodeAt(start + 7) - 0x30;
  return digit >= 0 && digit <= 9 ? VERSIONS[digit] : null;
}

/**
 * Parses an HTTP/1.x status line: `HTTP/1.d SP 3DIGIT SP reason`. The reason may be empty, and a
 * line without it (`HTTP/1.1 200`) is accepted too; control characters other than HTAB are not.
 * @throws {HTTPInputError} on anything else.
 */
export function parseResponseStartLine(line: string): ResponseStartLine {
  const version = line.slice(0, 8);
  const digits = line.slice(9, 12);
  const valid =
    HTTP1_VERSION.test(version) &&
    line.charCodeAt(8) === 0x20 &&
    /^[0-9]{3}$/.test(digits) &&
    (line.length === 12 || line.charCodeAt(12) === 0x20);
  const reason = line.slice(13);
  if (!valid || !REASON_PHRASE.test(reason)) {
    throw new HTTPInputError(`Error parsing response start line ${describe(line)}`);
  }
  return { version, code: Number(digits), reason };
}
