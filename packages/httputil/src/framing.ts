// Message framing of HTTP/1.1 (RFC 9112 sections 6-7), strictly: Content-Length digits only,
// Transfer-Encoding exactly `chunked`, chunk sizes hex only. Every lenient reading here has been
// a request-smuggling bug somewhere (see SECURITY-HISTORY: `+10`, `1_0`, `0x1`, duplicate TE).

import { HTTPInputError, HTTPOutputError } from './errors';
import { trimHttpWhitespace } from './http-grammar';

/** Longest chunk-size line (size, extensions and CRLF) read before giving up on the connection. */
export const MAX_CHUNK_LINE = 4096;
/** Chunk-extension bytes allowed per message (as llhttp after CVE-2024-22019): they are framing, not body. */
export const MAX_CHUNK_EXTENSION_BYTES = 16 * 1024;
/** Size-line bytes not counted as extension: 16 hex digits and CRLF. */
export const PLAIN_CHUNK_LINE = 18;

/** The largest length we represent exactly; larger values are treated as too large, never rounded. */
const MAX_LENGTH = Number.MAX_SAFE_INTEGER;

/**
 * Reads a header block in rounds: each read ends at the first blank line (`\n\n` or `\n\r\n`), or
 * takes everything buffered once `HEADER_ROUND` bytes hold no blank line, so a block that is too
 * large is noticed (and answered 431) without the stream closing itself, and each search of the
 * stream covers at most one round of bytes. The `_AFTER_LF` / `_AFTER_LF_CR` variants finish a
 * blank line that a previous round cut after its `\n` or `\n\r`.
 */
export const HEADER_ROUND = 1024;
const ROUND_TAIL = `|$(?<=[\\s\\S]{${HEADER_ROUND}})`;
export const HEADER_END = new RegExp(`\\n\\r?\\n${ROUND_TAIL}`);
export const HEADER_END_AFTER_LF = new RegExp(`^\\r?\\n|\\n\\r?\\n${ROUND_TAIL}`);
export const HEADER_END_AFTER_LF_CR = new RegExp(`^\\n|\\n\\r?\\n${ROUND_TAIL}`);

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const QUOTED_STRING = '"(?:[\\t !#-\\[\\]-~\\x80-\\xff]|\\\\[\\t -~\\x80-\\xff])*"';
/** `*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )`, nothing else. */
const CHUNK_EXTENSIONS = new RegExp(`^(?:[ \\t]*;[ \\t]*${TOKEN}(?:[ \\t]*=[ \\t]*(?:${TOKEN}|${QUOTED_STRING}))?)+$`);

function show(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value);
}

/** Decimal digits only (no sign, space, `_` or `0x`); a value beyond 2^53 becomes Infinity. */
function parseDigits(text: string, start: number, end: number): number {
  if (end <= start) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value > MAX_LENGTH ? Infinity : value;
}

/**
 * The body length a received `Content-Length` value declares. Repeated fields arrive joined with
 * `,`; identical repeats are accepted (RFC 9110 section 8.6 allows it, proxies produce them),
 * differing ones are not. Returns Infinity for a value too large to represent.
 * @throws {HTTPInputError} (400) for anything but digits, or for differing values.
 */
export function parseContentLength(value: string): number {
  if (value.indexOf(',') === -1) {
    const n = parseDigits(value, 0, value.length);
    if (n < 0) throw new HTTPInputError(`Only integer Content-Length is allowed: ${show(value)}`);
    return n;
  }
  let result = -1;
  for (const item of listItems(value)) {
    const n = parseDigits(item, 0, item.length);
    if (n < 0) throw new HTTPInputError(`Only integer Content-Length is allowed: ${show(value)}`);
    if (result !== -1 && n !== result) throw new HTTPInputError(`Multiple unequal Content-Lengths: ${show(value)}`);
    result = n;
  }
  return result;
}

/**
 * Checks the received `Transfer-Encoding` field lines: exactly one line whose value is `chunked`
 * (any case). Duplicates, lists (`gzip, chunked`, `chunked, identity`) and lookalikes
 * (`xchunked`, `\u00a0chunked`) are refused: we could not find the end of such a body.
 * @throws {HTTPInputError} (400) for anything else.
 */
export function checkTransferEncoding(values: readonly string[]): void {
  if (values.length !== 1) throw new HTTPInputError(`Duplicate Transfer-Encoding headers: ${show(values.join(', '))}`);
  if (!isChunked(values[0])) throw new HTTPInputError(`Unsupported Transfer-Encoding ${show(values[0])}`);
}

/** True when `value` is the single coding `chunked` (case-insensitive). */
export function isChunked(value: string): boolean {
  return value.length === 7 && value.toLowerCase() === 'chunked';
}

/**
 * The size announced by one chunk-size line (bytes as read, ending in LF). Hex digits only, at
 * most 2^53; well-formed chunk extensions are skipped; the line must end in CRLF.
 * @throws {HTTPInputError} (400) for anything else.
 */
export function parseChunkSizeLine(line: Buffer): number {
  const n = line.length;
  if (n < 3 || line[n - 1] !== 0x0a || line[n - 2] !== 0x0d) throw new HTTPInputError('Invalid chunk size line: it must end in CRLF');
  const end = n - 2;
  let value = 0;
  let i = 0;
  for (; i < end; i++) {
    const c = line[i];
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else break;
    value = value * 16 + digit;
    if (value > MAX_LENGTH) throw new HTTPInputError('Invalid chunk size: too large');
  }
  if (i === 0) throw new HTTPInputError(`Invalid chunk size ${show(line.toString('latin1', 0, end))}`);
  if (i < end && !CHUNK_EXTENSIONS.test(line.toString('latin1', i, end))) {
    throw new HTTPInputError(`Invalid chunk size ${show(line.toString('latin1', 0, end))}`);
  }
  return value;
}

/**
 * The length an outgoing `Content-Length` value declares.
 * @throws {HTTPOutputError} unless it is plain decimal digits.
 */
export function parseOutgoingContentLength(value: string): number {
  const n = parseDigits(value, 0, value.length);
  if (n < 0 || n === Infinity) throw new HTTPOutputError(`Invalid Content-Length ${show(value)}`);
  return n;
}

/** True when a `Connection` value lists the token `token` (lowercase), e.g. `close` in `Keep-Alive, Close`. */
export function hasConnectionToken(value: string, token: string): boolean {
  if (value.indexOf(',') === -1) {
    const item = trimHttpWhitespace(value);
    return item.length === token.length && item.toLowerCase() === token;
  }
  return listItems(value.toLowerCase()).includes(token);
}

/** The items of a comma-separated field value, each trimmed of SP and HTAB (empty ones kept). */
function listItems(value: string): string[] {
  const items = value.split(',');
  for (let i = 0; i < items.length; i++) items[i] = trimHttpWhitespace(items[i]);
  return items;
}
