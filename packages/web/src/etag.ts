// ETags of buffered responses and the If-None-Match comparison (weak, as RFC 9110 asks for GET/HEAD).

import { createHash, hash } from 'node:crypto';

/** Bodies up to this size are hashed in one call (no Hash object); larger ones are streamed through one. */
const ONE_SHOT_LIMIT = 64 * 1024;
const EMPTY = Buffer.alloc(0);
/** Largest body whose ETag is memoised (a copy of the body is kept to compare the next one with). */
const MEMO_LIMIT = 64;

// The last small body hashed and its ETag: a server answering the same small body again (a hello
// world, a fixed JSON reply) compares up to 64 bytes instead of hashing; any other body recomputes.
let memoBody: Buffer = EMPTY;
let memoEtag = `"${hash('sha1', EMPTY, 'hex')}"`;

function etagOfBody(body: Buffer): string {
  if (body.length > MEMO_LIMIT) return `"${hash('sha1', body, 'hex')}"`;
  if (body.length === memoBody.length && body.equals(memoBody)) return memoEtag;
  const etag = `"${hash('sha1', body, 'hex')}"`;
  // A copy: the caller may reuse or change its buffer after the response.
  memoBody = Buffer.from(body);
  memoEtag = etag;
  return etag;
}

/** The default ETag of a response body: its SHA-1 in hex, quoted (Tornado's `compute_etag`). */
export function etagOfChunks(chunks: readonly Buffer[]): string {
  if (chunks.length <= 1) return etagOfBody(chunks.length === 0 ? EMPTY : chunks[0]);
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
