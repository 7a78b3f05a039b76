/**
 * Locales after Tornado's tornado.locale: translated strings (CSV or gettext catalogs) and
 * locale-aware dates, lists and numbers. Which locales exist is module-level state, as in Tornado.
 * @module
 */
import { genLog } from '@tornado-ts/ioloop';
import { type CsvTranslations, readCsvTranslations } from './locale-csv.js';
import {
  formatFriendlyNumber,
  formatLocaleDate,
  formatLocaleDay,
  formatLocaleList,
  type FormatDateOptions,
  type FormatDayOptions,
  type LocaleVocabulary,
} from './locale-format.js';
import { GettextCatalog, readGettextCatalogs } from './locale-gettext.js';
import { LOCALE_NAMES } from './locale-names.js';

/** Joins a pgettext context to its message in catalog keys, as gettext does. */
export const CONTEXT_SEPARATOR = '\x04';

const RTL_PREFIXES = ['fa', 'ar', 'he'] as const;
const EMPTY_CSV: CsvTranslations = Object.freeze({ plural: new Map(), singular: new Map(), unknown: new Map() });

let defaultLocaleCode = 'en_US';
let translations: ReadonlyMap<string, CsvTranslations | GettextCatalog> = new Map();
let supportedLocales: ReadonlySet<string> = new Set([defaultLocaleCode]);
let supportedList: readonly string[] = Object.freeze([defaultLocaleCode]);
const localeCache = new Map<string, Locale>();

function updateSupportedLocales(): void {
  const codes = new Set([...translations.keys(), defaultLocaleCode]);
  supportedLocales = codes;
  supportedList = Object.freeze([...codes].sort());
}

function requireCount(count: number | undefined): number {
  if (typeof count !== 'number') throw new TypeError('A count is required with a plural message');
  return count;
}

/**
 * A locale: its code, native name and direction, translated strings, and dates, lists and numbers
 * formatted for it. Get one with {@link Locale.get} or {@link Locale.getClosest}.
 */
export abstract class Locale implements LocaleVocabulary {
  /** The locale for `code`, created once and cached; an unsupported code gets the closest supported locale. */
  static get(code: string): Locale {
    const cached = localeCache.get(code);
    if (cached !== undefined) return cached;
    if (!supportedLocales.has(code)) return Locale.getClosest(code);
    const source = translations.get(code);
    const locale = source instanceof GettextCatalog ? new GettextLocale(code, source) : new CSVLocale(code, source ?? EMPTY_CSV);
    localeCache.set(code, locale);
    return locale;
  }

  /**
   * The first of `codes` that is supported, exactly or by its language alone (`en` for `en_GB`);
   * codes may be written `en-US`, `en_US` or `EN-us`. The default locale when none is.
   */
  static getClosest(...codes: string[]): Locale {
    for (const given of codes) {
      if (!given) continue;
      const parts = given.replaceAll('-', '_').split('_');
      if (parts.length > 2) continue;
      const language = parts[0].toLowerCase();
      const code = parts.length === 2 ? `${language}_${parts[1].toUpperCase()}` : parts[0];
      if (supportedLocales.has(code)) return Locale.get(code);
      if (supportedLocales.has(language)) return Locale.get(language);
    }
    return Locale.get(defaultLocaleCode);
  }

  /** The locale code, e.g. `en_US`. */
  readonly code: string;
  /** The locale's name in its own language (`Español`), `Unknown` for a code Tornado does not list. */
  readonly name: string;
  /** True for right-to-left scripts (Persian, Arabic, Hebrew). */
  readonly rtl: boolean;
  #monthNames: readonly string[] | null = null;
  #weekdayNames: readonly string[] | null = null;

  constructor(code: string) {
    this.code = code;
    this.name = LOCALE_NAMES[code]?.name ?? 'Unknown';
    this.rtl = RTL_PREFIXES.some((prefix) => code.startsWith(prefix));
  }

  /** January to December, translated. */
  get monthNames(): readonly string[] {
    // Computed on first use: a subclass's translation fields do not exist yet in this constructor.
    this.#monthNames ??= Object.freeze(
      ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'].map(
        (month) => this.translate(month),
      ),
    );
    return this.#monthNames;
  }

  /** Monday to Sunday, translated. */
  get weekdayNames(): readonly string[] {
    this.#weekdayNames ??= Object.freeze(
      ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((day) => this.translate(day)),
    );
    return this.#weekdayNames;
  }

  /**
   * The translation of `message`; with `pluralMessage`, the singular form when `count` is 1 and the
   * plural form otherwise. Untranslated strings come back as given.
   * @throws {TypeError} when `pluralMessage` is given without `count`
   */
  abstract translate(message: string, pluralMessage?: string, count?: number): string;

  /**
   * Like {@link translate}, for a message whose meaning depends on `context` (`right` in the
   * context `law` or `good`); falls back to the translation without context.
   * @throws {TypeError} when `pluralMessage` is given without `count`
   */
  abstract pgettext(context: string, message: string, pluralMessage?: string, count?: number): string;

  /**
   * Formats a UTC date (a Date or ms since the epoch): `2 minutes ago`, `yesterday at 2:00 pm`,
   * `April 28, 2013 at 6:35 pm`. Meant for past dates; future ones get the full form.
   * @throws {RangeError} for an invalid date
   */
  formatDate(date: Date | number, options?: FormatDateOptions): string {
    return formatLocaleDate(this, date, options);
  }

  /**
   * Formats a UTC date as a day: `Monday, January 22`, or `January 22` with `dow: false`.
   * @throws {RangeError} for an invalid date
   */
  formatDay(date: Date | number, options?: FormatDayOptions): string {
    return formatLocaleDay(this, date, options);
  }

  /** Joins parts for reading: `A`, `A and B`, `A, B and C`, with a translated "and". */
  list(parts: readonly string[]): string {
    return formatLocaleList(this, parts);
  }

  /** Groups thousands in English (`1,000,000`); other locales get the plain digits. */
  friendlyNumber(value: number): string {
    return formatFriendlyNumber(this.code, value);
  }
}

/** A locale whose strings come from Tornado's CSV translation files ({@link loadTranslations}). */
export class CSVLocale extends Locale {
  /** This locale's rows, by plural indicator. */
  readonly translations: CsvTranslations;

  constructor(code: string, csvTranslations: CsvTranslations) {
    super(code);
    this.translations = csvTranslations;
  }

  translate(message: string, pluralMessage?: string, count?: number): string {
    if (pluralMessage === undefined) return this.translations.unknown.get(message) ?? message;
    if (requireCount(count) === 1) return this.translations.singular.get(message) ?? message;
    return this.translations.plural.get(pluralMessage) ?? pluralMessage;
  }

  /**
   * Looks for a row whose message is `context` + `\x04` + the message, then for the message alone
   * (Tornado's CSV locale ignores the context).
   */
  pgettext(context: string, message: string, pluralMessage?: string, count?: number): string {
    const prefix = context + CONTEXT_SEPARATOR;
    if (pluralMessage === undefined) {
      const found = this.translations.unknown.get(prefix + message);
      if (found !== undefined) return found;
    } else {
      const found =
        requireCount(count) === 1 ? this.translations.singular.get(prefix + message) : this.translations.plural.get(prefix + pluralMessage);
      if (found !== undefined) return found;
    }
    return this.translate(message, pluralMessage, count);
  }
}

/** A locale whose strings come from a gettext `.mo` catalog ({@link loadGettextTranslations}). */
export class GettextLocale extends Locale {
  /** This locale's compiled catalog. */
  readonly catalog: GettextCatalog;

  constructor(code: string, catalog: GettextCatalog) {
    super(code);
    this.catalog = catalog;
  }

  translate(message: string, pluralMessage?: string, count?: number): string {
    if (pluralMessage === undefined) return this.catalog.gettext(message);
    return this.catalog.ngettext(message, pluralMessage, requireCount(count));
  }

  pgettext(context: string, message: string, pluralMessage?: string, count?: number): string {
    const prefix = context + CONTEXT_SEPARATOR;
    if (pluralMessage === undefined) {
      const found = this.catalog.gettext(prefix + message);
      return found.includes(CONTEXT_SEPARATOR) ? message : found;
    }
    const found = this.catalog.ngettext(prefix + message, prefix + pluralMessage, requireCount(count));
    return found.includes(CONTEXT_SEPARATOR) ? this.catalog.ngettext(message, pluralMessage, count as number) : found;
  }
}

function replaceTranslations(next: ReadonlyMap<string, CsvTranslations | GettextCatalog>): void {
  translations = next;
  localeCache.clear();
  updateSupportedLocales();
  genLog.debug('Supported locales: %s', supportedList.join(', '));
}

/**
 * Loads CSV translations from `directory`, one `<code>.csv` per locale (`es_LA.csv`), replacing any
 * loaded before. Rows are `message,translation[,plural|singular|unknown]`; the encoding is taken
 * from a BOM (UTF-16 or UTF-8), else UTF-8, unless `encoding` is given.
 * @throws {UnicodeDecodeError} when a file read as UTF-8 is not valid UTF-8
 */
export function loadTranslations(directory: string, options?: { encoding?: BufferEncoding }): void {
  replaceTranslations(readCsvTranslations(directory, options?.encoding));
}

/**
 * Loads gettext catalogs `<directory>/<code>/LC_MESSAGES/<domain>.mo`, replacing any translations
 * loaded before. Catalogs that cannot be read are logged and skipped.
 */
export function loadGettextTranslations(directory: string, domain: string): void {
  replaceTranslations(readGettextCatalogs(directory, domain));
}

/** Sets the locale the application's own strings are written in, used when nothing closer is supported. */
export function setDefaultLocale(code: string): void {
  defaultLocaleCode = code;
  localeCache.clear(); // a cached locale may no longer be supported
  updateSupportedLocales();
}

/** The codes of the locales with translations, plus the default locale, sorted. */
export function getSupportedLocales(): readonly string[] {
  return supportedList;
}

/**
 * Forgets loaded translations and cached locales and makes `en_US` the default again: the state a
 * process starts with. For tests, since locale state is global.
 */
export function resetLocaleState(): void {
  defaultLocaleCode = 'en_US';
  replaceTranslations(new Map());
}

export { parseAcceptLanguage } from './locale-accept-language.js';
export { interpolate, type FormatDateOptions, type FormatDayOptions } from './locale-format.js';
export { LOCALE_NAMES, type LocaleName } from './locale-names.js';
export { GettextCatalog, parseMoFile } from './locale-gettext.js';
export type { CsvTranslations, PluralIndicator } from './locale-csv.js';
