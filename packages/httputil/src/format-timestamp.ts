let cachedSecond = Number.NaN;
let cachedText = '';

/**
 * Formats a time as an RFC 7231 IMF-fixdate (`Sun, 27 Jan 2013 18:43:20 GMT`), as used in `Date`,
 * `Expires` and `Last-Modified`. Takes a `Date` or epoch milliseconds; fractions of a second are
 * dropped. The last second formatted is cached, since servers format "now" on every response.
 * @throws {TypeError} for an invalid date or a non-finite number.
 */
export function formatTimestamp(time: Date | number): string {
  const ms = typeof time === 'number' ? time : time instanceof Date ? time.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new TypeError(`Unknown or invalid timestamp: ${String(time)}`);
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedText = new Date(second * 1000).toUTCString();
    cachedSecond = second;
  }
  return cachedText;
}
