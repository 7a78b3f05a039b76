/**
 * Tornado's CSV translation files: one `<code>.csv` per locale, rows of
 * `message,translation[,plural|singular|unknown]` in the spreadsheet ("excel") CSV dialect.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnicodeDecodeError } from '@tornado-ts/escape';
import { genLog } from '@tornado-ts/ioloop';

/** Which form of a message a row translates: Tornado's plural indicator column. */
export type PluralIndicator = 'plural' | 'singular' | 'unknown';

/** One locale's CSV translations, by plural indicator, then by source message. */
export type CsvTranslations = Readonly<Record<PluralIndicator, ReadonlyMap<string, string>>>;

const LOCALE_FILE_CODE = /^[a-z]+(_[A-Z]+)?$/;

/**
 * Splits CSV text into rows as Python's csv reader does in its default dialect: `,` between
 * fields, `"` quotes (doubled inside quotes), line breaks `\n`, `\r\n` or `\r`, which may also
 * sit inside quoted fields. A blank line is an empty row. Linear in the input.
 */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted section
  let rowStarted = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
      continue;
    }
    if (ch === ',') {
      row.push(field);
      field = '';
      rowStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (rowStarted || field !== '') row.push(field);
      rows.push(row);
      row = [];
      field = '';
      rowStarted = false;
    } else if (ch === '"' && field === '') {
      quoted = true;
      rowStarted = true;
    } else {
      // Like Python's lenient reader, a quote inside an unquoted field is an ordinary character.
      field += ch;
      rowStarted = true;
    }
  }
  if (rowStarted || field !== '') {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function swapBytePairs(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return copy.swap16();
}

/**
 * Decodes a translation file: with no `encoding`, a UTF-16 byte-order mark (either order) picks
 * UTF-16 and anything else is UTF-8, with or without a BOM. Invalid UTF-8 throws.
 * @throws {UnicodeDecodeError} when bytes read as UTF-8 are not valid UTF-8
 */
export function decodeTranslationFile(bytes: Buffer, path: string, encoding?: BufferEncoding): string {
  let text: string;
  if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8') {
    text = bytes.toString(encoding);
  } else if (encoding === undefined && bytes[0] === 0xff && bytes[1] === 0xfe) {
    text = bytes.subarray(2).toString('utf16le');
  } else if (encoding === undefined && bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = swapBytePairs(bytes.subarray(2)).toString('utf16le');
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch (error) {
      throw new UnicodeDecodeError(`${path} is not valid UTF-8`, { cause: error });
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Builds one locale's tables from CSV text; rows with an unknown plural indicator are logged and skipped. */
export function parseCsvTranslations(text: string, fileName: string): CsvTranslations {
  const tables: Record<PluralIndicator, Map<string, string>> = { plural: new Map(), singular: new Map(), unknown: new Map() };
  // Tornado reads the file in text mode, so line breaks inside quoted cells become \n as well.
  const rows = parseCsvRows(text.replace(/\r\n?/g, '\n'));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.length < 2) continue;
    const message = row[0].trim();
    const translation = row[1].trim();
    const indicator = row.length > 2 ? row[2].trim() || 'unknown' : 'unknown';
    if (indicator !== 'plural' && indicator !== 'singular' && indicator !== 'unknown') {
      genLog.error('Unrecognized plural indicator %j in %s row %d', indicator, fileName, i + 1);
      continue;
    }
    tables[indicator].set(message, translation);
  }
  return tables;
}

/**
 * Reads every `<code>.csv` in `directory`. A file whose name is not a locale code (`es`, `es_LA`)
 * is logged and skipped, as Tornado does; each file's encoding is detected on its own.
 * @throws {UnicodeDecodeError} when a file read as UTF-8 is not valid UTF-8
 */
export function readCsvTranslations(directory: string, encoding?: BufferEncoding): Map<string, CsvTranslations> {
  const result = new Map<string, CsvTranslations>();
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (!entry.name.endsWith('.csv') || entry.isDirectory()) continue;
    const code = entry.name.slice(0, -'.csv'.length);
    const path = join(directory, entry.name);
    if (!LOCALE_FILE_CODE.test(code)) {
      genLog.error('Unrecognized locale %j (path: %s)', code, path);
      continue;
    }
    const text = decodeTranslationFile(readFileSync(path), path, encoding);
    result.set(code, parseCsvTranslations(text, entry.name));
  }
  return result;
}
