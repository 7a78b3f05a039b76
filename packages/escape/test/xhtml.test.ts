import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ArgumentTypeError, UnicodeDecodeError, utf8, xhtmlEscape, xhtmlUnescape } from '@tornado-ts/escape';

describe('xhtmlEscape and xhtmlUnescape: Tornado cases', () => {
  const cases: Array<[string | Buffer, string | Buffer]> = [
    ['<foo>', '&lt;foo&gt;'],
    [Buffer.from('<foo>'), Buffer.from('&lt;foo&gt;')],
    ['<>&"\'', '&lt;&gt;&amp;&quot;&#39;'],
    ['&amp;', '&amp;amp;'],
    ['<\u00e9>', '&lt;\u00e9&gt;'],
    [Buffer.from([0x3c, 0xc3, 0xa9, 0x3e]), Buffer.from([0x26, 0x6c, 0x74, 0x3b, 0xc3, 0xa9, 0x26, 0x67, 0x74, 0x3b])],
  ];

  it.each(cases)('escapes %j and unescapes it back', (raw, escaped) => {
    expect(utf8(xhtmlEscape(raw))).toEqual(utf8(escaped));
    expect(utf8(xhtmlUnescape(escaped))).toEqual(utf8(raw));
  });

  it('returns a string for string and Buffer input alike', () => {
    expect(typeof xhtmlEscape('foo')).toBe('string');
    expect(xhtmlEscape(Buffer.from('a<b'))).toBe('a&lt;b');
  });

  const numeric: Array<[string, string]> = [
    ['foo&#32;bar', 'foo bar'],
    ['foo&#x20;bar', 'foo bar'],
    ['foo&#X20;bar', 'foo bar'],
    ['foo&#xabc;bar', 'foo\u0abcbar'],
    ['foo&#xyz;bar', 'foo&#xyz;bar'],
    ['foo&#;bar', 'foo&#;bar'],
    ['foo&#x;bar', 'foo&#x;bar'],
  ];

  it.each(numeric)('unescapes the numeric reference in %j', (escaped, expected) => {
    expect(xhtmlUnescape(escaped)).toBe(expected);
  });
});

describe('xhtmlEscape', () => {
  it('returns the very same string when nothing needs escaping', () => {
    const text = 'nothing to see here, ' + 'x'.repeat(100);
    expect(xhtmlEscape(text)).toBe(text);
    expect(xhtmlEscape('')).toBe('');
  });

  it('escapes short and long strings the same way', () => {
    const unit = `Tom & Jerry's <b class="x">`;
    const expectedUnit = 'Tom &amp; Jerry&#39;s &lt;b class=&quot;x&quot;&gt;';
    expect(xhtmlEscape(unit)).toBe(expectedUnit);
    expect(xhtmlEscape(unit.repeat(20))).toBe(expectedUnit.repeat(20));
    expect(xhtmlEscape('<' + 'y'.repeat(200))).toBe('&lt;' + 'y'.repeat(200));
    expect(xhtmlEscape('y'.repeat(200) + '>')).toBe('y'.repeat(200) + '&gt;');
    expect(xhtmlEscape('&')).toBe('&amp;');
    expect(xhtmlEscape('a&&b')).toBe('a&amp;&amp;b');
  });

  it('passes astral characters and other markup-neutral characters through', () => {
    expect(xhtmlEscape('\u{1F600}<\u{1F600}>`=/')).toBe('\u{1F600}&lt;\u{1F600}&gt;`=/');
  });

  it('throws for bytes that are not UTF-8 and for values that are not text', () => {
    expect(() => xhtmlEscape(Buffer.from([0x3c, 0xff]))).toThrow(UnicodeDecodeError);
    expect(() => xhtmlEscape(null as unknown as string)).toThrow(ArgumentTypeError);
    expect(() => xhtmlEscape(5 as unknown as string)).toThrow(/xhtmlEscape: expected a string or Buffer, got number/);
  });
});

describe('xhtmlUnescape', () => {
  it('decodes decimal and hex references to any code point, astral ones included', () => {
    expect(xhtmlUnescape('&#128512;&#x1F600;&#x1f600;')).toBe('\u{1F600}'.repeat(3));
    expect(xhtmlUnescape('&#0065;&#x0041;&#39;&#0;')).toBe("AA'\u0000");
    expect(xhtmlUnescape('&#1114111;')).toBe('\u{10FFFF}');
  });

  it('leaves references beyond U+10FFFF, however long, as written', () => {
    expect(xhtmlUnescape('&#1114112;')).toBe('&#1114112;');
    expect(xhtmlUnescape('&#x110000;')).toBe('&#x110000;');
    const huge = '&#' + '9'.repeat(400) + ';';
    expect(xhtmlUnescape(huge)).toBe(huge);
  });

  it('does not read underscores or signs as digits', () => {
    expect(xhtmlUnescape('&#1_0;&#x1_0;&#+65;&#-65;')).toBe('&#1_0;&#x1_0;&#+65;&#-65;');
  });

  it('needs the closing semicolon', () => {
    expect(xhtmlUnescape('&amp &lt;&#65 &gt')).toBe('&amp <&#65 &gt');
  });

  it('decodes one level only', () => {
    expect(xhtmlUnescape('&amp;lt;')).toBe('&lt;');
  });

  it('handles empty input, text without references and UTF-8 bytes', () => {
    expect(xhtmlUnescape('')).toBe('');
    expect(xhtmlUnescape('plain')).toBe('plain');
    expect(xhtmlUnescape(Buffer.from('caf&eacute; \u00e9'))).toBe('caf\u00e9 \u00e9');
  });

  it('throws for values that are not text', () => {
    expect(() => xhtmlUnescape(undefined as unknown as string)).toThrow(ArgumentTypeError);
    expect(() => xhtmlUnescape(Buffer.from([0xc3]))).toThrow(UnicodeDecodeError);
  });
});
