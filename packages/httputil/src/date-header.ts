// The `Date` header value of responses, formatted once per second rather than once per response:
// the cached string is dropped by a timer at the next second boundary (as Node's http does), so a
// response only reads a variable.

let cached = '';
let cachedLine = '';

function expire(): void {
  cached = '';
  cachedLine = '';
}

/** The current time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), recomputed at most once a second. */
export function currentHttpDate(): string {
  if (cached === '') {
    const now = Date.now();
    cached = new Date(now).toUTCString();
    setTimeout(expire, 1000 - (now % 1000)).unref();
  }
  return cached;
}

/** `Date: <currentHttpDate()>\r\n`, the header line as a response head carries it. */
export function currentDateLine(): string {
  if (cachedLine === '') cachedLine = `Date: ${currentHttpDate()}\r\n`;
  return cachedLine;
}
