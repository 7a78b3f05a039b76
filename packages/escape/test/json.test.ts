import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ArgumentTypeError, jsonDecode, jsonEncode, UnicodeDecodeError, utf8 } from '@tornado-ts/escape';

describe('jsonDecode: Tornado cases', () => {
  it('takes a string or UTF-8 bytes and always gives strings back', () => {
    expect(jsonDecode(Buffer.from('"foo"'))).toBe('foo');
    expect(jsonDecode('"foo"')).toBe('foo');
    expect(jsonDecode(utf8('"\u00e9"'))).toBe('\u00e9');
  });
});

describe('jsonEncode: Tornado cases', () => {
  it('round-trips non-ASCII text', () => {
    expect(jsonDecode(jsonEncode('\u00e9'))).toBe('\u00e9');
  });

  it('writes </ as <\\/ so the result cannot close a <script> element', () => {
    expect(jsonEncode('</script>')).toBe('"<\\/script>"');
    expect(jsonEncode({ a: '</SCRIPT></' })).toBe('{"a":"<\\/SCRIPT><\\/"}');
    expect(jsonDecode(jsonEncode('</script>'))).toBe('</script>');
  });
});

describe('jsonEncode', () => {
  it('escapes <!--, U+2028 and U+2029, and still decodes to the same value', () => {
    const value = { html: '<!--<script>', lines: 'a\u2028b\u2029c' };
    const encoded = jsonEncode(value);
    expect(encoded).toBe('{"html":"\\u003c!--<script>","lines":"a\\u2028b\\u2029c"}');
    expect(jsonDecode(encoded)).toEqual(value);
  });

  it('leaves other < and non-ASCII characters, astral ones included, as JSON.stringify writes them', () => {
    expect(jsonEncode(['a<b', '\u00e9\u{1F600}'])).toBe('["a<b","\u00e9\u{1F600}"]');
  });

  it('encodes a lone surrogate as an escape, so the result is valid UTF-16 text', () => {
    expect(jsonEncode('\ud800')).toBe('"\\ud800"');
  });

  it('encodes plain values as JSON.stringify does', () => {
    expect(jsonEncode(null)).toBe('null');
    expect(jsonEncode('')).toBe('""');
    expect(jsonEncode([1, true, 'x', { y: [] }])).toBe('[1,true,"x",{"y":[]}]');
    expect(jsonEncode({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('throws ArgumentTypeError for a value without a JSON form', () => {
    expect(() => jsonEncode(undefined)).toThrow(ArgumentTypeError);
    expect(() => jsonEncode(() => 1)).toThrow(/jsonEncode: a value of type function is not JSON-serializable/);
    expect(() => jsonEncode(Symbol('s'))).toThrow(ArgumentTypeError);
  });

  it("lets JSON.stringify's own TypeError through for BigInt and cycles", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => jsonEncode(cycle)).toThrow(TypeError);
    expect(() => jsonEncode(10n)).toThrow(TypeError);
  });
});

describe('jsonDecode', () => {
  it('throws SyntaxError for text that is not JSON, empty text included', () => {
    expect(() => jsonDecode('')).toThrow(SyntaxError);
    expect(() => jsonDecode('{a: 1}')).toThrow(SyntaxError);
    expect(() => jsonDecode('NaN')).toThrow(SyntaxError);
  });

  it('throws UnicodeDecodeError for bytes that are not UTF-8', () => {
    expect(() => jsonDecode(Buffer.from([0x22, 0xff, 0x22]))).toThrow(UnicodeDecodeError);
  });

  it('throws ArgumentTypeError rather than parsing a coerced value', () => {
    expect(() => jsonDecode(null as unknown as string)).toThrow(ArgumentTypeError);
    expect(() => jsonDecode(1 as unknown as string)).toThrow(ArgumentTypeError);
  });

  it('decodes astral characters from escapes and from bytes', () => {
    expect(jsonDecode('"\\ud83d\\ude00"')).toBe('\u{1F600}');
    expect(jsonDecode(utf8('["\u{1F600}"]'))).toEqual(['\u{1F600}']);
  });
});
