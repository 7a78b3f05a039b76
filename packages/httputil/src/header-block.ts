// The fields of a received header block, parsed in one pass over the latin1 text: indexOf finds
// each line end and the colon, charCode checks validate the name (tchar) and the value (no CTL
// but HTAB), and each field is stored without being checked again. It accepts exactly what
// `HTTPHeaders.parseLine` accepts, line by line, with the same errors (see header-block.test.ts,
// which runs both on the hostile corpus and on random blocks).

import { describeInput, HTTPInputError } from './errors';
import { normalizeHeaderName } from './header-names';
import { isTokenCode } from './http-grammar';
import { appendParsedField, HTTPHeaders } from './http-headers';

const HTAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const COLON = 0x3a;
const DEL = 0x7f;

/**
 * The fields from `start` (just after the start line) up to the first blank line (or the end of
 * `text`); lines end in LF or CRLF. At most `maxCount` fields.
 * @throws {HTTPInputError} 431 past `maxCount` fields; 400 on obs-fold, a line without a colon,
 * a name that is not a token (whitespace before the colon included), or a control character
 * other than HTAB in a value (a bare CR included).
 */
export function parseHeaderBlock(text: string, start: number, maxCount: number): HTTPHeaders {
  const headers = new HTTPHeaders();
  const n = text.length;
  let count = 0;
  let pos = start;
  while (pos < n) {
    let lf = text.indexOf('\n', pos);
    if (lf === -1) lf = n;
    const end = lf > pos && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
    if (end === pos) break; // the blank line that ends the block
    if (++count > maxCount) throw new HTTPInputError(`Too many header fields (over ${maxCount})`, { status: 431 });
    const first = text.charCodeAt(pos);
    if (first === SP || first === HTAB) throw new HTTPInputError('Header line folding (obs-fold) is not allowed');
    let colon = pos;
    while (colon < end && isTokenCode(text.charCodeAt(colon))) colon++;
    if (colon === end || text.charCodeAt(colon) !== COLON) {
      // Not a token up to a colon: say which, as parseLine does (a missing colon comes first).
      const found = text.indexOf(':', colon);
      if (found === -1 || found >= end) throw new HTTPInputError('No colon in header line');
      throw new HTTPInputError(`Invalid header name ${describeInput(text.slice(pos, found))}`);
    }
    if (colon === pos) throw new HTTPInputError(`Invalid header name ${describeInput('')}`);
    // The value: SP / HTAB trimmed on both sides, then no control character but HTAB inside.
    let from = colon + 1;
    let to = end;
    while (from < to && isBlank(text.charCodeAt(from))) from++;
    while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if ((c < SP && c !== HTAB) || c === DEL) {
        throw new HTTPInputError(`Invalid header value ${describeInput(text.slice(from, to))}`);
      }
    }
    // (Finding well-known names by a hash of the chars, without the slice, measured no faster.)
    appendParsedField(headers, normalizeHeaderName(text.slice(pos, colon)), text.slice(from, to));
    pos = lf + 1;
  }
  return headers;
}

function isBlank(c: number): boolean {
  return c === SP || c === HTAB;
}
