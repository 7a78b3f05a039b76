// Header-name normalisation to Tornado's `Http-Header-Case` ("coNtent-TYPE" -> "Content-Type"):
// a static table of well-known names answers most lookups without allocating (as undici's tree.js
// does for lowercase names); other names are computed once and kept in a small bounded cache.

const WELL_KNOWN_SPELLINGS = [
  'Accept', 'Accept-Charset', 'Accept-Encoding', 'Accept-Language', 'Accept-Ranges',
  'Access-Control-Allow-Credentials', 'Access-Control-Allow-Headers', 'Access-Control-Allow-Methods',
  'Access-Control-Allow-Origin', 'Access-Control-Expose-Headers', 'Access-Control-Max-Age',
  'Access-Control-Request-Headers', 'Access-Control-Request-Method', 'Age', 'Allow', 'Alt-Svc',
  'Authorization', 'Cache-Control', 'Connection', 'Content-Disposition', 'Content-Encoding',
  'Content-Language', 'Content-Length', 'Content-Location', 'Content-Range',
  'Content-Security-Policy', 'Content-Type', 'Cookie', 'Date', 'DNT', 'ETag', 'Expect', 'Expires',
  'Forwarded', 'From', 'Host', 'If-Match', 'If-Modified-Since', 'If-None-Match', 'If-Range',
  'If-Unmodified-Since', 'Keep-Alive', 'Last-Modified', 'Link', 'Location', 'Max-Forwards',
  'Origin', 'Pragma', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Connection', 'Range',
  'Referer', 'Referrer-Policy', 'Retry-After', 'Sec-Fetch-Dest', 'Sec-Fetch-Mode', 'Sec-Fetch-Site',
  'Sec-Fetch-User', 'Sec-WebSocket-Accept', 'Sec-WebSocket-Extensions', 'Sec-WebSocket-Key',
  'Sec-WebSocket-Protocol', 'Sec-WebSocket-Version', 'Server', 'Set-Cookie',
  'Strict-Transport-Security', 'TE', 'Trailer', 'Transfer-Encoding', 'Upgrade',
  'Upgrade-Insecure-Requests', 'User-Agent', 'Vary', 'Via', 'Warning', 'WWW-Authenticate',
  'X-Consumed-Content-Encoding', 'X-Content-Type-Options', 'X-CSRFToken', 'X-Forwarded-For',
  'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Proto', 'X-Frame-Options', 'X-Real-IP',
  'X-Request-Id', 'X-Requested-With', 'X-Scheme', 'X-XSRFToken', 'X-XSS-Protection',
];

const CACHE_LIMIT = 1000;
const CACHEABLE_LENGTH = 64;

function capitalizeWords(name: string): string {
  let out = '';
  let wordStart = true;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '-') {
      out += ch;
      wordStart = true;
    } else {
      out += wordStart ? ch.toUpperCase() : ch.toLowerCase();
      wordStart = false;
    }
  }
  return out;
}

/** True when no char needs changing: uppercase (or non-letter) after a `-` or at the start, lowercase elsewhere. */
function isAlreadyNormal(name: string): boolean {
  let wordStart = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2d) {
      wordStart = true;
      continue;
    }
    if (c >= 0x80) return false;
    if (wordStart ? c >= 0x61 && c <= 0x7a : c >= 0x41 && c <= 0x5a) return false;
    wordStart = false;
  }
  return true;
}

const WELL_KNOWN = new Map<string, string>();
for (const spelling of WELL_KNOWN_SPELLINGS) {
  const canonical = capitalizeWords(spelling);
  WELL_KNOWN.set(spelling, canonical);
  WELL_KNOWN.set(canonical, canonical);
  WELL_KNOWN.set(spelling.toLowerCase(), canonical);
}

const cache = new Map<string, string>();

/**
 * Maps a header name to `Http-Header-Case` (each `-`-separated word capitalised), as Tornado's
 * `_normalize_header`. Well-known names come from a static table; others from a cache of 1000.
 */
export function normalizeHeaderName(name: string): string {
  const known = WELL_KNOWN.get(name);
  if (known !== undefined) return known;
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const normal = isAlreadyNormal(name) ? name : capitalizeWords(name);
  if (name.length <= CACHEABLE_LENGTH) {
    // Evict the oldest entry (Map keeps insertion order), so hostile names cannot grow it.
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(name, normal);
  }
  return normal;
}

/** The `Http-Header-Case` form of `name` when it is one of the well-known spellings (so a valid token), else undefined. */
export function wellKnownHeaderName(name: string): string | undefined {
  return WELL_KNOWN.get(name);
}
