// The hostile-request corpus (SECURITY-HISTORY: request smuggling through Content-Length and
// Transfer-Encoding, chunk sizes, line endings, control characters, limits) and the unusual but
// valid requests beside it. Sent over sockets by hostile-requests.test.ts; parsed directly by
// header-block.test.ts, which checks the one-pass header parser against parseLine on every row.
import { request } from './http1-helpers';

export const MAX_HEADER_SIZE = 8 * 1024;
export const MAX_HEADER_COUNT = 50;
export const MAX_BODY_SIZE = 64 * 1024;

/** A POST with the given extra header lines and raw body. */
function post(lines: string[], body = ''): string {
  return request(['POST /target HTTP/1.1', 'Host: example.com', ...lines], body);
}

function chunked(body: string, extra: string[] = []): string {
  return post(['Transfer-Encoding: chunked', ...extra], body);
}

/** status: the answer expected; null: closed without an answer (the stream refused an overlong line). */
export type Row = [name: string, raw: string | (() => string), status: number | null];

export const rows: Row[] = [
  // Content-Length: digits only (GHSA-qppv-j76h-2rpx), equal duplicates only.
  ['Content-Length with a plus sign', post(['Content-Length: +10'], '1234567890'), 400],
  ['Content-Length with an underscore', post(['Content-Length: 1_0'], '1234567890'), 400],
  ['Content-Length -0', post(['Content-Length: -0']), 400],
  ['Content-Length alphabetic', post(['Content-Length: foo'], 'bar'), 400],
  ['Content-Length hexadecimal', post(['Content-Length: 0x10']), 400],
  ['Content-Length with an inner space', post(['Content-Length: 1 0'], '1234567890'), 400],
  ['Content-Length empty', post(['Content-Length:']), 400],
  ['Content-Length with a decimal point', post(['Content-Length: 1.0'], 'x'), 400],
  ['Content-Length list that differs', post(['Content-Length: 3, 4'], 'abcd'), 400],
  ['Content-Length repeated with different values', post(['Content-Length: 3', 'Content-Length: 4'], 'abcd'), 400],
  ['Content-Length with a trailing comma', post(['Content-Length: 3,'], 'abc'), 400],
  ['Content-Length beyond 2^53', post(['Content-Length: 99999999999999999999']), 413],
  ['Content-Length over maxBodySize (refused before the body is read)', post([`Content-Length: ${MAX_BODY_SIZE + 1}`]), 413],

  // Transfer-Encoding: exactly one final `chunked` (GHSA-753j-mpmx-qq6g).
  ['Transfer-Encoding with Content-Length', post(['Transfer-Encoding: chunked', 'Content-Length: 5'], '0\r\n\r\n'), 400],
  ['Content-Length with Transfer-Encoding', post(['Content-Length: 5', 'Transfer-Encoding: chunked'], '0\r\n\r\n'), 400],
  ['Transfer-Encoding xchunked', chunked('0\r\n\r\n').replace('chunked', 'xchunked'), 400],
  ['Transfer-Encoding chunked, identity', chunked('0\r\n\r\n').replace('chunked', 'chunked, identity'), 400],
  ['Transfer-Encoding gzip, chunked', chunked('0\r\n\r\n').replace('chunked', 'gzip, chunked'), 400],
  ['Transfer-Encoding identity', chunked('').replace('chunked', 'identity'), 400],
  ['Transfer-Encoding repeated', chunked('0\r\n\r\n', ['Transfer-Encoding: chunked']), 400],
  ['Transfer-Encoding with NBSP before chunked', chunked('0\r\n\r\n').replace('chunked', '\u00a0chunked'), 400],
  ['Transfer-Encoding with NEL after chunked', chunked('0\r\n\r\n').replace('chunked', 'chunked\u0085'), 400],
  ['Transfer-Encoding with a vertical tab', chunked('0\r\n\r\n').replace('chunked', '\x0bchunked'), 400],
  ['Transfer-Encoding with space before the colon', chunked('0\r\n\r\n').replace('Transfer-Encoding:', 'Transfer-Encoding :'), 400],
  ['Transfer-Encoding folded onto the previous line', chunked('0\r\n\r\n').replace('Transfer-Encoding', ' Transfer-Encoding'), 400],

  // Chunk sizes: hex digits only, bounded, CRLF-terminated.
  ['chunk size 1_a', chunked('1_a\r\n1234567890abcdef1234567890\r\n0\r\n\r\n'), 400],
  ['chunk size +a', chunked('+a\r\n1234567890\r\n0\r\n\r\n'), 400],
  ['chunk size 0x1', chunked('0x1\r\na\r\n0\r\n\r\n'), 400],
  ['chunk size -1', chunked('-1\r\na\r\n0\r\n\r\n'), 400],
  ['chunk size with a leading space', chunked(' 1\r\na\r\n0\r\n\r\n'), 400],
  ['chunk size with a trailing space', chunked('1 \r\na\r\n0\r\n\r\n'), 400],
  ['chunk size not hex', chunked('g\r\na\r\n0\r\n\r\n'), 400],
  ['chunk size empty', chunked('\r\na\r\n0\r\n\r\n'), 400],
  ['chunk size that overflows', chunked('fffffffffffffffffff\r\na\r\n0\r\n\r\n'), 400],
  ['chunk size over maxBodySize', chunked('fffffff\r\na\r\n0\r\n\r\n'), 413],
  ['chunks adding up to over maxBodySize', () => chunked(`8000\r\n${'a'.repeat(0x8000)}\r\n8001\r\n`), 413],
  ['chunk extension with a control character', chunked('1;a\x01b\r\na\r\n0\r\n\r\n'), 400],
  ['chunk extension without a name', chunked('1;\r\na\r\n0\r\n\r\n'), 400],
  ['chunk extension with an unterminated quote', chunked('1;a="b\r\na\r\n0\r\n\r\n'), 400],
  ['chunk-size line ending in a bare LF', chunked('1\na\r\n0\r\n\r\n'), 400],
  ['chunk-size line ending in a bare CR', chunked('1\ra\r\n0\r\n\r\n'), 400],
  ['chunk data longer than its size', chunked('3\r\nhello\r\n0\r\n\r\n'), 400],
  ['chunk data followed by a bare LF', chunked('5\r\nhello\n0\r\n\r\n'), 400],
  ['chunk extensions over 16 KiB in total', () => chunked(`${`1;x=${'e'.repeat(4000)}\r\na\r\n`.repeat(5)}0\r\n\r\n`), 400],
  ['chunk-size line over 4 KiB', () => chunked(`1;x=${'e'.repeat(5000)}\r\na\r\n0\r\n\r\n`), null],
  ['trailer line ending in a bare LF', chunked('0\r\nX-T: v\n\r\n'), 400],
  ['trailer folded', chunked('0\r\nX-T: v\r\n folded\r\n\r\n'), 400],
  ['trailer without a colon', chunked('0\r\nnocolon\r\n\r\n'), 400],

  // Line endings, control characters, field syntax.
  ['bare CR inside a header line', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rX-B: b\r\n\r\n', 400],
  ['bare CR ending the request line', 'GET / HTTP/1.1\rHost: x\r\n\r\n', 400],
  ['bare CR ending a header line', 'GET / HTTP/1.1\r\nHost: x\r\r\n\r\n', 400],
  ['NUL in a header value', request(['GET / HTTP/1.1', 'Host: x', 'X-A: a\x00b']), 400],
  ['NUL in a header name', request(['GET / HTTP/1.1', 'Host: x', 'X-\x00A: b']), 400],
  ['NUL in the request target', request(['GET /a\x00b HTTP/1.1', 'Host: x']), 400],
  ['DEL in a header value', request(['GET / HTTP/1.1', 'Host: x', 'X-A: a\x7fb']), 400],
  ['whitespace before the colon', request(['GET / HTTP/1.1', 'Host : x']), 400],
  ['tab before the colon', request(['GET / HTTP/1.1', 'Host\t: x']), 400],
  ['obsolete line folding', request(['GET / HTTP/1.1', 'Host: x', 'X-A: a', '  continued']), 400],
  ['whitespace before the first header', request(['GET / HTTP/1.1', ' Host: x']), 400],
  ['header line without a colon', request(['GET / HTTP/1.0', 'asdf']), 400],
  ['header name that is not a token', request(['GET / HTTP/1.1', 'Host: x', 'X(A): b']), 400],
  ['header name in latin1', request(['GET / HTTP/1.1', 'Host: x', '\u00e9: b']), 400],
  ['empty header name', request(['GET / HTTP/1.1', 'Host: x', ': b']), 400],

  // Request line.
  ['garbage request line', 'asdf\r\n\r\n', 400],
  ['method with a comma', request(['FOO,BAR / HTTP/1.1', 'Host: x']), 400],
  ['method with a control character', request(['G\x01T / HTTP/1.1', 'Host: x']), 400],
  ['method in latin1', request(['G\u00c9T / HTTP/1.1', 'Host: x']), 400],
  ['two spaces after the method', request(['GET  / HTTP/1.1', 'Host: x']), 400],
  ['tab as a separator', request(['GET\t/ HTTP/1.1', 'Host: x']), 400],
  ['no version', request(['GET /', 'Host: x']), 400],
  ['HTTP/2.0 on an HTTP/1 connection', request(['GET / HTTP/2.0', 'Host: x']), 400],
  ['lowercase version', request(['GET / http/1.1', 'Host: x']), 400],
  ['trailing text after the version', request(['GET / HTTP/1.1x', 'Host: x']), 400],

  // Limits.
  ['request line over maxHeaderSize', () => request([`GET /${'a'.repeat(MAX_HEADER_SIZE)} HTTP/1.1`, 'Host: x']), 431],
  ['header block over maxHeaderSize', () => request(['GET / HTTP/1.1', 'Host: x', `X-Filler: ${'a'.repeat(MAX_HEADER_SIZE)}`]), 431],
  ['header block one byte over maxHeaderSize', () => exactSizeRequest(MAX_HEADER_SIZE + 1), 431],
  ['header block over maxHeaderSize, no end in sight', () => `GET / HTTP/1.1\r\nX-Filler: ${'a'.repeat(MAX_HEADER_SIZE * 2)}`, 431],
  [
    'more header fields than maxHeaderCount',
    () => request(['GET / HTTP/1.1', ...Array.from({ length: MAX_HEADER_COUNT + 1 }, (_, i) => `X-H${i}: v`)]),
    431,
  ],
];

/** Unusual but valid framing that must be accepted (and read exactly). */
export const accepted: [name: string, raw: string, body: string][] = [
  ['Content-Length repeated with equal values', post(['Content-Length: 3', 'Content-Length: 3'], 'abc'), 'abc'],
  ['Content-Length list of equal values', post(['Content-Length: 3, 3'], 'abc'), 'abc'],
  ['Content-Length with leading zeros', post(['Content-Length: 003'], 'abc'), 'abc'],
  ['Content-Length surrounded by spaces and tabs', post(['Content-Length: \t3 '], 'abc'), 'abc'],
  ['Transfer-Encoding with a tab before the value', chunked('3\r\nabc\r\n0\r\n\r\n').replace(': chunked', ':\tchunked'), 'abc'],
  ['Transfer-Encoding in capitals', chunked('3\r\nabc\r\n0\r\n\r\n').replace('chunked', 'CHUNKED'), 'abc'],
  ['chunk size with leading zeros and upper-case hex', chunked('000A\r\n0123456789\r\n0\r\n\r\n'), '0123456789'],
  ['chunk extension with spaces around ; and =', chunked('3 ; a = "x y" ; b\r\nabc\r\n0\r\n\r\n'), 'abc'],
  ['an empty line before the request line', `\r\n${post(['Content-Length: 3'], 'abc')}`, 'abc'],
  [
    'exactly maxHeaderCount fields',
    request(['GET / HTTP/1.1', 'Host: x', ...Array.from({ length: MAX_HEADER_COUNT - 1 }, (_, i) => `X-H${i}: v`)]),
    '',
  ],
  ['a header block of exactly maxHeaderSize bytes', exactSizeRequest(MAX_HEADER_SIZE), ''],
];

/** A GET whose whole header block (start line to blank line) is `size` bytes. */
function exactSizeRequest(size: number): string {
  const bare = request(['GET / HTTP/1.1', 'Host: x', 'X-Filler: ']);
  return request(['GET / HTTP/1.1', 'Host: x', `X-Filler: ${'f'.repeat(size - bare.length)}`]);
}
