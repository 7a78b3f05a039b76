import { parseHeaderParameters } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

const parse = (value: string) => {
  const [main, params] = parseHeaderParameters(value);
  return [main, { ...params }];
};

describe('parseHeaderParameters (Tornado _parse_header)', () => {
  it('parses the doctest: quoted escapes and an RFC 2231 value', () => {
    const [main, params] = parse(`form-data; foo="b\\\\a\\"r"; file*=utf-8''T%C3%A4st`);
    expect(main).toBe('form-data');
    expect(params).toEqual({ foo: 'b\\a"r', file: 'Täst' });
  });

  it('lower-cases names, strips quotes, drops parameters without =', () => {
    expect(parse('text/html; Charset="UTF-8"; flag; q = 1 ')).toEqual(['text/html', { charset: 'UTF-8', q: '1' }]);
    expect(parse('attachment')).toEqual(['attachment', {}]);
    expect(parse('')).toEqual(['', {}]);
  });

  it('keeps ; inside quotes but not after an escaped quote', () => {
    expect(parse('a; x="1;2"; y=3')).toEqual(['a', { x: '1;2', y: '3' }]);
    expect(parse('a; x="1\\";2"; y=3')).toEqual(['a', { x: '1";2', y: '3' }]);
  });

  it('joins RFC 2231 continuations in order', () => {
    expect(parse(`a; name*1="def"; name*0="abc"`)).toEqual(['a', { name: 'abcdef' }]);
    expect(parse(`a; name*0*=UTF-8''%C3%A1; name*1*=%C3%A9`)).toEqual(['a', { name: 'áé' }]);
  });

  it('decodes charsets: latin1, ascii (replacing high bytes), unknown ones kept as latin1 text', () => {
    expect(parse(`a; f*=iso-8859-1''%E9`)).toEqual(['a', { f: 'é' }]);
    expect(parse(`a; f*=us-ascii''a%E9`)).toEqual(['a', { f: 'a\ufffd' }]);
    expect(parse(`a; f*=no-such-charset''a%41`)).toEqual(['a', { f: 'aA' }]);
    expect(parse(`a; f*=abc`)).toEqual(['a', { f: 'abc' }]);
    expect(parse(`a; f*=UTF-8''%FF`)).toEqual(['a', { f: '\ufffd' }]);
  });

  it('strips <...> like email.utils.unquote', () => {
    expect(parse('a; x=<y>')).toEqual(['a', { x: 'y' }]);
  });

  it('is linear in the number of quoted semicolons', () => {
    const value = `form-data; x="${';'.repeat(200_000)}"; name="n"`;
    const start = performance.now();
    expect(parse(value)[1]).toMatchObject({ name: 'n' });
    expect(performance.now() - start).toBeLessThan(500);
  });
});
