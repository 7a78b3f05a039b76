// Reading the head (start line and header fields) of an HTTP/1.x message from a stream. The usual
// case costs one partial read and a byte search; anything else (a block split across reads, blank
// lines before it, a block over the limit) is read in regex rounds, exactly as strictly.

import type { BaseIOStream } from '@tornado-ts/iostream';
import { HTTPInputError } from './errors';
import { HEADER_END, HEADER_END_AFTER_LF, HEADER_END_AFTER_LF_CR } from './framing';
import { endsHeaderBlock, headerBlockEnd, skipBlankLines } from './http1-head';

const LF = 0x0a;
const CR = 0x0d;

/**
 * The head held in `first` (what a partial read of at most `maxHeaderSize` bytes returned), as
 * latin1 text, when `first` starts with a whole block (no blank line before it); the bytes after
 * the block go back to `stream`. Otherwise null, with all of `first` given back: then read the
 * head with readHeadInRounds, which sees the same bytes.
 */
export function takeWholeHead(stream: BaseIOStream, first: Buffer): string | null {
  const end = headerBlockEnd(first);
  if (end < 0 || first[0] === CR || first[0] === LF) {
    stream.unread(first);
    return null;
  }
  if (end < first.length) stream.unread(first.subarray(end));
  return first.toString('latin1', 0, end);
}

/**
 * Reads a head in rounds of at most HEADER_ROUND bytes (the general case), so a block over
 * `maxHeaderSize` is answered 431 while the stream is still open; blank lines before the block
 * are skipped.
 * @throws {HTTPInputError} (431) past `maxHeaderSize`.
 */
export async function readHeadInRounds(stream: BaseIOStream, maxHeaderSize: number): Promise<string> {
  let piece = await stream.readUntilRegex(HEADER_END);
  // The usual case of this path: a whole block, no blank lines before it, within the limit.
  if (endsHeaderBlock(piece) && piece[0] !== CR && piece[0] !== LF && piece.length <= maxHeaderSize) return piece.toString('latin1');
  let text = '';
  let total = 0;
  for (;;) {
    const n = piece.length;
    total += n;
    if (total > maxHeaderSize) throw new HTTPInputError(`Header block too large (over ${maxHeaderSize} bytes)`, { status: 431 });
    text = text === '' ? piece.toString('latin1') : text + piece.toString('latin1');
    let pattern = HEADER_END;
    if (endsHeaderBlock(piece)) {
      const start = skipBlankLines(text);
      if (start < text.length) return start === 0 ? text : text.slice(start);
      // Only blank lines (some clients send CRLF between messages): wait for the real block.
      text = '';
    } else {
      // The round ended without a blank line: carry a started one over to the next round.
      const last = piece[n - 1];
      if (last === LF) pattern = HEADER_END_AFTER_LF;
      else if (last === CR && piece[n - 2] === LF) pattern = HEADER_END_AFTER_LF_CR;
    }
    piece = await stream.readUntilRegex(pattern);
  }
}
