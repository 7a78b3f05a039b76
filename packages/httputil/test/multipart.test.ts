import {
  HTTPInputError,
  parseMultipartFormData,
  type ArgumentMap,
  type FileMap,
} from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

/** Tornado's tests write bodies with LF and replace them with CRLF. */
const crlf = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');

function parse(boundary: string, data: Buffer, options?: { maxParts?: number }) {
  const args: ArgumentMap = {};
  const files: FileMap = {};
  parseMultipartFormData(boundary, data, args, files, options);
  return { args, files };
}

function expectInvalid(data: Buffer, message: RegExp) {
  const args: ArgumentMap = {};
  const files: FileMap = {};
  expect(() => parseMultipartFormData('1234', data, args, files)).toThrow(message);
  expect(() => parseMultipartFormData('1234', data, args, files)).toThrow(HTTPInputError);
  expect(files).toEqual({});
  expect(args).toEqual({});
}

const FILE_UPLOAD = crlf(`--1234
Content-Disposition: form-data; name="files"; filename="ab.txt"

Foo
--1234--`);

describe('parseMultipartFormData (Tornado MultipartFormDataTest)', () => {
  it('parses a file upload', () => {
    const { files } = parse('1234', FILE_UPLOAD);
    expect(files.files[0].filename).toBe('ab.txt');
    expect(files.files[0].body.toString()).toBe('Foo');
    expect(files.files[0].contentType).toBe('application/unknown');
  });

  it('accepts unquoted names', () => {
    const { files } = parse(
      '1234',
      crlf(`--1234
Content-Disposition: form-data; name=files; filename=ab.txt

Foo
--1234--`),
    );
    expect(files.files[0].filename).toBe('ab.txt');
    expect(files.files[0].body.toString()).toBe('Foo');
  });

  it.each(['a;b.txt', 'a"b.txt', 'a";b.txt', 'a;"b.txt', 'a";";.txt', 'a\\"b.txt', 'a\\b.txt'])(
    'handles the special filename %j',
    (filename) => {
      const escaped = filename.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      const { files } = parse(
        '1234',
        crlf(`--1234
Content-Disposition: form-data; name="files"; filename="${escaped}"

Foo
--1234--`),
      );
      expect(files.files[0].filename).toBe(filename);
      expect(files.files[0].body.toString()).toBe('Foo');
    },
  );

  it('decodes an RFC 2231 filename* (non-ASCII) over the plain one', () => {
    const { files } = parse(
      '1234',
      crlf(`--1234
Content-Disposition: form-data; name="files"; filename="ab.txt"; filename*=UTF-8''%C3%A1b.txt

Foo
--1234--`),
    );
    expect(files.files[0].filename).toBe('áb.txt');
  });

  it('accepts raw UTF-8 in part headers (multipart headers are UTF-8, not latin1)', () => {
    const { files, args } = parse(
      '1234',
      crlf(`--1234
Content-Disposition: form-data; name="名前"; filename="résumé 中.txt"
Content-Type: text/plain; charset=utf-8

Foo
--1234
Content-Disposition: form-data; name="field"

value
--1234--
`),
    );
    expect(files['名前'][0]).toMatchObject({ filename: 'résumé 中.txt', contentType: 'text/plain; charset=utf-8' });
    expect(args.field.map(String)).toEqual(['value']);
  });

  it('strips quotes around the boundary', () => {
    const { files } = parse('"1234"', FILE_UPLOAD);
    expect(files.files[0].filename).toBe('ab.txt');
  });

  it('rejects a part without headers', () => {
    expectInvalid(crlf('--1234\n\nFoo\n--1234--'), /missing headers/);
  });

  it('rejects a disposition other than form-data', () => {
    expectInvalid(
      crlf(`--1234
Content-Disposition: invalid; name="files"; filename="ab.txt"

Foo
--1234--`),
      /Invalid multipart/,
    );
  });

  it('rejects a part not ending in CRLF', () => {
    expectInvalid(
      crlf(`--1234
Content-Disposition: form-data; name="files"; filename="ab.txt"

Foo--1234--`),
      /Invalid multipart/,
    );
  });

  it('rejects a part without a name', () => {
    expectInvalid(
      crlf(`--1234
Content-Disposition: form-data; filename="ab.txt"

Foo
--1234--`),
      /missing name/,
    );
  });

  it('ignores data after the final boundary', () => {
    const { files } = parse(
      '1234',
      crlf(`--1234
Content-Disposition: form-data; name="files"; filename="ab.txt"

Foo
--1234--
trailing junk`),
    );
    expect(files.files[0].body.toString()).toBe('Foo');
  });

  it('requires the final boundary', () => {
    expectInvalid(crlf(`--1234\nContent-Disposition: form-data; name="a"\n\nFoo\n--1234\n`), /no final boundary/);
    expectInvalid(Buffer.alloc(0), /no final boundary/);
  });

  it('rejects an empty boundary', () => {
    expect(() => parse('', FILE_UPLOAD)).toThrow(HTTPInputError);
    expect(() => parse('""', FILE_UPLOAD)).toThrow(HTTPInputError);
  });

  it('parses several fields and files, repeated names in order, binary bodies untouched', () => {
    const binary = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
    const data = Buffer.concat([
      crlf('--XyZ\nContent-Disposition: form-data; name="a"\n\none\n'),
      crlf('--XyZ\nContent-Disposition: form-data; name="a"\n\ntwo\n'),
      crlf('--XyZ\nContent-Disposition: form-data; name="bin"; filename="b.bin"\nContent-Type: application/octet-stream\n\n'),
      binary,
      crlf('\n--XyZ\nContent-Disposition: form-data; name="empty"\n\n\n--XyZ--\n'),
    ]);
    const { args, files } = parse('XyZ', data);
    expect(args.a.map(String)).toEqual(['one', 'two']);
    expect(args.empty).toEqual([Buffer.alloc(0)]);
    expect(files.bin[0].body.equals(binary)).toBe(true);
    expect(files.bin[0].contentType).toBe('application/octet-stream');
  });

  it('gives views into the body, not copies', () => {
    const { files } = parse('1234', FILE_UPLOAD);
    expect(files.files[0].body.buffer).toBe(FILE_UPLOAD.buffer);
  });

  it('keeps __proto__ and constructor as ordinary field names', () => {
    const data = crlf(`--1234
Content-Disposition: form-data; name="__proto__"

x
--1234
Content-Disposition: form-data; name="constructor"

y
--1234--`);
    const args: ArgumentMap = {};
    parseMultipartFormData('1234', data, args, {});
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(Object.hasOwn(args, '__proto__')).toBe(true);
    expect(args.__proto__.map(String)).toEqual(['x']);
    expect((args['constructor'] as unknown as Buffer[]).map(String)).toEqual(['y']);
  });
});

describe('multipart hostile input', () => {
  const part = (i: number) => `--b\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv${i}\r\n`;
  const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => part(i)).join('') + '--b--\r\n');

  it('accepts 100 parts and rejects 101 with a 400 (CVE-2026-31958)', () => {
    const { args } = parse('b', body(100));
    expect(Object.keys(args)).toHaveLength(100);
    try {
      parse('b', body(101));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HTTPInputError);
      expect((error as HTTPInputError).status).toBe(400);
      expect((error as Error).message).toMatch(/too many parts/);
    }
    expect(() => parse('b', body(3), { maxParts: 2 })).toThrow(/too many parts/);
  });

  it('counts parts before parsing any (6.5.8): a malformed first part still reports the limit', () => {
    const data = Buffer.from('--b\r\ngarbage'.repeat(1) + '\r\n' + '--b\r\n'.repeat(200) + '--b--');
    expect(() => parse('b', data)).toThrow(/too many parts/);
  });

  it('stops at the first error with one exception for a body full of bad parts (CVE-2025-47287)', () => {
    const bad = Buffer.from('--b\r\nno headers here\r\n'.repeat(50) + '--b--');
    const args: ArgumentMap = {};
    const files: FileMap = {};
    let thrown = 0;
    try {
      parseMultipartFormData('b', bad, args, files);
    } catch (error) {
      thrown++;
      expect(error).toBeInstanceOf(HTTPInputError);
    }
    expect(thrown).toBe(1);
  });

  it('adds nothing when a later part is invalid', () => {
    const data = Buffer.from(part(1) + part(2) + '--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--');
    const args: ArgumentMap = {};
    expect(() => parseMultipartFormData('b', data, args, {})).toThrow(/missing name/);
    expect(args).toEqual({});
  });

  it.each([
    ['a bare CR inside a header value', 'Content-Disposition: form-data; name="a"\rX-Evil: 1'],
    ['a bare CR at the end of a header line', 'Content-Disposition: form-data; name="a"\r'],
    ['a bare LF between header lines', 'Content-Disposition: form-data; name="a"\nX-Other: 1'],
    ['a folded header line', 'Content-Disposition: form-data;\r\n name="a"'],
    ['a NUL in a header', 'Content-Disposition: form-data; name="a\x00"'],
    ['an invalid header name', 'Bad Name: x\r\nContent-Disposition: form-data; name="a"'],
  ])('rejects %s (Tornado 6.5.5)', (_, headers) => {
    const data = Buffer.from(`--b\r\n${headers}\r\n\r\nvalue\r\n--b--`);
    expect(() => parse('b', data)).toThrow(HTTPInputError);
  });

  it('rejects part headers that are not UTF-8', () => {
    const data = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"\r\n\r\nx\r\n--b--'),
    ]);
    expect(() => parse('b', data)).toThrow(/UTF-8/);
  });

  it('parses Content-Disposition with ~10k quoted semicolons in linear time (CVE-2025-67726)', () => {
    const message = (n: number) =>
      Buffer.from(
        `--1234\r\nContent-Disposition: form-data; x="${';'.repeat(n)}"; name="files"; filename="a.txt"\r\n\r\nFoo\r\n--1234--\r\n`,
      );
    const time = (n: number) => {
      const data = message(n);
      const start = performance.now();
      const { files } = parse('1234', data);
      expect(files.files[0].filename).toBe('a.txt');
      return performance.now() - start;
    };
    time(1000);
    const small = time(1000);
    const large = time(10_000);
    expect(large).toBeLessThan(100);
    expect(large).toBeLessThan(Math.max(small * 40, 50));
    expect(time(200_000)).toBeLessThan(1000);
  });

  it('handles many escaped quotes and semicolons in one parameter quickly', () => {
    const value = '\\";'.repeat(20_000);
    const data = Buffer.from(`--b\r\nContent-Disposition: form-data; name="n"; x="${value}"\r\n\r\nv\r\n--b--`);
    const start = performance.now();
    parse('b', data);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('finds the boundary in a large body without rescanning (10 MB file)', () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const data = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="big"\r\n\r\n'),
      big,
      Buffer.from('\r\n--b--\r\n'),
    ]);
    const start = performance.now();
    const { files } = parse('b', data);
    expect(files.f[0].body.length).toBe(big.length);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
