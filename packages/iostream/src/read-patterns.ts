/** What `readUntil` and `readUntilRegex` look for: patterns normalised once and cached. */

const delimiterCache = new Map<string, Buffer>();
/** The last delimiter asked for: a loop over one delimiter skips the map lookup. */
let lastDelimiter = '';
let lastBytes: Buffer = Buffer.alloc(0);

/** The UTF-8 bytes of a string delimiter, cached so `readUntil('\r\n')` allocates nothing per call. */
export function delimiterBytes(delimiter: string): Buffer {
  if (delimiter === lastDelimiter) return lastBytes;
  let bytes = delimiterCache.get(delimiter);
  if (bytes === undefined) {
    bytes = Buffer.from(delimiter, 'utf8');
    if (delimiterCache.size >= 64) delimiterCache.clear();
    delimiterCache.set(delimiter, bytes);
  }
  lastDelimiter = delimiter;
  lastBytes = bytes;
  return bytes;
}

const regexCache = new Map<string, RegExp>();

/** A regex safe to `exec` repeatedly from index 0: strings are compiled, `g`/`y` flags dropped (cached). */
export function searchRegex(pattern: RegExp | string): RegExp {
  if (typeof pattern !== 'string' && !pattern.global && !pattern.sticky) return pattern;
  const key = typeof pattern === 'string' ? `s:${pattern}` : `r:${pattern.flags}:${pattern.source}`;
  let regex = regexCache.get(key);
  if (regex === undefined) {
    regex = typeof pattern === 'string' ? new RegExp(pattern) : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    if (regexCache.size >= 64) regexCache.clear();
    regexCache.set(key, regex);
  }
  return regex;
}

/** The pattern as it appears in an UnsatisfiableReadError message. */
export function describePattern(pattern: Buffer | RegExp): string {
  return pattern instanceof RegExp ? String(pattern) : JSON.stringify(pattern.toString('latin1'));
}
