// Parsing of HTTP-date header values (RFC 9110 section 5.6.7) for `If-Modified-Since`. Strict on
// purpose: `Date.parse` accepts nearly anything ("1" is the year 2001), and a wrong date here
// would answer 304 for content the client never had. An unparseable value is simply ignored.

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// Sun, 06 Nov 1994 08:49:37 GMT (IMF-fixdate)
const IMF_FIXDATE = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sunday, 06-Nov-94 08:49:37 GMT (obsolete RFC 850)
const RFC_850 = /^[A-Za-z]{6,9}, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sun Nov  6 08:49:37 1994 (obsolete asctime)
const ASCTIME = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** Epoch milliseconds of the given UTC fields, or null when a field is out of range (31 Feb, 25:00). */
function utcMillis(year: number, monthName: string, day: number, hour: number, minute: number, second: number): number | null {
  const month = MONTHS[monthName.toLowerCase()];
  if (month === undefined || hour > 23 || minute > 59 || second > 60 || day < 1) return null;
  const millis = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  // Date.UTC rolls 31 Feb over into March; such a date is invalid, not a different day.
  return new Date(millis).getUTCDate() === day ? millis : null;
}

/**
 * Epoch milliseconds of an HTTP-date in any of the three formats HTTP/1.1 recipients accept, or
 * null when `value` is not one. Two-digit RFC 850 years are read as 1970-2069.
 */
export function parseHttpDate(value: string): number | null {
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match !== null) {
    return utcMillis(Number(match[3]), match[2], Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  }
  match = RFC_850.exec(text);
  if (match !== null) {
    const shortYear = Number(match[3]);
    const year = shortYear < 70 ? 2000 + shortYear : 1900 + shortYear;
    return utcMillis(year, match[2], Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  }
  match = ASCTIME.exec(text);
  if (match !== null) {
    return utcMillis(Number(match[6]), match[1], Number(match[2].trim()), Number(match[3]), Number(match[4]), Number(match[5]));
  }
  return null;
}
