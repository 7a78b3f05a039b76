// parseAcceptLanguage: the header parsing of Tornado's RequestHandler.get_browser_locale, which
// tornado/test/web_test.py exercises only through handlers (A's tests cover that path).
import { afterEach, describe, expect, it } from 'vitest';
import { Locale, parseAcceptLanguage, resetLocaleState, setDefaultLocale } from '../src/locale.js';
import { MAX_ACCEPT_LANGUAGE_ENTRIES } from '../src/locale-accept-language.js';

afterEach(() => resetLocaleState());

describe('parseAcceptLanguage', () => {
  it('orders codes by q-value, best first, in en_US form', () => {
    expect(parseAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5')).toEqual(['fr_CH', 'fr', 'en', 'de']);
    expect(parseAcceptLanguage('da, en-gb;q=0.8, en;q=0.9')).toEqual(['da', 'en', 'en_GB']);
  });

  it('keeps header order between equal weights', () => {
    expect(parseAcceptLanguage('de;q=0.5, fr, es;q=0.5, it')).toEqual(['fr', 'it', 'de', 'es']);
  });

  it('normalises case and separators', () => {
    expect(parseAcceptLanguage('EN-us,pt_br,ES,zh-Hant-TW')).toEqual(['en_US', 'pt_BR', 'es', 'zh_Hant_TW']);
  });

  it('leaves out the wildcard, q=0 and empty entries', () => {
    expect(parseAcceptLanguage('*')).toEqual([]);
    expect(parseAcceptLanguage('en;q=0, fr;q=0.000')).toEqual([]);
    expect(parseAcceptLanguage('')).toEqual([]);
    expect(parseAcceptLanguage(' , ,, ;q=1')).toEqual([]);
  });

  it.each(['q=abc', 'q=', 'q=-1', 'q=1.5', 'q=2', 'q=1e-3', 'q=NaN', 'q=Infinity', 'q=0x1', 'q=0.5.5'])(
    'leaves out an entry with the invalid weight %s',
    (q) => {
      expect(parseAcceptLanguage(`en;${q}, fr;q=0.1`)).toEqual(['fr']);
    },
  );

  it('reads q case-insensitively, with spaces, among other parameters', () => {
    expect(parseAcceptLanguage('en;Q=0.2, fr ; q = 0.3 , de;level=1;q=0.4, es;level=1')).toEqual(['es', 'de', 'fr', 'en']);
    expect(parseAcceptLanguage('en;q=1.000, fr;q=.5, de;q=0.')).toEqual(['en', 'fr']);
  });

  it('reads at most 64 entries of a hostile header with 10,000', () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `x${i};q=0.${(i % 9) + 1}`).join(',');
    const codes = parseAcceptLanguage(`${header},en;q=1`);
    expect(codes).toHaveLength(MAX_ACCEPT_LANGUAGE_ENTRIES);
    expect(codes).not.toContain('en');
    expect(codes).toContain('x63');
    expect(codes).not.toContain('x64');
  });

  it('copes with huge entries: a giant tag is skipped, a flood of parameters is read once', () => {
    expect(parseAcceptLanguage(`${'a'.repeat(100_000)}, en`)).toEqual(['en']);
    expect(parseAcceptLanguage(`en${';'.repeat(100_000)};q=0.5, fr`)).toEqual(['fr', 'en']);
    expect(parseAcceptLanguage(`en;q=0.5${' '.repeat(100_000)}, fr;q=0.4`)).toEqual(['en', 'fr']);
    expect(parseAcceptLanguage(','.repeat(1_000_000))).toEqual([]);
  });

  it('feeds Locale.getClosest, as RequestHandler.getBrowserLocale does', () => {
    setDefaultLocale('en');
    expect(Locale.getClosest(...parseAcceptLanguage('xx-YY;q=0.9, en-GB;q=0.8')).code).toBe('en');
    expect(Locale.getClosest(...parseAcceptLanguage('*')).code).toBe('en');
  });
});
