import { HTTPInputError, parseQueryString, qsToQsl } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

const strings = (args: Record<string, Buffer[]>) =>
  Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v.map((b) => b.toString('latin1'))]));

describe('parseQueryString', () => {
  it('keeps blank values and repeated names (parse_qs_bytes keep_blank_values)', () => {
    expect(strings(parseQueryString('a=1&b=2&a=3&c=&d'))).toEqual({ a: ['1', '3'], b: ['2'], c: [''], d: [''] });
  });

  it('skips empty fields, splits on & only (not ;), keeps = in values', () => {
    expect(strings(parseQueryString('&&a=1&&b=x=y;z&'))).toEqual({ a: ['1'], b: ['x=y;z'] });
    expect(strings(parseQueryString(''))).toEqual({});
    expect(strings(parseQueryString('='))).toEqual({ '': [''] });
  });

  it('decodes + as space and %XX as bytes; bad escapes stay as they are', () => {
    expect(strings(parseQueryString('q=a+b%20c%2b%zz%4%'))).toEqual({ q: ['a b c+%zz%4%'] });
    expect(parseQueryString('v=%ff%00')['v'][0]).toEqual(Buffer.from([0xff, 0]));
    expect(parseQueryString('n%C3%A9=1')).toHaveProperty('né');
  });

  it('reads latin1-decoded request targets byte for byte', () => {
    const target = Buffer.from('x=é', 'utf8').toString('latin1');
    expect(parseQueryString(target).x[0].toString('utf8')).toBe('é');
    expect(parseQueryString('x=中').x[0].toString('utf8')).toBe('中');
    expect(parseQueryString(Buffer.from('x=1')).x[0].toString()).toBe('1');
  });

  it('accepts 1000 arguments and rejects 1001 with a 400 (Tornado 6.5.9)', () => {
    const qs = (n: number) => Array.from({ length: n }, (_, i) => `a${i}=1`).join('&');
    expect(Object.keys(parseQueryString(qs(1000)))).toHaveLength(1000);
    expect(() => parseQueryString(qs(1001))).toThrow(HTTPInputError);
    expect(() => parseQueryString('&'.repeat(1000))).toThrow(/Too many arguments/);
    expect(() => parseQueryString(qs(3), { maxArguments: 2 })).toThrow(HTTPInputError);
    expect(Object.keys(parseQueryString(qs(2000), { maxArguments: 5000 }))).toHaveLength(2000);
  });

  it('returns an object without prototype (no prototype pollution)', () => {
    const args = parseQueryString('__proto__=x&constructor=y&toString=z');
    expect(Object.getPrototypeOf(args)).toBeNull();
    expect(strings(args)).toEqual({ ['__proto__']: ['x'], constructor: ['y'], toString: ['z'] });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('qsToQsl (Tornado QsParseTest)', () => {
  it('flattens a parsed query back into pairs', () => {
    const qsl = [...qsToQsl({ a: ['1', '3'], b: ['2'] })];
    expect(qsl).toContainEqual(['a', '1']);
    expect(qsl).toContainEqual(['a', '3']);
    expect(qsl).toContainEqual(['b', '2']);
    expect(qsl).toHaveLength(3);
  });
});
