// Locale basics and formatting, after tornado/test/locale_test.py (LocaleDataTest, EnglishTest).
// Tornado's EnglishTest reads the real clock; we pass a fixed `now` instead. Translation loading
// (TranslationLoaderTest) is in locale-translations.test.ts. Not applicable: nothing; every case
// has a counterpart here or there.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CSVLocale,
  type CsvTranslations,
  type FormatDateOptions,
  getSupportedLocales,
  interpolate,
  Locale,
  LOCALE_NAMES,
  resetLocaleState,
  setDefaultLocale,
} from '../src/locale.js';

afterEach(() => resetLocaleState());

const NO_TRANSLATIONS: CsvTranslations = { plural: new Map(), singular: new Map(), unknown: new Map() };
/** A locale with no translations for any code, whatever is loaded. */
const plain = (code: string) => new CSVLocale(code, NO_TRANSLATIONS);

const APRIL_28_2013_1835 = Date.UTC(2013, 3, 28, 18, 35);
const NOW = Date.UTC(2024, 2, 15, 12, 0, 0); // a Friday
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('LocaleDataTest', () => {
  it('names a locale in its own language, non-ASCII included', () => {
    expect(LOCALE_NAMES.es_LA.name).toBe('Espa\u00f1ol');
    expect(Buffer.from(LOCALE_NAMES.es_LA.name, 'utf8')).toEqual(Buffer.from('Espa\xc3\xb1ol', 'latin1'));
    expect(LOCALE_NAMES.es_LA.nameEn).toBe('Spanish');
    expect(plain('es_LA').name).toBe('Español');
    expect(Locale.get('en_US').name).toBe('English (US)');
  });

  it('calls codes it does not list Unknown, prototype member names included', () => {
    expect(plain('xx_YY').name).toBe('Unknown');
    expect(plain('constructor').name).toBe('Unknown');
    expect(plain('__proto__').name).toBe('Unknown');
  });

  it('knows the 62 locales of Tornado, each code written language_REGION', () => {
    const codes = Object.keys(LOCALE_NAMES);
    expect(codes).toHaveLength(62);
    for (const code of codes) expect(code).toMatch(/^[a-z]{2}_[A-Z]{2}$/);
  });

  it('marks Persian, Arabic and Hebrew right-to-left', () => {
    for (const code of ['fa_IR', 'ar_AR', 'he_IL', 'fa']) expect(plain(code).rtl).toBe(true);
    for (const code of ['en_US', 'fr_FR', 'zh_CN', 'ja_JP']) expect(plain(code).rtl).toBe(false);
  });
});

describe('Locale.get and Locale.getClosest', () => {
  it('caches one Locale per code', () => {
    const first = Locale.get('en_US');
    expect(Locale.get('en_US')).toBe(first);
    expect(first.code).toBe('en_US');
    expect(first).toBeInstanceOf(CSVLocale);
  });

  it('gives the default locale for an unsupported code', () => {
    expect(Locale.get('fr_FR').code).toBe('en_US');
    expect(Locale.get('').code).toBe('en_US');
    expect(Locale.get('constructor').code).toBe('en_US');
  });

  it('falls back from language_REGION to the language alone', () => {
    setDefaultLocale('en');
    expect(Locale.get('en_GB').code).toBe('en');
    expect(Locale.getClosest('en-AU').code).toBe('en');
  });

  it('accepts en-US, en_US, EN-us and en_us alike', () => {
    for (const code of ['en-US', 'en_US', 'EN-us', 'en_us', 'En-Us']) expect(Locale.getClosest(code).code).toBe('en_US');
  });

  it('takes the first supported code, skipping empty and three-part ones', () => {
    setDefaultLocale('de_DE');
    expect(getSupportedLocales()).toEqual(['de_DE']);
    expect(Locale.getClosest('', 'en-US-x-twain', 'de', 'DE-de').code).toBe('de_DE');
    expect(Locale.getClosest().code).toBe('de_DE');
  });

  it('forgets cached locales that setDefaultLocale made unsupported', () => {
    expect(Locale.get('en_US').code).toBe('en_US');
    setDefaultLocale('de_DE');
    expect(Locale.get('en_US').code).toBe('de_DE');
  });

  it('does not match a lone language to a regional locale, as Tornado', () => {
    setDefaultLocale('de_DE');
    expect(Locale.getClosest('en').code).toBe('de_DE');
  });

  it('setDefaultLocale adds the default to the supported locales; resetLocaleState restores en_US', () => {
    setDefaultLocale('pt_BR');
    expect(getSupportedLocales()).toEqual(['pt_BR']);
    expect(Locale.getClosest('xx').code).toBe('pt_BR');
    resetLocaleState();
    expect(getSupportedLocales()).toEqual(['en_US']);
    expect(Locale.getClosest('xx').code).toBe('en_US');
  });

  it('returns untranslated strings as given and picks the plural form by count', () => {
    const locale = Locale.get('en_US');
    expect(locale.translate('Sign out')).toBe('Sign out');
    expect(locale.translate('1 file', '%(n)d files', 1)).toBe('1 file');
    expect(locale.translate('1 file', '%(n)d files', 0)).toBe('%(n)d files');
    expect(locale.translate('1 file', '%(n)d files', 2)).toBe('%(n)d files');
    expect(locale.pgettext('menu', 'Open')).toBe('Open');
    expect(locale.pgettext('menu', 'file', 'files', 3)).toBe('files');
  });

  it('requires a count with a plural message', () => {
    expect(() => Locale.get('en_US').translate('a', 'b')).toThrow(TypeError);
    expect(() => Locale.get('en_US').pgettext('c', 'a', 'b')).toThrow(TypeError);
  });

  it('has month and weekday names, Monday first', () => {
    const locale = Locale.get('en_US');
    expect(locale.monthNames).toHaveLength(12);
    expect(locale.monthNames[3]).toBe('April');
    expect(locale.weekdayNames).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
  });
});

describe('EnglishTest: formatDate', () => {
  const locale = () => Locale.get('en_US');
  const ago = (ms: number, options: FormatDateOptions = {}) => locale().formatDate(NOW - ms, { now: NOW, ...options });

  it('writes the full format with the year and a 12-hour clock', () => {
    expect(locale().formatDate(APRIL_28_2013_1835, { fullFormat: true })).toBe('April 28, 2013 at 6:35 pm');
    expect(locale().formatDate(new Date(APRIL_28_2013_1835), { fullFormat: true, shorter: true })).toBe('April 28, 2013');
  });

  it('says how many seconds, minutes and hours ago', () => {
    expect(ago(2 * SECOND)).toBe('2 seconds ago');
    expect(ago(1 * SECOND)).toBe('1 second ago');
    expect(ago(2 * MINUTE)).toBe('2 minutes ago');
    expect(ago(2 * HOUR)).toBe('2 hours ago');
  });

  it('says yesterday, then the weekday, then month and day, then the year', () => {
    expect(ago(DAY, { shorter: true })).toBe('yesterday');
    expect(ago(DAY)).toBe('yesterday at 12:00 pm');
    expect(ago(2 * DAY, { shorter: true })).toBe('Wednesday');
    expect(ago(2 * DAY)).toBe('Wednesday at 12:00 pm');
    const threeHundredDaysAgo = new Date(NOW - 300 * DAY);
    expect(ago(300 * DAY, { shorter: true })).toBe(`${locale().monthNames[threeHundredDaysAgo.getUTCMonth()]} ${threeHundredDaysAgo.getUTCDate()}`);
    expect(ago(300 * DAY, { shorter: true })).toBe('May 20');
    expect(ago(500 * DAY, { shorter: true })).toBe('November 1, 2022');
  });

  it('uses the real clock when no now is given', () => {
    expect(locale().formatDate(Date.now() - 2 * HOUR)).toBe('2 hours ago');
    expect(locale().formatDate(new Date(Date.now() - 3 * MINUTE))).toBe('3 minutes ago');
  });

  it('rounds halves to even minutes and hours, as Python does', () => {
    expect(ago(150 * SECOND)).toBe('2 minutes ago');
    expect(ago(210 * SECOND)).toBe('4 minutes ago');
    expect(ago(90 * MINUTE)).toBe('2 hours ago');
    expect(ago(150 * MINUTE)).toBe('2 hours ago');
  });

  it('calls a date up to a minute in the future "now" and later ones by their full date', () => {
    expect(ago(-30 * SECOND)).toBe('0 seconds ago');
    expect(ago(-61 * SECOND)).toBe('March 15, 2024 at 12:01 pm');
    expect(ago(-30 * SECOND, { relative: false })).toBe('March 15, 2024 at 12:00 pm');
    // Tornado compares only the seconds part of the gap here and calls this "0 seconds ago".
    expect(ago(-(DAY + 30 * SECOND))).toBe('March 16, 2024 at 12:00 pm');
  });

  it('shifts to local time by gmtOffset minutes (UTC minus local, like getTimezoneOffset)', () => {
    expect(locale().formatDate(APRIL_28_2013_1835, { fullFormat: true, gmtOffset: 300 })).toBe('April 28, 2013 at 1:35 pm');
    expect(locale().formatDate(APRIL_28_2013_1835, { fullFormat: true, gmtOffset: -420 })).toBe('April 29, 2013 at 1:35 am');
  });

  it('rejects an invalid date', () => {
    expect(() => locale().formatDate(new Date('not a date'))).toThrow(RangeError);
    expect(() => locale().formatDate(Number.NaN)).toThrow(RangeError);
    expect(() => locale().formatDay(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('uses a 24-hour clock outside en and en_US, and Chinese morning/afternoon marks in zh_CN', () => {
    const options = { fullFormat: true };
    expect(plain('fr_FR').formatDate(APRIL_28_2013_1835, options)).toBe('April 28, 2013 at 18:35');
    expect(plain('en_GB').formatDate(APRIL_28_2013_1835, options)).toBe('April 28, 2013 at 18:35');
    expect(plain('en').formatDate(APRIL_28_2013_1835, options)).toBe('April 28, 2013 at 6:35 pm');
    expect(plain('zh_CN').formatDate(APRIL_28_2013_1835, options)).toBe('April 28, 2013 at 下午6:35');
    expect(plain('zh_CN').formatDate(Date.UTC(2013, 3, 28, 0, 5), options)).toBe('April 28, 2013 at 上午12:05');
    expect(plain('en_US').formatDate(Date.UTC(2013, 3, 28, 0, 5), options)).toBe('April 28, 2013 at 12:05 am');
    expect(plain('de_DE').formatDate(Date.UTC(2013, 3, 28, 0, 5), options)).toBe('April 28, 2013 at 0:05');
  });

  it('matches Python Tornado on 756 recorded cases', () => {
    const url = new URL('./fixtures/locale/tornado-format-date.json', import.meta.url);
    const recorded = JSON.parse(readFileSync(url, 'utf8')) as { now: string; cases: Array<[string, number, FormatDateOptions, string]> };
    const now = Date.parse(recorded.now);
    const mismatches = recorded.cases
      .map(([code, secondsAgo, options, expected]) => ({ code, secondsAgo, options, expected, got: plain(code).formatDate(now - secondsAgo * SECOND, { ...options, now }) }))
      .filter((row) => row.got !== row.expected);
    expect(recorded.cases).toHaveLength(756);
    expect(mismatches).toEqual([]);
  });
});

describe('EnglishTest: formatDay, list, friendlyNumber', () => {
  it('formats a day with and without the day of the week', () => {
    const locale = Locale.get('en_US');
    expect(locale.formatDay(APRIL_28_2013_1835, { dow: true })).toBe('Sunday, April 28');
    expect(locale.formatDay(new Date(APRIL_28_2013_1835))).toBe('Sunday, April 28');
    expect(locale.formatDay(APRIL_28_2013_1835, { dow: false })).toBe('April 28');
    expect(locale.formatDay(Date.UTC(2013, 3, 28, 2, 0), { gmtOffset: 300 })).toBe('Saturday, April 27');
  });

  it('joins lists with commas and "and"', () => {
    const locale = Locale.get('en_US');
    expect(locale.list([])).toBe('');
    expect(locale.list(['A'])).toBe('A');
    expect(locale.list(['A', 'B'])).toBe('A and B');
    expect(locale.list(['A', 'B', 'C'])).toBe('A, B and C');
  });

  it('joins Persian lists with its own separator', () => {
    expect(plain('fa_IR').list(['A', 'B', 'C'])).toBe('A و B and C');
    expect(plain('zh_CN').list(['A', 'B', 'C'])).toBe('A, B and C');
  });

  it('groups thousands in English only', () => {
    const en = Locale.get('en_US');
    expect(en.friendlyNumber(1000000)).toBe('1,000,000');
    expect(en.friendlyNumber(0)).toBe('0');
    expect(en.friendlyNumber(999)).toBe('999');
    expect(en.friendlyNumber(1000)).toBe('1,000');
    expect(plain('en').friendlyNumber(12345)).toBe('12,345');
    expect(plain('fr_FR').friendlyNumber(1000000)).toBe('1000000');
    expect(plain('en_GB').friendlyNumber(1000000)).toBe('1000000');
  });

  it('keeps signs, fractions and huge or odd values readable', () => {
    const en = Locale.get('en_US');
    expect(en.friendlyNumber(-100)).toBe('-100');
    expect(en.friendlyNumber(-1234567)).toBe('-1,234,567');
    expect(en.friendlyNumber(1234.5)).toBe('1,234.5');
    expect(en.friendlyNumber(1e21)).toBe('1,000,000,000,000,000,000,000');
    expect(en.friendlyNumber(1e-7)).toBe('1e-7');
    expect(en.friendlyNumber(Number.NaN)).toBe('NaN');
    expect(en.friendlyNumber(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });
});

describe('interpolate', () => {
  it('fills %(name)s and %(name)d placeholders and %% escapes', () => {
    expect(interpolate('%(name)s has %(count)d new', { name: 'Ana', count: 3.7 })).toBe('Ana has 3 new');
    expect(interpolate('100%% of %(x)s', { x: 'it' })).toBe('100% of it');
    expect(interpolate('no placeholders', {})).toBe('no placeholders');
  });

  it('leaves placeholders without a value as written, prototype names included', () => {
    expect(interpolate('%(missing)s and %(constructor)s', {})).toBe('%(missing)s and %(constructor)s');
    expect(interpolate('%(x)r %s', { x: 1 })).toBe('%(x)r %s');
  });
});
