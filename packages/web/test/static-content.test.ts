import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeFileVersion, hashSyncContent, readFileRange, STATIC_CHUNK_SIZE } from '../src/static-content';

// The file reader StaticFileHandler streams from (Tornado's get_content) and the content hash
// behind ETags and ?v= (get_content_version; MD5 here, SHA-512 in Tornado).

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('readFileRange and computeFileVersion', () => {
  let dir: string;
  let bigPath: string;
  let big: Buffer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tornado-static-content-'));
    big = randomBytes(STATIC_CHUNK_SIZE * 3 + 123);
    bigPath = join(dir, 'big.bin');
    writeFileSync(bigPath, big);
    writeFileSync(join(dir, 'empty.bin'), '');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a whole file in chunks of at most 64 KiB', async () => {
    const chunks = await collect(readFileRange(bigPath));
    expect(chunks.map((c) => c.length)).toEqual([STATIC_CHUNK_SIZE, STATIC_CHUNK_SIZE, STATIC_CHUNK_SIZE, 123]);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });

  it('gives each chunk its own memory (a later read never overwrites an earlier chunk)', async () => {
    const chunks = await collect(readFileRange(bigPath));
    expect(chunks[0].buffer === chunks[1].buffer && chunks[0].byteOffset === chunks[1].byteOffset).toBe(false);
    expect(chunks[0].equals(big.subarray(0, STATIC_CHUNK_SIZE))).toBe(true);
  });

  it('reads a slice [start, end) across chunk boundaries', async () => {
    const start = STATIC_CHUNK_SIZE - 10;
    const end = STATIC_CHUNK_SIZE * 2 + 7;
    const chunks = await collect(readFileRange(bigPath, start, end));
    expect(Buffer.concat(chunks).equals(big.subarray(start, end))).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(STATIC_CHUNK_SIZE);
  });

  it('reads from a start to the end of the file, and a single byte', async () => {
    expect(Buffer.concat(await collect(readFileRange(bigPath, big.length - 5))).equals(big.subarray(-5))).toBe(true);
    expect(Buffer.concat(await collect(readFileRange(bigPath, 3, 4))).equals(big.subarray(3, 4))).toBe(true);
  });

  it('yields nothing for an empty file or an empty slice', async () => {
    expect(await collect(readFileRange(join(dir, 'empty.bin')))).toEqual([]);
    expect(await collect(readFileRange(bigPath, 5, 5))).toEqual([]);
  });

  it('stops at the end of the file when asked for more (a file that shrank)', async () => {
    const chunks = await collect(readFileRange(bigPath, big.length - 3, big.length + 1000));
    expect(Buffer.concat(chunks).equals(big.subarray(-3))).toBe(true);
  });

  it('rejects for a missing file', async () => {
    await expect(collect(readFileRange(join(dir, 'missing.bin')))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('hashes the content with MD5, hex', () => {
    expect(computeFileVersion(bigPath)).toBe(createHash('md5').update(big).digest('hex'));
    expect(computeFileVersion(join(dir, 'empty.bin'))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(() => computeFileVersion(join(dir, 'missing.bin'))).toThrow(/ENOENT/);
  });

  it('hashes synchronous content (Buffer, string, iterable of chunks) and declines async content', () => {
    const bar = createHash('md5').update('bar').digest('hex');
    expect(hashSyncContent(Buffer.from('bar'))).toBe(bar);
    expect(hashSyncContent('bar')).toBe(bar);
    expect(hashSyncContent([Buffer.from('b'), 'a', Buffer.from('r')])).toBe(bar);
    expect(hashSyncContent(readFileRange(bigPath))).toBeNull();
  });
});
