import { HTTPInputError, parseRequestStartLine, parseResponseStartLine } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

describe('parseRequestStartLine (Tornado ParseRequestStartLineTest)', () => {
  it('splits method, path and version', () => {
    expect(parseRequestStartLine('GET /foo HTTP/1.1')).toEqual({ method: 'GET', path: '/foo', version: 'HTTP/1.1' });
    expect(parseRequestStartLine('POST /a?b=c&d=%20 HTTP/1.0')).toEqual({
      method: 'POST',
      path: '/a?b=c&d=%20',
      version: 'HTTP/1.0',
    });
    expect(parseRequestStartLine('OPTIONS * HTTP/1.1').path).toBe('*');
    expect(parseRequestStartLine('GET http://example.com/x HTTP/1.1').path).toBe('http://example.com/x');
    expect(parseRequestStartLine('CONNECT example.com:443 HTTP/1.1').path).toBe('example.com:443');
  });

  it('accepts an unknown but valid token as method (405 is the application business)', () => {
    expect(parseRequestStartLine('FOO / HTTP/1.1').method).toBe('FOO');
    expect(parseRequestStartLine("X-!#$%&'*+.^_`|~ / HTTP/1.1").method).toBe("X-!#$%&'*+.^_`|~");
  });

  it('keeps obs-text (latin1-decoded bytes) in the target', () => {
    expect(parseRequestStartLine('GET /caf\u00c3\u00a9 HTTP/1.1').path).toBe('/caf\u00c3\u00a9');
  });

  it.each([
    ['FOO,BAR / HTTP/1.1', 'invalid method chars (test_invalid_methods: 400, not 405)'],
    ['G(ET / HTTP/1.1', 'method with a separator'],
    ['GÉT / HTTP/1.1', 'non-ASCII method'],
    ['/ HTTP/1.1', 'two parts'],
    ['GET', 'one part'],
    ['', 'empty'],
    ['GET  / HTTP/1.1', 'two spaces'],
    ['GET / HTTP/1.1 ', 'trailing space'],
    [' GET / HTTP/1.1', 'leading space'],
    ['GET /a b HTTP/1.1', 'space in target'],
    ['GET\t/ HTTP/1.1', 'tab separator'],
    ['GET / HTTP/2.0', 'HTTP/2'],
    ['GET / HTTP/1', 'no minor version'],
    ['GET / HTTP/1.10', 'two-digit minor'],
    ['GET / http/1.1', 'lowercase version'],
    ['GET / HTTP/1.1\r', 'trailing CR'],
    ['GET /\x00 HTTP/1.1', 'NUL in target'],
    ['GET /\x7f HTTP/1.1', 'DEL in target'],
    ['GET /\u0100 HTTP/1.1', 'char above 0xFF'],
    [' / HTTP/1.1', 'empty method'],
    ['GET  HTTP/1.1', 'empty target'],
  ])('rejects %j (%s)', (line) => {
    expect(() => parseRequestStartLine(line)).toThrow(HTTPInputError);
  });

  it('rejects every control character anywhere in the line (test_forbidden_ascii_characters)', () => {
    for (let code = 0; code <= 0xff; code++) {
      const ch = String.fromCharCode(code);
      const forbidden = code < 0x20 || code === 0x7f;
      for (const line of [`G${ch}ET / HTTP/1.1`, `GET /a${ch}b HTTP/1.1`, `GET / HTTP/1.1${ch}`]) {
        if (forbidden) expect(() => parseRequestStartLine(line), `0x${code.toString(16)}`).toThrow(HTTPInputError);
      }
      if (forbidden || code === 0x20) {
        expect(() => parseRequestStartLine(`GET /a${ch}b HTTP/1.1`)).toThrow(HTTPInputError);
      } else {
        expect(parseRequestStartLine(`GET /a${ch}b HTTP/1.1`).path).toBe(`/a${ch}b`);
      }
    }
  });

  it('error status is 400', () => {
    try {
      parseRequestStartLine('FOO,BAR / HTTP/1.1');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HTTPInputError);
      expect((error as HTTPInputError).status).toBe(400);
    }
  });
});

describe('parseResponseStartLine', () => {
  it('parses version, code and reason (doctest)', () => {
    expect(parseResponseStartLine('HTTP/1.1 200 OK')).toEqual({ version: 'HTTP/1.1', code: 200, reason: 'OK' });
    expect(parseResponseStartLine('HTTP/1.0 404 Not Found')).toEqual({
      version: 'HTTP/1.0',
      code: 404,
      reason: 'Not Found',
    });
    expect(parseResponseStartLine('HTTP/1.1 599 Some\tthing caf\u00e9')).toEqual({
      version: 'HTTP/1.1',
      code: 599,
      reason: 'Some\tthing caf\u00e9',
    });
  });

  it('accepts an empty reason, with or without the space', () => {
    expect(parseResponseStartLine('HTTP/1.1 204 ')).toEqual({ version: 'HTTP/1.1', code: 204, reason: '' });
    expect(parseResponseStartLine('HTTP/1.1 204')).toEqual({ version: 'HTTP/1.1', code: 204, reason: '' });
  });

  it.each([
    'HTTP/1.1 20 OK',
    'HTTP/1.1 2000 OK',
    'HTTP/1.1 +20 OK',
    'HTTP/1.1 abc OK',
    'HTTP/1.1  200 OK',
    'HTTP/2 200 OK',
    'HTTP/2.0 200 OK',
    'HTTP/1.1 200 O\rK',
    'HTTP/1.1 200 OK\r\nSet-Cookie: x',
    'HTTP/1.1 200 \x00',
    'HTTP/1.1 200 \x7f',
    'HTTP/1.1 200 \u0100',
    'ICY 200 OK',
    '',
  ])('rejects %j', (line) => {
    expect(() => parseResponseStartLine(line)).toThrow(HTTPInputError);
  });
});
