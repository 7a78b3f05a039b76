// ETags of buffered responses and the If-None-Match comparison (weak, as RFC 9110 asks for GET/HEAD).

import { createHash } from 'node:crypto';

/** The default ETag of a response body: its SHA-1 in hex, quoted (Tornado's `compute_etag`). */
export function etagOfChunks(chunks: readonly Buffer[]): string {
  const hash = createHash('sha1');
  for (const chunk of chunks) hash.update(chunk);
  return `"${hash.digest('hex')}"`;
}

const ENTITY_TAG = /\*|(?:W\/)?"[^"]*"/g;

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/**
 * True when `ifNoneMatch` (the request header) names `etag` by weak comparison, or is `*`.
 * An empty `etag` never matches.
 */
export function etagMatches(etag: string, ifNoneMatch: string): boolean {
  if (etag === '') return false;
  const tags = ifNoneMatch.match(ENTITY_TAG);
  if (tags === null) return false;
  if (tags[0] === '*') return true;
  const wanted = opaque(etag);
  return tags.some((tag) => opaque(tag) === wanted);
}
