// The CSV layer under loadTranslations. Expected rows were checked against Python's csv.reader,
// which Tornado's load_translations uses.
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { describe, expect, it } from 'vitest';
import { decodeTranslationFile, parseCsvRows, parseCsvTranslations } from '../src/locale-csv.js';

describe('parseCsvRows', () => {
  const cases: Array<[string, string[][]]> = [
    ['a,b\n', [['a', 'b']]],
    ['a,b', [['a', 'b']]],
    ['\n', [[]]],
    ['a\r\nb\rc\n', [['a'], ['b'], ['c']]],
    ['"a,b",c', [['a,b', 'c']]],
    ['"a""b",c', [['a"b', 'c']]],
    ['"ab"c,d', [['abc', 'd']]],
    ['a"b,c', [['a"b', 'c']]],
    [',', [['', '']]],
    [',,\n', [['', '', '']]],
    ['"",x', [['', 'x']]],
    ['"multi\nline",y\n\n', [['multi\nline', 'y'], []]],
    ['x, "y"', [['x', ' "y"']]],
    ['"a"\r\n"b"', [['a'], ['b']]],
    ['a,b\n\n\nc', [['a', 'b'], [], [], ['c']]],
    ['"unterminated', [['unterminated']]],
    [' a , b ', [[' a ', ' b ']]],
    ['', []],
  ];
  it.each(cases)('splits %j as Python csv.reader does', (text, rows) => {
    expect(parseCsvRows(text)).toEqual(rows);
  });

  it('stays linear on large hostile input', () => {
    expect(parseCsvRows('"'.repeat(200_001))).toEqual([['"'.repeat(100_000)]]);
    expect(parseCsvRows(',\n'.repeat(100_000))).toHaveLength(100_000);
  });
});

describe('parseCsvTranslations', () => {
  it('files rows under their plural indicator, trimming cells and skipping short rows', () => {
    const tables = parseCsvTranslations(' a , b \nc,d,plural\ne,f,singular\ng,h,\nalone\n\ni,j,unknown,extra\n', 'xx.csv');
    expect(Object.fromEntries(tables.unknown)).toEqual({ a: 'b', g: 'h', i: 'j' });
    expect(Object.fromEntries(tables.plural)).toEqual({ c: 'd' });
    expect(Object.fromEntries(tables.singular)).toEqual({ e: 'f' });
  });

  it('turns line breaks in quoted cells into \\n, as Tornado reading in text mode', () => {
    expect(parseCsvTranslations('"two\r\nlines","deux\rlignes"\r\n', 'xx.csv').unknown.get('two\nlines')).toBe('deux\nlignes');
  });

  it('logs rows with an unknown plural indicator, by row number', async () => {
    const tables = await expectLog(genLog, /Unrecognized plural indicator "dual" in xx\.csv row 2/, () => parseCsvTranslations('a,b\nc,d,dual\n', 'xx.csv'), { level: 'error' });
    expect(tables.unknown.get('c')).toBeUndefined();
    expect(tables.unknown.get('a')).toBe('b');
  });

  it('keeps prototype member names as ordinary messages', () => {
    const tables = parseCsvTranslations('__proto__,x\nconstructor,y\n', 'xx.csv');
    expect(tables.unknown.get('__proto__')).toBe('x');
    expect(tables.unknown.get('constructor')).toBe('y');
    expect(tables.unknown.get('toString')).toBeUndefined();
  });
});

describe('decodeTranslationFile', () => {
  it('strips a BOM and decodes UTF-16 of either byte order', () => {
    expect(decodeTranslationFile(Buffer.from([0xef, 0xbb, 0xbf, 0x61]), 'f')).toBe('a');
    expect(decodeTranslationFile(Buffer.from([0xff, 0xfe, 0x61, 0x00]), 'f')).toBe('a');
    expect(decodeTranslationFile(Buffer.from([0xfe, 0xff, 0x00, 0x61]), 'f')).toBe('a');
    expect(decodeTranslationFile(Buffer.from([0xfe, 0xff, 0x00, 0x61, 0x00]), 'f')).toBe('a');
    expect(decodeTranslationFile(Buffer.alloc(0), 'f')).toBe('');
  });

  it('follows an explicit encoding instead of detecting one', () => {
    expect(decodeTranslationFile(Buffer.from([0xff, 0xfe]), 'f', 'latin1')).toBe('ÿþ');
    expect(decodeTranslationFile(Buffer.from('é', 'utf16le'), 'f', 'utf16le')).toBe('é');
  });
});
