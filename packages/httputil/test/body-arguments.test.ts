import {
  HTTPHeaders,
  HTTPInputError,
  parseBodyArguments,
  type ArgumentMap,
  type FileMap,
} from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

function parse(contentType: string, body: string | Buffer, headers?: HTTPHeaders, options?: object) {
  const args: ArgumentMap = {};
  const files: FileMap = {};
  parseBodyArguments(contentType, typeof body === 'string' ? Buffer.from(body) : body, args, files, headers, options);
  return { args, files };
}

const strings = (args: ArgumentMap) =>
  Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v.map((b) => b.toString('utf8'))]));

const MULTIPART = '--1234\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--1234--\r\n';

describe('parseBodyArguments', () => {
  it('parses urlencoded bodies, keeping blank values and decoding + and %XX', () => {
    const { args } = parse('application/x-www-form-urlencoded', 'a=1&b=&c&a=2&d=x+y%20z%2B&e=%E4%B8%AD');
    expect(strings(args)).toEqual({ a: ['1', '2'], b: [''], c: [''], d: ['x y z+'], e: ['中'] });
  });

  it('accepts a charset parameter on the urlencoded type', () => {
    const { args } = parse('application/x-www-form-urlencoded; charset=UTF-8', 'a=1');
    expect(strings(args)).toEqual({ a: ['1'] });
  });

  it('keeps values as raw bytes (invalid UTF-8 included)', () => {
    const { args } = parse('application/x-www-form-urlencoded', 'raw=%FF%00%80');
    expect(args.raw[0]).toEqual(Buffer.from([0xff, 0x00, 0x80]));
  });

  it('parses multipart with a bare or quoted boundary', () => {
    expect(strings(parse('multipart/form-data; boundary=1234', MULTIPART).args)).toEqual({ a: ['b'] });
    expect(strings(parse('multipart/form-data; boundary="1234"', MULTIPART).args)).toEqual({ a: ['b'] });
    expect(strings(parse('multipart/form-data;charset=utf-8;  boundary=1234', MULTIPART).args)).toEqual({ a: ['b'] });
  });

  it('rejects multipart without a boundary', () => {
    expect(() => parse('multipart/form-data', MULTIPART)).toThrow(/boundary not found/);
    expect(() => parse('multipart/form-data; boundary=', MULTIPART)).toThrow(HTTPInputError);
  });

  it('leaves other content types alone', () => {
    expect(parse('application/json', '{"a":1}')).toEqual({ args: {}, files: {} });
    expect(parse('', 'a=1')).toEqual({ args: {}, files: {} });
  });

  it('refuses a Content-Encoding other than identity', () => {
    const gzip = new HTTPHeaders({ 'Content-Encoding': 'gzip' });
    expect(() => parse('application/x-www-form-urlencoded', 'a=1', gzip)).toThrow(/Unsupported Content-Encoding/);
    expect(() => parse('multipart/form-data; boundary=1234', MULTIPART, gzip)).toThrow(HTTPInputError);
    const identity = new HTTPHeaders({ 'Content-Encoding': 'Identity' });
    expect(strings(parse('application/x-www-form-urlencoded', 'a=1', identity).args)).toEqual({ a: ['1'] });
    // A non-form body is not inspected, so its encoding does not matter here.
    expect(() => parse('application/json', '{}', gzip)).not.toThrow();
  });

  it('accepts 1000 urlencoded arguments and rejects 1001 with a 400 (Tornado 6.5.8)', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`).join('&');
    expect(Object.keys(parse('application/x-www-form-urlencoded', body(1000)).args)).toHaveLength(1000);
    try {
      parse('application/x-www-form-urlencoded', body(1001));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HTTPInputError);
      expect((error as HTTPInputError).status).toBe(400);
    }
    expect(() => parse('application/x-www-form-urlencoded', body(5), undefined, { maxArguments: 4 })).toThrow(
      /Too many arguments/,
    );
  });

  it('passes maxParts through to multipart', () => {
    const two = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'.repeat(2) + '--b--';
    expect(() => parse('multipart/form-data; boundary=b', two, undefined, { maxParts: 1 })).toThrow(/too many parts/);
  });

  it('adds nothing to args when a body fails', () => {
    const args: ArgumentMap = { keep: [Buffer.from('x')] };
    const body = Buffer.from(Array.from({ length: 1001 }, () => 'a=1').join('&'));
    expect(() => parseBodyArguments('application/x-www-form-urlencoded', body, args, {})).toThrow(HTTPInputError);
    expect(Object.keys(args)).toEqual(['keep']);
  });

  it('does not rescan a long field without "=" (quadratic guard)', () => {
    const body = Buffer.from('x&'.repeat(998) + 'a'.repeat(5_000_000));
    const start = performance.now();
    const { args } = parse('application/x-www-form-urlencoded', body);
    expect(args['a'.repeat(5_000_000)]).toHaveLength(1);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
