// Reading static files: the chunked range reader StaticFileHandler streams from, and the content
// hash behind ETags and `?v=` versions. Both read in fixed-size chunks so memory stays bounded
// whatever the file size.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** The bytes a static handler sends: all at once, or chunk by chunk (sync or async). */
export type StaticContent = Buffer | string | Iterable<Buffer | string> | AsyncIterable<Buffer | string>;

/** Size of each read: large enough for few syscalls, small enough to keep memory flat. */
export const STATIC_CHUNK_SIZE = 64 * 1024;

/**
 * Yields the bytes of `filePath` from `start` (default 0) up to `end` (exclusive; default: the
 * end of the file), one fresh Buffer of at most 64 KiB per read. Stops early if the file shrank.
 */
export async function* readFileRange(filePath: string, start = 0, end?: number): AsyncGenerator<Buffer, void, undefined> {
  const file = await open(filePath, 'r');
  try {
    let position = start;
    while (end === undefined || position < end) {
      const wanted = end === undefined ? STATIC_CHUNK_SIZE : Math.min(STATIC_CHUNK_SIZE, end - position);
      // A fresh buffer per chunk: the previous one may still sit in a write queue or a transform.
      const buffer = Buffer.allocUnsafe(wanted);
      const { bytesRead } = await file.read(buffer, 0, wanted, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield bytesRead === wanted ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/** The MD5 hex digest of the file at `filePath`, read synchronously in 64 KiB chunks. */
export function computeFileVersion(filePath: string): string {
  const hash = createHash('md5');
  const buffer = Buffer.allocUnsafe(STATIC_CHUNK_SIZE);
  const fd = openSync(filePath, 'r');
  try {
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, STATIC_CHUNK_SIZE, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * The MD5 hex digest of content given synchronously (a Buffer, a string, or a sync iterable of
 * chunks), or null for an async iterable, which cannot be hashed without waiting.
 */
export function hashSyncContent(content: StaticContent): string | null {
  if (typeof content === 'string' || Buffer.isBuffer(content)) return createHash('md5').update(content).digest('hex');
  if (!(Symbol.iterator in content)) return null;
  const hash = createHash('md5');
  for (const chunk of content) hash.update(chunk);
  return hash.digest('hex');
}
