// The `Range` request header (RFC 9110 section 14) for one byte range, with Tornado's semantics:
// a header that does not parse is ignored (the whole file is served), several ranges are not
// supported (also the whole file), and a range that starts past the end is 416.

/**
 * A parsed `Range: bytes=...` header as slice bounds: `start` inclusive, `end` exclusive, either
 * null when absent. A suffix range (`bytes=-N`) has a negative `start`; `bytes=-0` is `end: 0`.
 */
export interface RequestedByteRange {
  readonly start: number | null;
  readonly end: number | null;
}

/** What to send for a resource of a known size: all of it, a part (206), or 416. */
export type ByteRangePlan =
  | { readonly kind: 'full'; readonly start: 0; readonly end: number }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const DIGITS = /^[0-9]+$/;

/** A byte position: digits only (no sign, `_`, or hex, which a lenient integer parser would take); '' is null. */
function parsePosition(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return DIGITS.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * Parses a `Range` header into slice bounds, or returns null when it is not a single byte range
 * this server understands (another unit, several ranges, garbage), which callers ignore.
 */
export function parseRangeHeader(header: string): RequestedByteRange | null {
  const equals = header.indexOf('=');
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== 'bytes') return null;
  const spec = header.slice(equals + 1);
  if (spec.includes(',')) return null;
  const dash = spec.indexOf('-');
  const first = parsePosition(dash === -1 ? spec : spec.slice(0, dash));
  const last = dash === -1 ? null : parsePosition(spec.slice(dash + 1));
  if (first === undefined || last === undefined) return null;
  if (last === null) return { start: first, end: null };
  if (first === null) return last === 0 ? { start: null, end: 0 } : { start: -last, end: null };
  return { start: first, end: last + 1 };
}

/**
 * Decides what to send for `range` (null: no usable header) of a resource of `size` bytes. A range
 * covering the whole resource is a plain 200, since some clients (Chrome's media player) refuse a
 * 206 for `bytes=0-`; an end past the resource is capped at its size.
 */
export function planByteRange(range: RequestedByteRange | null, size: number): ByteRangePlan {
  if (range === null) return { kind: 'full', start: 0, end: size };
  let start = range.start;
  let end = range.end;
  if (start !== null && start < 0) start = Math.max(0, start + size);
  if (end === 0 || (start !== null && (start >= size || (end !== null && start >= end)))) {
    return { kind: 'unsatisfiable' };
  }
  if (end === null || end > size) end = size;
  if (start === null) start = 0;
  if (start === 0 && end === size) return { kind: 'full', start: 0, end: size };
  return { kind: 'partial', start, end };
}

/** The `Content-Range` value of a 206 for the slice `[start, end)` of `size` bytes. */
export function formatContentRange(start: number, end: number, size: number): string {
  return `bytes ${start}-${end - 1}/${size}`;
}

/** The `Content-Range` value of a 416 for a resource of `size` bytes. */
export function formatUnsatisfiedContentRange(size: number): string {
  return `bytes */${size}`;
}
