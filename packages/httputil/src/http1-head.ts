// The message head of HTTP/1.x: header fields parsed from a received block, serialized into an
// outgoing one, and the few fields the codec itself decides on, plus the answers it sends alone.

import { HTTPOutputError } from './errors';
import { flatFieldsOf, HTTPHeaders, validateOutgoingHeader } from './http-headers';

const LF = 0x0a;
const CR = 0x0d;

const ERROR_REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};
const errorResponses = new Map<number, Buffer>();

/** The whole response the codec sends on its own for a failed request: status, a short text body, `Connection: close`. */
export function errorResponse(status: number): Buffer {
  let bytes = errorResponses.get(status);
  if (bytes === undefined) {
    const reason = ERROR_REASONS[status] ?? ERROR_REASONS[400];
    bytes = Buffer.from(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${reason.length}\r\nConnection: close\r\n\r\n${reason}`,
      'latin1',
    );
    errorResponses.set(status, bytes);
  }
  return bytes;
}

/** `HTTP/1.1 code reason\r\n` by code, for the reason last written with it: most responses reuse one string. */
const statusLines: { reason: string; line: string }[] = [];

/** The status line of a response (code and reason already validated), ending in CRLF. */
export function statusLine(code: number, reason: string): string {
  const cached = statusLines[code];
  if (cached !== undefined && cached.reason === reason) return cached.line;
  const line = `HTTP/1.1 ${code} ${reason}\r\n`;
  statusLines[code] = { reason, line };
  return line;
}

type Latin1Writer = (this: Buffer, text: string, offset: number, length: number) => number;
/**
 * Node's Buffer#latin1Write (no encoding lookup or argument checks: ~40% cheaper than
 * `write(text, offset, length, 'latin1')` for a response head, Node 20.20), where present.
 */
const latin1Write = (Buffer.prototype as unknown as { latin1Write?: Latin1Writer }).latin1Write;

type Latin1Reader = (this: Buffer, start: number, end: number) => string;
/** Node's Buffer#latin1Slice, where present: `toString('latin1', ...)` without the encoding dispatch. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Reader }).latin1Slice;

/** `bytes` from `start` to `end` as latin1 text (one char per byte). */
export function readLatin1(bytes: Buffer, start: number, end: number): string {
  return latin1Slice !== undefined ? latin1Slice.call(bytes, start, end) : bytes.toString('latin1', start, end);
}

/** Writes `text` (every char at most 0xFF) into `target` from `offset` as latin1. */
export function writeLatin1(target: Buffer, text: string, offset: number): void {
  if (latin1Write !== undefined) latin1Write.call(target, text, offset, text.length);
  else target.write(text, offset, text.length, 'latin1');
}

/** reason-phrase: HTAB, SP, VCHAR, obs-text; nothing that could end the status line. */
export const INVALID_REASON = /[^\t\x20-\x7e\x80-\xff]/;

/** The reason phrase last found valid: an application answers with the same few, so most checks are one comparison. */
let validReason = 'OK';

/** True when `reason` may be written in a status line (see INVALID_REASON). */
export function isValidReason(reason: string): boolean {
  if (reason === validReason) return true;
  if (INVALID_REASON.test(reason)) return false;
  validReason = reason;
  return true;
}

/**
 * `Name: value\r\n` for every field but `Connection` (see connectionLines), filling `scan`.
 * HTTPHeaders admits only token names and values free of control characters (CR, LF, NUL,
 * DEL...), so the one thing left to check is a char above 0xFF, which latin1 would silently
 * truncate: each value is tested as it is written and `scan.nonLatin1` says whether checkLatin1
 * must run (the rest of a head is validated or ours, so never above 0xFF).
 */
export function serializeFields(headers: HTTPHeaders): string {
  const flat = flatFieldsOf(headers);
  if (flat !== null && sameFields(flat, lastFields)) {
    scan.te = lastScan.te;
    scan.cl = lastScan.cl;
    scan.connection = lastScan.connection;
    scan.expect = lastScan.expect;
    scan.date = lastScan.date;
    scan.nonLatin1 = lastScan.nonLatin1;
    return lastOut;
  }
  clearScan();
  out = '';
  headers.forEachField(appendField);
  const fields = out;
  out = '';
  if (flat !== null) {
    lastFields = flat.slice();
    lastOut = fields;
    Object.assign(lastScan, scan);
  }
  return fields;
}

// The last few-field set serialized (a copy of its pairs), its text and its scan: an application
// answering with the same fields again (the same type, length...) gets them without rebuilding.
let lastFields: string[] = [];
let lastOut = '';
const lastScan = { te: undefined as string | undefined, cl: undefined as string | undefined, connection: undefined as string | undefined, expect: undefined as string | undefined, date: false, nonLatin1: false };

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

let lastStatus = '';
let lastHeadFields = '';
let lastExtra = '';
let lastHead = '';

/**
 * `status + fields + extra + CRLF`, the whole head: the last one is kept (flattened by its first
 * write), so a server answering the same head again copies one flat string instead of joining parts.
 */
export function joinHead(status: string, fields: string, extra: string): string {
  if (status === lastStatus && fields === lastHeadFields && extra === lastExtra) return lastHead;
  lastStatus = status;
  lastHeadFields = fields;
  lastExtra = extra;
  lastHead = `${status}${fields}${extra}\r\n`;
  lastHeadBytes = null;
  return lastHead;
}

/** The latin1 bytes of `lastHead`, made at its first reuse; never changed once made (writes may share it). */
let lastHeadBytes: Buffer | null = null;

/** The latin1 bytes of a head: for the kept head (see joinHead) one shared, read-only Buffer. */
export function headBytes(head: string): Buffer {
  if (head !== lastHead) return Buffer.from(head, 'latin1');
  return (lastHeadBytes ??= Buffer.from(head, 'latin1'));
}

/** Writes a head into `target` from 0: the kept head by a plain byte copy of its bytes. */
export function writeHead(target: Buffer, head: string): void {
  if (head === lastHead) target.set((lastHeadBytes ??= Buffer.from(head, 'latin1')), 0);
  else writeLatin1(target, head, 0);
}

/** serializeFields' output so far: a module variable, so the callback it passes is no closure. */
let out = '';

function appendField(name: string, value: string): void {
  if (noteField(name, value)) return;
  if (hasNonLatin1(value)) scan.nonLatin1 = true;
  out += `${name}: ${value}\r\n`;
}

/** NON_LATIN1.test, by a char loop for short values (most of them), where it is about twice as fast. */
function hasNonLatin1(value: string): boolean {
  const n = value.length;
  if (n > 32) return NON_LATIN1.test(value);
  for (let i = 0; i < n; i++) if (value.charCodeAt(i) > 0xff) return true;
  return false;
}

/** The `Connection` lines of `headers`, which serializeFields leaves out. */
export function connectionLines(headers: HTTPHeaders): string {
  let lines = '';
  for (const value of headers.getList('Connection')) {
    if (NON_LATIN1.test(value)) scan.nonLatin1 = true;
    lines += `Connection: ${value}\r\n`;
  }
  return lines;
}

/**
 * The fields the codec decides on, found in one pass over the (already canonical) names instead
 * of one normalising lookup each: a single reused object, filled by scanFields/serializeFields
 * and read right after, so no message allocates one.
 */
export const scan = {
  te: undefined as string | undefined,
  cl: undefined as string | undefined,
  connection: undefined as string | undefined,
  expect: undefined as string | undefined,
  date: false,
  /** A value written by serializeFields / connectionLines holds a char above 0xFF. */
  nonLatin1: false,
};

function clearScan(): void {
  scan.te = undefined;
  scan.cl = undefined;
  scan.connection = undefined;
  scan.expect = undefined;
  scan.date = false;
  scan.nonLatin1 = false;
}

/** `value` after `seen` as `get` joins repeats (with `,`); a repeated field is rare. */
function join(seen: string | undefined, value: string): string {
  return seen === undefined ? value : `${seen},${value}`;
}

/** Records one value of `name` if the codec cares about it; true for `Connection`, which serializeFields leaves out. */
function noteField(name: string, value: string): boolean {
  switch (name) {
    case 'Content-Length':
      scan.cl = join(scan.cl, value);
      return false;
    case 'Transfer-Encoding':
      scan.te = join(scan.te, value);
      return false;
    case 'Connection':
      scan.connection = join(scan.connection, value);
      return true;
    case 'Expect':
      scan.expect = join(scan.expect, value);
      return false;
    case 'Date':
      scan.date = true;
      return false;
    default:
      return false;
  }
}

/** Fills `scan` from a received header set. */
export function scanFields(headers: HTTPHeaders): void {
  clearScan();
  headers.forEachField(noteField);
}

const NON_LATIN1 = /[^\x00-\xff]/;

/**
 * Throws HTTPOutputError naming the field when `head` holds a char latin1 cannot carry. Only
 * values can (see serializeFields): it looks at `head` only when `scan.nonLatin1` says one does.
 */
export function checkLatin1(head: string, headers: HTTPHeaders): void {
  if (!scan.nonLatin1 || !NON_LATIN1.test(head)) return;
  for (const name of headers.keys()) for (const value of headers.getList(name)) validateOutgoingHeader(name, value);
  throw new HTTPOutputError(`Head holds a character above U+00FF: ${JSON.stringify(head.slice(0, 200))}`);
}

/**
 * True when a piece read with a HEADER_END pattern ends the block: it ends in a blank line, or is
 * the 1-2 byte completion of one (a round that took everything is at least HEADER_ROUND long).
 */
export function endsHeaderBlock(piece: Buffer): boolean {
  const n = piece.length;
  return n <= 2 || (piece[n - 1] === LF && (piece[n - 2] === LF || (piece[n - 2] === CR && piece[n - 3] === LF)));
}

/**
 * Where the first blank line of `bytes` ends (just after the `\n\n` or `\n\r\n`, as HEADER_END
 * finds it), or -1 when there is none: a byte search, so a whole header block in one piece is
 * found without a regex or a string.
 */
export function headerBlockEnd(bytes: Buffer): number {
  // A short head is scanned here: cheaper than a native indexOf call per line (Node 20.20).
  const n = bytes.length < SCAN_LIMIT ? bytes.length : SCAN_LIMIT;
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== LF) continue;
    const next = bytes[i + 1];
    if (next === LF) return i + 2;
    if (next === CR && bytes[i + 2] === LF) return i + 3;
  }
  if (n === bytes.length) return -1;
  let lf = bytes.indexOf(LF, n);
  while (lf !== -1) {
    const next = bytes[lf + 1];
    if (next === LF) return lf + 2;
    if (next === CR && bytes[lf + 2] === LF) return lf + 3;
    lf = bytes.indexOf(LF, lf + 1);
  }
  return -1;
}

/** headerBlockEnd looks at this many bytes itself before it hands the search to indexOf. */
const SCAN_LIMIT = 256;

/** Index of the first char after leading blank lines (`\r\n` or `\n`; a lone CR is not a line end). */
export function skipBlankLines(text: string): number {
  let i = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === LF) i += 1;
    else if (c === CR && text.charCodeAt(i + 1) === LF) i += 2;
    else return i;
  }
}
