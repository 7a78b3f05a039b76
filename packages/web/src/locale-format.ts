/**
 * The formatting rules behind {@link Locale}'s date, list and number methods, as pure functions of a
 * {@link LocaleVocabulary}, so they can be tested with a fixed clock.
 */

/** What the formatters need from a locale: its code, translator and month and weekday names. */
export interface LocaleVocabulary {
  readonly code: string;
  readonly monthNames: readonly string[];
  /** Monday first, as Python's `weekday()`. */
  readonly weekdayNames: readonly string[];
  translate(message: string, pluralMessage?: string, count?: number): string;
}

/** Options of {@link Locale.formatDate}. */
export interface FormatDateOptions {
  /** Minutes to subtract from UTC to get the reader's local time (JS `getTimezoneOffset()` sign). */
  gmtOffset?: number;
  /** Relative phrases such as `2 minutes ago` for recent dates (default true). */
  relative?: boolean;
  /** Leave out the time of day where the format allows. */
  shorter?: boolean;
  /** Always the absolute form with the year. */
  fullFormat?: boolean;
  /** The current time (a Date or ms since the epoch); defaults to `Date.now()`. */
  now?: Date | number;
}

/** Options of {@link Locale.formatDay}. */
export interface FormatDayOptions {
  /** Minutes to subtract from UTC to get the reader's local time. */
  gmtOffset?: number;
  /** Start with the day of the week (default true). */
  dow?: boolean;
}

const PLACEHOLDER = /%\(([A-Za-z_][A-Za-z0-9_]*)\)([sd])|%%/g;

/**
 * Fills Python-style named placeholders (`%(name)s`, `%(count)d`, `%%`) as Tornado's translated
 * strings use them; a placeholder without a value is left as written.
 */
export function interpolate(template: string, values: Readonly<Record<string, string | number>>): string {
  if (!template.includes('%')) return template;
  return template.replace(PLACEHOLDER, (whole: string, key: string | undefined, kind: string | undefined) => {
    if (key === undefined) return '%';
    if (!Object.hasOwn(values, key)) return whole;
    const value = values[key];
    return kind === 'd' && typeof value === 'number' ? String(Math.trunc(value)) : String(value);
  });
}

const MS_PER_MINUTE = 60_000;
const SECONDS_PER_DAY = 86_400;

/** Milliseconds since the epoch of a Date or a number of ms; RangeError for an invalid date. */
export function toEpochMs(date: Date | number): number {
  const ms = typeof date === 'number' ? date : date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid date: ${String(date)}`);
  return ms;
}

/** Python 3's round(): halves go to the even neighbour (2.5 -> 2), which Tornado's output shows. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Python's weekday() of a UTC date: Monday is 0. */
function weekdayIndex(date: Date): number {
  return (date.getUTCDay() + 6) % 7;
}

function timeOfDay(code: string, local: Date): string {
  const hour = local.getUTCHours();
  const minutes = String(local.getUTCMinutes()).padStart(2, '0');
  const hour12 = hour % 12 || 12;
  if (code === 'zh_CN') return `${hour >= 12 ? '下午' : '上午'}${hour12}:${minutes}`;
  if (code === 'en' || code === 'en_US') return `${hour12}:${minutes} ${hour >= 12 ? 'pm' : 'am'}`;
  return `${hour}:${minutes}`;
}

/** Tornado's format_date: relative phrases for the recent past, absolute forms otherwise. */
export function formatLocaleDate(locale: LocaleVocabulary, date: Date | number, options: FormatDateOptions = {}): string {
  const relative = options.relative ?? true;
  const shorter = options.shorter ?? false;
  let fullFormat = options.fullFormat ?? false;
  const nowMs = toEpochMs(options.now ?? Date.now());
  let whenMs = toEpochMs(date);
  if (whenMs > nowMs) {
    // Clock skew makes some dates a little in the future: call those "now", the rest get the full form.
    if (relative && whenMs - nowMs < 60_000) whenMs = nowMs;
    else fullFormat = true;
  }
  const offsetMs = (options.gmtOffset ?? 0) * MS_PER_MINUTE;
  const local = new Date(whenMs - offsetMs);
  const localYesterday = new Date(nowMs - offsetMs - SECONDS_PER_DAY * 1000);
  const elapsed = Math.floor((nowMs - whenMs) / 1000);
  const days = Math.floor(elapsed / SECONDS_PER_DAY);
  const seconds = elapsed - days * SECONDS_PER_DAY;
  const _ = (message: string, plural?: string, count?: number) => locale.translate(message, plural, count);

  let format: string | null = null;
  if (!fullFormat) {
    if (relative && days === 0) {
      if (seconds < 50) return interpolate(_('1 second ago', '%(seconds)d seconds ago', seconds), { seconds });
      if (seconds < 50 * 60) {
        const minutes = roundHalfEven(seconds / 60);
        return interpolate(_('1 minute ago', '%(minutes)d minutes ago', minutes), { minutes });
      }
      const hours = roundHalfEven(seconds / 3600);
      return interpolate(_('1 hour ago', '%(hours)d hours ago', hours), { hours });
    }
    if (days === 0) format = _('%(time)s');
    else if (days === 1 && relative && local.getUTCDate() === localYesterday.getUTCDate()) {
      format = shorter ? _('yesterday') : _('yesterday at %(time)s');
    } else if (days < 5) format = shorter ? _('%(weekday)s') : _('%(weekday)s at %(time)s');
    // Up to 11 months: beyond that "May 3" could be read as this year's.
    else if (days < 334) format = shorter ? _('%(month_name)s %(day)s') : _('%(month_name)s %(day)s at %(time)s');
  }
  format ??= shorter ? _('%(month_name)s %(day)s, %(year)s') : _('%(month_name)s %(day)s, %(year)s at %(time)s');

  return interpolate(format, {
    month_name: locale.monthNames[local.getUTCMonth()],
    weekday: locale.weekdayNames[weekdayIndex(local)],
    day: String(local.getUTCDate()),
    year: String(local.getUTCFullYear()),
    time: timeOfDay(locale.code, local),
  });
}

/** Tornado's format_day: `Monday, January 22`, or `January 22` without the day of the week. */
export function formatLocaleDay(locale: LocaleVocabulary, date: Date | number, options: FormatDayOptions = {}): string {
  const local = new Date(toEpochMs(date) - (options.gmtOffset ?? 0) * MS_PER_MINUTE);
  const values = {
    month_name: locale.monthNames[local.getUTCMonth()],
    weekday: locale.weekdayNames[weekdayIndex(local)],
    day: String(local.getUTCDate()),
  };
  const format = options.dow ?? true ? locale.translate('%(weekday)s, %(month_name)s %(day)s') : locale.translate('%(month_name)s %(day)s');
  return interpolate(format, values);
}

/** Tornado's list: `A`, `A and B`, `A, B and C`, with Persian's own separator. */
export function formatLocaleList(locale: LocaleVocabulary, parts: readonly string[]): string {
  if (parts.length === 0) return '';
  if (parts.length === 1) return parts[0];
  const comma = locale.code.startsWith('fa') ? ' و ' : ', ';
  return interpolate(locale.translate('%(commas)s and %(last)s'), {
    commas: parts.slice(0, -1).join(comma),
    last: parts[parts.length - 1],
  });
}

/**
 * Tornado's friendly_number: thousands separators in English (`1,000,000`), digits as they are in
 * other locales. Unlike Tornado, a sign or a fraction is kept apart from the grouping.
 */
export function formatFriendlyNumber(code: string, value: number): string {
  if (code !== 'en' && code !== 'en_US') return String(value);
  if (!Number.isFinite(value)) return String(value);
  const text = Number.isInteger(value) ? BigInt(value).toString() : String(value);
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (match === null) return text; // exponent form of a tiny fraction
  const [, sign, digits, fraction = ''] = match;
  return sign + digits.replace(/\B(?=(\d{3})+$)/g, ',') + fraction;
}
