import { HTTPInputError, HTTPOutputError } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';
import {
  HEADER_END,
  HEADER_END_AFTER_LF,
  HEADER_END_AFTER_LF_CR,
  HEADER_ROUND,
  checkTransferEncoding,
  hasConnectionToken,
  parseChunkSizeLine,
  parseContentLength,
  parseOutgoingContentLength,
} from '../src/framing';

describe('parseContentLength', () => {
  it.each([
    ['0', 0],
    ['10', 10],
    ['007', 7],
    ['5, 5', 5],
    ['5,5,5', 5],
    ['5 ,\t5', 5],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['9007199254740992', Infinity],
    ['99999999999999999999999', Infinity],
  ])('reads %j as %d', (value, expected) => {
    expect(parseContentLength(value)).toBe(expected);
  });

  it.each(['', '+10', '-0', '1_0', '0x10', '1e3', '1.0', '1 0', 'foo', ' ', '5,', ',5', '5,,5', '\u0661', '５'])('refuses %j', (value) => {
    expect(() => parseContentLength(value)).toThrow(HTTPInputError);
  });

  it('refuses differing repeats with a message that says so', () => {
    expect(() => parseContentLength('5, 6')).toThrow(/Multiple unequal Content-Lengths/);
  });
});

describe('checkTransferEncoding', () => {
  it('accepts exactly one chunked, any case', () => {
    for (const value of ['chunked', 'Chunked', 'CHUNKED']) expect(() => checkTransferEncoding([value])).not.toThrow();
  });

  it.each([
    [['chunked', 'chunked']],
    [['chunked, chunked']],
    [['gzip, chunked']],
    [['chunked, identity']],
    [['identity']],
    [['xchunked']],
    [['chunkedx']],
    [['\u00a0chunked']],
    [['chunked\u0085']],
    [['']],
  ])('refuses %j', (values) => {
    expect(() => checkTransferEncoding(values)).toThrow(HTTPInputError);
  });
});

describe('parseChunkSizeLine', () => {
  const line = (text: string) => Buffer.from(text, 'latin1');

  it.each([
    ['0\r\n', 0],
    ['a\r\n', 10],
    ['A\r\n', 10],
    ['00ff\r\n', 255],
    ['1fffffffffffff\r\n', Number.MAX_SAFE_INTEGER],
    ['5;name\r\n', 5],
    ['5;name=value\r\n', 5],
    ['5;a=1;b="x;y \\" z"\r\n', 5],
    ['5 ; a = 1 ;b\r\n', 5],
  ])('reads %j as %d', (text, size) => {
    expect(parseChunkSizeLine(line(text))).toBe(size);
  });

  it.each([
    '\r\n',
    '5\n',
    '5\r',
    '5\r\r\n',
    '+5\r\n',
    '-5\r\n',
    '0x5\r\n',
    '1_a\r\n',
    ' 5\r\n',
    '5 \r\n',
    'g\r\n',
    '20000000000000\r\n',
    '5;\r\n',
    '5;=x\r\n',
    '5;a=\r\n',
    '5;a="x\r\n',
    '5;a b\r\n',
    '5;a\x00\r\n',
    '5;a=\x7f\r\n',
  ])('refuses %j', (text) => {
    expect(() => parseChunkSizeLine(line(text))).toThrow(HTTPInputError);
  });
});

describe('parseOutgoingContentLength', () => {
  it('accepts digits and refuses anything else with HTTPOutputError', () => {
    expect(parseOutgoingContentLength('42')).toBe(42);
    for (const value of ['', '+1', '1.0', ' 1', '99999999999999999999']) {
      expect(() => parseOutgoingContentLength(value)).toThrow(HTTPOutputError);
    }
  });
});

describe('hasConnectionToken', () => {
  it('finds a token in any case within a list', () => {
    expect(hasConnectionToken('close', 'close')).toBe(true);
    expect(hasConnectionToken('Close', 'close')).toBe(true);
    expect(hasConnectionToken('Keep-Alive, Upgrade', 'keep-alive')).toBe(true);
    expect(hasConnectionToken('upgrade,  close ', 'close')).toBe(true);
    expect(hasConnectionToken('closed', 'close')).toBe(false);
    expect(hasConnectionToken('x-close', 'close')).toBe(false);
    expect(hasConnectionToken('', 'close')).toBe(false);
  });
});

describe('header block patterns', () => {
  const end = (pattern: RegExp, text: string) => {
    const match = pattern.exec(text);
    return match === null ? -1 : match.index + match[0].length;
  };

  it('end at the first blank line, CRLF or bare LF', () => {
    expect(end(HEADER_END, 'GET / HTTP/1.1\r\nA: b\r\n\r\nbody')).toBe(24);
    expect(end(HEADER_END, 'GET / HTTP/1.0\n\nbody')).toBe(16);
    expect(end(HEADER_END, 'GET / HTTP/1.0\nA: b\r\n\nbody')).toBe(22);
    expect(end(HEADER_END, 'GET / HTTP/1.1\r\nA: b\r\n')).toBe(-1);
  });

  it('never treat a bare CR as a line end', () => {
    expect(end(HEADER_END, 'GET / HTTP/1.1\r\rA: b\r\r')).toBe(-1);
    expect(end(HEADER_END, 'A: b\r\n\r\r\n')).toBe(-1);
  });

  it('take a whole round once it holds no blank line', () => {
    const round = 'x'.repeat(HEADER_ROUND);
    expect(end(HEADER_END, round.slice(1))).toBe(-1);
    expect(end(HEADER_END, round)).toBe(HEADER_ROUND);
    // A blank line anywhere wins over the round.
    expect(end(HEADER_END, `${round}\r\n\r\n${round}`)).toBe(HEADER_ROUND + 4);
  });

  it('finish a blank line cut by the previous round', () => {
    expect(end(HEADER_END_AFTER_LF, '\r\nbody')).toBe(2);
    expect(end(HEADER_END_AFTER_LF, '\nbody')).toBe(1);
    expect(end(HEADER_END_AFTER_LF, 'A: b\r\n\r\n')).toBe(8);
    expect(end(HEADER_END_AFTER_LF_CR, '\nbody')).toBe(1);
    expect(end(HEADER_END_AFTER_LF_CR, '\r\n')).toBe(-1);
  });
});
