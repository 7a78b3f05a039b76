/**
 * gettext's compiled `.mo` catalogs (Tornado's load_gettext_translations): a reader for the binary
 * format and the lookups Python's GNUTranslations does, plural forms included.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { genLog } from '@tornado-ts/ioloop';
import { compilePluralExpression, germanicPlural, type PluralSelector } from './locale-plural-forms.js';

const MAGIC_LITTLE_ENDIAN = 0x950412de;
const MAGIC_BIG_ENDIAN = 0xde120495;
const HEADER_SIZE = 20;

/** One locale's compiled gettext catalog. */
export class GettextCatalog {
  readonly #singular: ReadonlyMap<string, string>;
  readonly #plural: ReadonlyMap<string, readonly string[]>;
  readonly #selectPlural: PluralSelector;

  constructor(singular: ReadonlyMap<string, string>, plural: ReadonlyMap<string, readonly string[]>, selectPlural: PluralSelector) {
    this.#singular = singular;
    this.#plural = plural;
    this.#selectPlural = selectPlural;
  }

  /** The translation of `message`, or `message` itself when the catalog has none. */
  gettext(message: string): string {
    return this.#singular.get(message) ?? this.#plural.get(message)?.[this.#selectPlural(1)] ?? message;
  }

  /** The plural form of `singular` that `count` selects; untranslated, `singular` for 1 and `plural` otherwise. */
  ngettext(singular: string, plural: string, count: number): string {
    return this.#plural.get(singular)?.[this.#selectPlural(count)] ?? (count === 1 ? singular : plural);
  }
}

/** Reads the `Content-Type` charset and `Plural-Forms` rule from a catalog's metadata entry. */
function readMetadata(text: string): { charset: string; selectPlural: PluralSelector } {
  let charset = 'utf-8';
  let selectPlural = germanicPlural;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1);
    if (key === 'content-type') {
      const match = /charset\s*=\s*([^\s;]+)/i.exec(value);
      if (match !== null) charset = match[1];
    } else if (key === 'plural-forms') {
      const match = /(?:^|[\s;])plural\s*=([^;]*)/.exec(value);
      if (match !== null) selectPlural = compilePluralExpression(match[1]);
    }
  }
  return { charset, selectPlural };
}

/**
 * Parses the bytes of a `.mo` file (either byte order). Strings are decoded with the charset of the
 * metadata entry, UTF-8 when it names none.
 * @throws {Error} when the file is not a well-formed catalog
 * @throws {RangeError} when the charset is unknown
 * @throws {SyntaxError} when the Plural-Forms expression is malformed
 */
export function parseMoFile(bytes: Buffer): GettextCatalog {
  if (bytes.length < HEADER_SIZE) throw new Error('File is too short for a .mo catalog');
  const magic = bytes.readUInt32LE(0);
  if (magic !== MAGIC_LITTLE_ENDIAN && magic !== MAGIC_BIG_ENDIAN) throw new Error('Bad magic number');
  const read = magic === MAGIC_LITTLE_ENDIAN ? (at: number) => bytes.readUInt32LE(at) : (at: number) => bytes.readUInt32BE(at);
  const majorRevision = read(4) >>> 16;
  if (majorRevision > 1) throw new Error(`Unsupported .mo revision ${majorRevision}`);
  const count = read(8);
  const originalsAt = read(12);
  const translationsAt = read(16);
  if (originalsAt + count * 8 > bytes.length || translationsAt + count * 8 > bytes.length) throw new Error('File is corrupt');

  const slice = (tableAt: number, index: number): Buffer => {
    const length = read(tableAt + index * 8);
    const offset = read(tableAt + index * 8 + 4);
    // Each string is followed by a NUL, so it must end before the last byte.
    if (offset + length >= bytes.length) throw new Error('File is corrupt');
    return bytes.subarray(offset, offset + length);
  };

  let decoder = new TextDecoder('utf-8', { fatal: true });
  let selectPlural = germanicPlural;
  const singular = new Map<string, string>();
  const plural = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const original = slice(originalsAt, i);
    const translation = slice(translationsAt, i);
    if (original.length === 0) {
      const metadata = readMetadata(new TextDecoder('utf-8').decode(translation));
      decoder = new TextDecoder(metadata.charset, { fatal: true });
      selectPlural = metadata.selectPlural;
      continue;
    }
    const nul = original.indexOf(0);
    if (nul < 0) singular.set(decoder.decode(original), decoder.decode(translation));
    else plural.set(decoder.decode(original.subarray(0, nul)), decoder.decode(translation).split('\0'));
  }
  return new GettextCatalog(singular, plural, selectPlural);
}

/**
 * Reads `<directory>/<code>/LC_MESSAGES/<domain>.mo` for every locale folder. A catalog that cannot
 * be read is logged and skipped, as Tornado does.
 */
export function readGettextCatalogs(directory: string, domain: string): Map<string, GettextCatalog> {
  const result = new Map<string, GettextCatalog>();
  const folders = readdirSync(directory, { withFileTypes: true }).filter((entry) => !entry.name.startsWith('.') && !entry.isFile());
  for (const folder of folders.map((entry) => entry.name).sort()) {
    const path = join(directory, folder, 'LC_MESSAGES', `${domain}.mo`);
    if (!existsSync(path)) continue;
    try {
      result.set(folder, parseMoFile(readFileSync(path)));
    } catch (error) {
      genLog.error("Cannot load translation for '%s': %s", folder, error instanceof Error ? error.message : String(error));
    }
  }
  return result;
}
