/** Test helpers for the locale tests: builds gettext `.mo` catalogs byte by byte, so no msgfmt is needed. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One catalog entry: a message (optionally with context and plural) and its translation(s). */
export interface MoEntry {
  context?: string;
  id: string;
  plural?: string;
  translation: string | readonly string[];
}

/** Options of {@link buildMoFile}. */
export interface MoFileOptions {
  /** The metadata entry (msgid ""), e.g. Content-Type and Plural-Forms lines; none when null. */
  metadata?: string | null;
  bigEndian?: boolean;
  /** How strings are encoded (default UTF-8); must match the metadata's charset. */
  encode?: (text: string) => Buffer;
}

/** The usual metadata: UTF-8 text with French plural rules (`n > 1`). */
export const FRENCH_METADATA = 'Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n > 1);\n';

/**
 * Lays out a GNU `.mo` file: a 28-byte header, the table of original strings, the table of
 * translations (length and offset pairs, sorted by original), then the NUL-terminated strings.
 */
export function buildMoFile(entries: readonly MoEntry[], options: MoFileOptions = {}): Buffer {
  const encode = options.encode ?? ((text: string) => Buffer.from(text, 'utf8'));
  const pairs: Array<[Buffer, Buffer]> = [];
  const metadata = options.metadata === undefined ? FRENCH_METADATA : options.metadata;
  if (metadata !== null) pairs.push([Buffer.alloc(0), encode(metadata)]);
  for (const entry of entries) {
    const key = (entry.context !== undefined ? `${entry.context}\x04` : '') + entry.id + (entry.plural !== undefined ? `\0${entry.plural}` : '');
    const value = typeof entry.translation === 'string' ? entry.translation : entry.translation.join('\0');
    pairs.push([encode(key), encode(value)]);
  }
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));

  const headerSize = 28;
  const originalsAt = headerSize;
  const translationsAt = originalsAt + pairs.length * 8;
  let stringsAt = translationsAt + pairs.length * 8;
  const tables = Buffer.alloc(stringsAt);
  const strings: Buffer[] = [];
  const write = (value: number, at: number) => (options.bigEndian ? tables.writeUInt32BE(value, at) : tables.writeUInt32LE(value, at));
  write(0x950412de, 0);
  write(0, 4); // revision
  write(pairs.length, 8);
  write(originalsAt, 12);
  write(translationsAt, 16);
  write(0, 20); // no hash table
  write(stringsAt, 24);
  const place = (tableAt: number, index: number, bytes: Buffer) => {
    write(bytes.length, tableAt + index * 8);
    write(stringsAt, tableAt + index * 8 + 4);
    strings.push(bytes, Buffer.alloc(1));
    stringsAt += bytes.length + 1;
  };
  pairs.forEach(([original], i) => place(originalsAt, i, original));
  pairs.forEach(([, translation], i) => place(translationsAt, i, translation));
  return Buffer.concat([tables, ...strings]);
}

/** A fresh temporary directory and a function that removes it. */
export function makeTempDir(prefix = 'tornado-locale-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes `<root>/<code>/LC_MESSAGES/<domain>.mo`. */
export function writeMoCatalog(root: string, code: string, domain: string, bytes: Buffer): string {
  const folder = join(root, code, 'LC_MESSAGES');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${domain}.mo`);
  writeFileSync(path, bytes);
  return path;
}

/** The French catalog of Tornado's gettext test, in our own words: school, right (law/good), club (organization/stick). */
export const FRENCH_ENTRIES: readonly MoEntry[] = [
  { id: 'school', translation: 'école' },
  { context: 'law', id: 'right', translation: 'le droit' },
  { context: 'good', id: 'right', translation: 'le bien' },
  { context: 'organization', id: 'club', plural: 'clubs', translation: ['le club', 'les clubs'] },
  { context: 'stick', id: 'club', plural: 'clubs', translation: ['le bâton', 'les bâtons'] },
];
