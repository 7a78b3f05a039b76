// The head writer's helpers: serializeFields (through HTTPHeaders.forEachField), connectionLines,
// the `scan` record, and checkLatin1, which only looks at a head when a value was above 0xFF.
import { describe, expect, it } from 'vitest';
import { HTTPHeaders, HTTPOutputError } from '../src';
import { isTokenCode } from '../src/http-grammar';
import { checkLatin1, connectionLines, isValidReason, scan, scanFields, serializeFields } from '../src/http1-head';

describe('HTTPHeaders.forEachField', () => {
  it('calls back once per value, names in order of first appearance, repeats together', () => {
    const h = new HTTPHeaders([['B', '1'], ['a', '2'], ['b', '3'], ['C', '']]);
    const seen: [string, string][] = [];
    h.forEachField((name, value) => seen.push([name, value]));
    expect(seen).toEqual([['B', '1'], ['B', '3'], ['A', '2'], ['C', '']]);
    expect(seen).toEqual([...h]);
    new HTTPHeaders().forEachField(() => expect.unreachable());
  });
});

describe('serializeFields', () => {
  it('writes every field but Connection and records the ones the codec decides on', () => {
    const h = new HTTPHeaders([
      ['Content-Type', 'text/plain'],
      ['Connection', 'close'],
      ['Content-Length', '3'],
      ['Content-Length', '3'],
      ['Transfer-Encoding', 'chunked'],
      ['Expect', '100-continue'],
      ['Date', 'x'],
    ]);
    expect(serializeFields(h)).toBe(
      'Content-Type: text/plain\r\nContent-Length: 3\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nDate: x\r\n',
    );
    expect({ ...scan }).toEqual({ te: 'chunked', cl: '3,3', connection: 'close', expect: '100-continue', date: true, nonLatin1: false });
    expect(connectionLines(h)).toBe('Connection: close\r\n');
    expect(serializeFields(new HTTPHeaders())).toBe('');
    expect({ ...scan }).toEqual({ te: undefined, cl: undefined, connection: undefined, expect: undefined, date: false, nonLatin1: false });
  });

  it('scanFields fills the same record from received headers, joining repeats as get() does', () => {
    const h = new HTTPHeaders([['Connection', 'keep-alive'], ['connection', 'Upgrade'], ['content-length', '5']]);
    scanFields(h);
    expect(scan.connection).toBe(h.get('Connection'));
    expect(scan.cl).toBe('5');
    expect(scan.date).toBe(false);
  });
});

describe('checkLatin1', () => {
  it('names the field holding a char above 0xFF, in a written field or a Connection line', () => {
    const h = new HTTPHeaders([['X-Ok', 'caf\u00e9'], ['X-Bad', 'a\u4e2db']]);
    const head = `HTTP/1.1 200 OK\r\n${serializeFields(h)}\r\n`;
    expect(scan.nonLatin1).toBe(true);
    expect(() => checkLatin1(head, h)).toThrow(HTTPOutputError);
    expect(() => checkLatin1(head, h)).toThrow(/X-Bad/);

    const c = new HTTPHeaders([['Connection', '\u0100']]);
    const fields = serializeFields(c);
    expect(scan.nonLatin1).toBe(false);
    const lines = connectionLines(c);
    expect(scan.nonLatin1).toBe(true);
    expect(() => checkLatin1(`HTTP/1.1 200 OK\r\n${fields}${lines}\r\n`, c)).toThrow(/Connection/);
  });

  it('passes latin1 values, and a head whose odd value was left out (an application Connection replaced by ours)', () => {
    const h = new HTTPHeaders([['X-Latin1', '\u00ff\u0080 x'], ['Connection', '\u0100']]);
    const head = `HTTP/1.1 200 OK\r\n${serializeFields(h)}Connection: close\r\n\r\n`;
    expect(scan.nonLatin1).toBe(false);
    expect(() => checkLatin1(head, h)).not.toThrow();
  });
});

describe('isTokenCode', () => {
  it('is true for tchar codes only', () => {
    const tchars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (let c = 0; c < 0x200; c++) expect(isTokenCode(c), String(c)).toBe(tchars.includes(String.fromCharCode(c)));
  });
});

describe('isValidReason', () => {
  it('remembers the last valid phrase but still refuses every invalid one', () => {
    expect(isValidReason('OK')).toBe(true);
    expect(isValidReason('OK\r\nX-Injected: 1')).toBe(false);
    expect(isValidReason('Custom Reason\t\u00e9')).toBe(true);
    for (const bad of ['\r', '\n', '\x00', '\x7f', 'Custom Reason\n', '\u0100']) expect(isValidReason(bad), JSON.stringify(bad)).toBe(false);
    expect(isValidReason('Custom Reason\t\u00e9')).toBe(true);
    expect(isValidReason('')).toBe(true);
  });
});
