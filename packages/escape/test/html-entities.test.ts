import { describe, expect, it } from 'vitest';
import { xhtmlUnescape } from '@tornado-ts/escape';

// The named-entity table behind xhtmlUnescape: HTML 4's 252 names, the set Tornado decodes.
describe('named entities', () => {
  const samples: Array<[string, string]> = [
    ['quot', '"'],
    ['amp', '&'],
    ['lt', '<'],
    ['gt', '>'],
    ['nbsp', '\u00a0'],
    ['copy', '\u00a9'],
    ['frac34', '\u00be'],
    ['AElig', '\u00c6'],
    ['aelig', '\u00e6'],
    ['yuml', '\u00ff'],
    ['Yuml', '\u0178'],
    ['OElig', '\u0152'],
    ['fnof', '\u0192'],
    ['Omega', '\u03a9'],
    ['omega', '\u03c9'],
    ['thetasym', '\u03d1'],
    ['piv', '\u03d6'],
    ['zwnj', '\u200c'],
    ['mdash', '\u2014'],
    ['hellip', '\u2026'],
    ['euro', '\u20ac'],
    ['trade', '\u2122'],
    ['alefsym', '\u2135'],
    ['hArr', '\u21d4'],
    ['there4', '\u2234'],
    ['sup1', '\u00b9'],
    ['sup', '\u2283'],
    ['lang', '\u2329'],
    ['rang', '\u232a'],
    ['diams', '\u2666'],
  ];

  it.each(samples)('decodes &%s;', (name, char) => {
    expect(xhtmlUnescape(`&${name};`)).toBe(char);
  });

  it('is case-sensitive, as HTML 4 names are', () => {
    expect(xhtmlUnescape('&AMP;&Lt;&Nbsp;')).toBe('&AMP;&Lt;&Nbsp;');
    expect(xhtmlUnescape('&Dagger;&dagger;&Prime;&prime;')).toBe('\u2021\u2020\u2033\u2032');
  });

  it('leaves names that only HTML5 or XML define, as Tornado does', () => {
    expect(xhtmlUnescape('&apos;&NewLine;&check;&nbsp')).toBe('&apos;&NewLine;&check;&nbsp');
  });

  it('leaves names that merely resemble an entity or an Object key', () => {
    expect(xhtmlUnescape('&ampx;&constructor;&__proto__;&toString;&hasOwnProperty;')).toBe(
      '&ampx;&constructor;&__proto__;&toString;&hasOwnProperty;',
    );
  });
});
