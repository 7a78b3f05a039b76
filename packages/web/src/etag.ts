// ETags of buffered responses and the If-None-Match comparison (weak, as RFC 9110 asks for GET/HEAD).

import { createHash, hash } from 'node:crypto';

/** Bodies up to this size are hashed in one call (no Hash object); larger ones are streamed through one. */
const ONE_SHOT_LIMIT = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** The default ETag of a response body: its SHA-1 in hex, quoted (Tornado's `compute_etag`). */
export function etagOfChunks(chunks: readonly Buffer[]): string {
  if (chunks.length <= 1) return `"${hash('sha1', chunks.length === 0 ? EMPTY : chunks[0], 'hex')}"`;
  let size = 0;
  for (let i = 0; i < chunks.length; i++) size += chunks[i].length;
  // A few small chunks are cheaper joined than fed to a Hash object one by one.
  if (size <= ONE_SHOT_LIMIT) return `"${hash('sha1', Buffer.concat(chunks, size), 'hex')}"`;
  const digest = createHash('sha1');
  for (const chunk of chunks) digest.update(chunk);
  return `"${digest.digest('hex')}"`;
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
