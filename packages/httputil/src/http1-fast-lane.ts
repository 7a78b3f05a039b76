// The fast lane of a kept-alive server connection: a request whose whole head (and body, if any)
// came in one piece is parsed synchronously from the 'data' event that brought it, without a read
// promise. This file holds the parse step; anything it does not take (a partial head, blank lines
// before it, a malformed one) is left, untouched, to the regular reader (http1-head-reader), which
// reads and answers it exactly as before.

import type { RequestStartLine } from './delegates';
import type { HTTPHeaders } from './http-headers';
import { parseHeaderBlock } from './header-block';
import { headerBlockEnd } from './http1-head';
import { parseRequestStartLine } from './start-line';

const LF = 0x0a;
const CR = 0x0d;

/** What the last successful {@link takeRequestHead} found: one reused object, read right after the call. */
export const laneHead = {
  startLine: null as RequestStartLine | null,
  headers: null as HTTPHeaders | null,
  /** Where the head ends in the piece (the body or the next request starts there). */
  end: 0,
};

/**
 * Parses the request head at the start of `piece` (a partial read of at most `maxHeaderSize`
 * bytes) into {@link laneHead}; true on success. False, with nothing kept, when the piece does not
 * start with a whole head, or holds blank lines before it, or a malformed one: the regular reader
 * then sees the same bytes and answers them with the usual status and log line.
 */
export function takeRequestHead(piece: Buffer, maxHeaderCount: number): boolean {
  const end = headerBlockEnd(piece);
  if (end < 0 || piece[0] === CR || piece[0] === LF) return false;
  const text = piece.toString('latin1', 0, end);
  const eol = text.indexOf('\n');
  const line = text.slice(0, eol > 0 && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol);
  try {
    laneHead.startLine = parseRequestStartLine(line);
    laneHead.headers = parseHeaderBlock(text, eol + 1, maxHeaderCount);
  } catch {
    laneHead.startLine = null;
    laneHead.headers = null;
    return false;
  }
  laneHead.end = end;
  return true;
}
