/** Parsing of the Accept-Language request header (what Tornado's get_browser_locale reads). */

/** Entries read from one header; the rest of a longer (hostile) header is ignored. */
export const MAX_ACCEPT_LANGUAGE_ENTRIES = 64;
/** Longer tags are skipped: real language tags are far shorter (RFC 5646 asks for 35 characters). */
const MAX_TAG_LENGTH = 64;
const QVALUE = /^\s*q\s*=\s*(\d+(?:\.\d*)?|\.\d+)\s*$/i;

/** Writes `en-us` or `EN_us` as `en_US`; a lone language is lower-cased. */
function normalizeTag(tag: string): string {
  const parts = tag.replaceAll('-', '_').split('_');
  if (parts.length === 1) return parts[0].toLowerCase();
  if (parts.length === 2) return `${parts[0].toLowerCase()}_${parts[1].toUpperCase()}`;
  return parts.join('_');
}

/** The weight of an entry's parameters: 1 without `q`, NaN when `q` is not a number from 0 to 1. */
function weightOf(entry: string, semicolon: number): number {
  let weight = 1;
  let at = semicolon;
  while (at >= 0) {
    const next = entry.indexOf(';', at + 1);
    const parameter = entry.slice(at + 1, next < 0 ? entry.length : next);
    if (/^\s*q\s*=/i.test(parameter)) {
      const match = QVALUE.exec(parameter);
      const value = match === null ? Number.NaN : Number(match[1]);
      weight = value >= 0 && value <= 1 ? value : Number.NaN;
    }
    at = next;
  }
  return weight;
}

/**
 * The locale codes of an Accept-Language header, best first (`fr-CH, fr;q=0.9, en;q=0.8` gives
 * `['fr_CH', 'fr', 'en']`), in `en_US` form. Entries with `q=0`, an invalid `q` or the `*` wildcard
 * are left out; equal weights keep header order. Reads at most 64 entries.
 */
export function parseAcceptLanguage(header: string): string[] {
  const weighted: Array<{ code: string; weight: number }> = [];
  let start = 0;
  for (let seen = 0; start <= header.length && seen < MAX_ACCEPT_LANGUAGE_ENTRIES; seen++) {
    let end = header.indexOf(',', start);
    if (end < 0) end = header.length;
    const entry = header.slice(start, end);
    start = end + 1;
    const semicolon = entry.indexOf(';');
    const tag = (semicolon < 0 ? entry : entry.slice(0, semicolon)).trim();
    if (tag === '' || tag === '*' || tag.length > MAX_TAG_LENGTH) continue;
    const weight = semicolon < 0 ? 1 : weightOf(entry, semicolon);
    if (weight > 0) weighted.push({ code: normalizeTag(tag), weight });
  }
  weighted.sort((a, b) => b.weight - a.weight);
  return weighted.map((item) => item.code);
}
