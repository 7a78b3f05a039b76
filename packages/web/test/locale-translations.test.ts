// Loading translations, after tornado/test/locale_test.py TranslationLoaderTest (test_csv,
// test_csv_bom, test_gettext) with our own fixtures in fixtures/locale/ and .mo catalogs built byte
// by byte in locale-helpers.ts. Not applicable: Tornado's save/restore of module globals (we have
// resetLocaleState) and its "pgettext is not supported by CSVLocale" warning (our CSV locales read
// `context\x04message` rows instead).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnicodeDecodeError } from '@tornado-ts/escape';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CSVLocale,
  GettextLocale,
  getSupportedLocales,
  loadGettextTranslations,
  loadTranslations,
  Locale,
  parseMoFile,
  resetLocaleState,
  setDefaultLocale,
} from '../src/locale.js';
import { buildMoFile, FRENCH_ENTRIES, makeTempDir, writeMoCatalog } from './locale-helpers.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/locale/', import.meta.url));
const CSV_DIR = join(FIXTURES, 'csv');
const APRIL_28_2013_1835 = Date.UTC(2013, 3, 28, 18, 35);

let temp: { path: string; remove: () => void };
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  temp.remove();
  resetLocaleState();
});

async function loadFixtureCsv(): Promise<void> {
  // fr_FR.csv holds one row with an unknown plural indicator on purpose.
  await expectLog(genLog, /Unrecognized plural indicator "dual" in fr_FR\.csv row 19/, () => loadTranslations(CSV_DIR));
}

describe('CSV translations (TranslationLoaderTest.test_csv)', () => {
  it('loads <code>.csv files and translates with them', async () => {
    await loadFixtureCsv();
    const locale = Locale.get('fr_FR');
    expect(locale).toBeInstanceOf(CSVLocale);
    expect(locale.translate('school')).toBe('\u00e9cole');
    expect(Locale.get('es_LA').translate('school')).toBe('escuela');
    expect(Locale.get('es_LA').translate('Sign out')).toBe('Cerrar sesión');
  });

  it('supports the loaded locales plus the default, and ignores files that are not .csv', async () => {
    await loadFixtureCsv();
    expect(getSupportedLocales()).toEqual(['en', 'en_US', 'es_LA', 'fr_FR']);
    expect(Locale.getClosest('es-la').code).toBe('es_LA');
    expect(Locale.getClosest('en-GB').code).toBe('en');
  });

  it('reads plural rows by count, keyed by the singular and plural messages', async () => {
    await loadFixtureCsv();
    const fr = Locale.get('fr_FR');
    expect(fr.translate('%(name)s liked this', '%(name)s liked this', 1)).toBe('%(name)s a aimé ça');
    expect(fr.translate('%(name)s liked this', '%(name)s liked this', 3)).toBe('%(name)s ont aimé ça');
    expect(fr.translate('%(name)s liked this')).toBe('%(name)s liked this');
    expect(fr.translate('1 apple', '%(n)d apples', 2)).toBe('%(n)d apples');
  });

  it('reads the excel CSV dialect: trimmed cells, quoted commas and quotes, line breaks in quotes', async () => {
    await loadFixtureCsv();
    const fr = Locale.get('fr_FR');
    expect(fr.translate('padded')).toBe('rembourré');
    expect(fr.translate('a, b')).toBe('"quoted" et, virgule');
    expect(fr.translate('two\nlines')).toBe('deux\nlignes');
    expect(fr.translate('Sign out')).toBe('Se déconnecter');
    expect(fr.translate('only one column')).toBe('only one column');
    expect(fr.translate('greeting')).toBe('greeting');
  });

  it('translates pgettext from context\\x04message rows, else without context', async () => {
    await loadFixtureCsv();
    const fr = Locale.get('fr_FR');
    expect(fr.pgettext('law', 'right')).toBe('le droit');
    expect(fr.pgettext('good', 'right')).toBe('le bien');
    expect(fr.pgettext('direction', 'right')).toBe('droite');
    expect(fr.pgettext('organization', 'club', 'clubs', 1)).toBe('le club');
    expect(fr.pgettext('organization', 'club', 'clubs', 2)).toBe('les clubs');
    expect(fr.pgettext('stick', 'club', 'clubs', 1)).toBe('le club (sans contexte)');
    expect(fr.pgettext('stick', 'club', 'clubs', 5)).toBe('les clubs (sans contexte)');
  });

  it('translates dates, days and lists through the loaded strings', async () => {
    await loadFixtureCsv();
    const fr = Locale.get('fr_FR');
    const now = Date.UTC(2024, 2, 15, 12);
    expect(fr.formatDate(now - 1000, { now })).toBe('il y a 1 seconde');
    expect(fr.formatDate(now - 5000, { now })).toBe('il y a 5 secondes');
    expect(fr.formatDate(APRIL_28_2013_1835, { fullFormat: true })).toBe('28 avril 2013 à 18:35');
    expect(fr.formatDay(APRIL_28_2013_1835)).toBe('dimanche 28 avril');
    expect(fr.list(['A', 'B', 'C'])).toBe('A, B et C');
    expect(Locale.get('en').list(['A', 'B'])).toBe('A & B');
    expect(fr.friendlyNumber(1234567)).toBe('1234567');
  });

  it('replaces earlier translations and cached locales on each load', async () => {
    await loadFixtureCsv();
    const before = Locale.get('fr_FR');
    writeFileSync(join(temp.path, 'fr_FR.csv'), 'school,lycée\n');
    loadTranslations(temp.path);
    const after = Locale.get('fr_FR');
    expect(after).not.toBe(before);
    expect(after.translate('school')).toBe('lycée');
    expect(getSupportedLocales()).toEqual(['en_US', 'fr_FR']);
    expect(Locale.get('es_LA').code).toBe('en_US');
  });

  it('keeps the default locale supported after a load, and a later setDefaultLocale adds it', () => {
    writeFileSync(join(temp.path, 'de_DE.csv'), 'school,Schule\n');
    setDefaultLocale('en');
    loadTranslations(temp.path);
    expect(getSupportedLocales()).toEqual(['de_DE', 'en']);
    setDefaultLocale('it_IT');
    expect(getSupportedLocales()).toEqual(['de_DE', 'it_IT']);
  });

  it('logs and skips files whose names are not locale codes', async () => {
    const dir = join(FIXTURES, 'csv-invalid-names');
    await expectLog(genLog, /Unrecognized locale "fr-FR"/, () =>
      expectLog(genLog, /Unrecognized locale "EN"/, () =>
        expectLog(genLog, /Unrecognized locale "de_DE\.x"/, () => expectLog(genLog, /Unrecognized locale "1"/, () => loadTranslations(dir))),
      ),
    );
    expect(getSupportedLocales()).toEqual(['de_DE', 'en_US']);
    expect(Locale.get('de_DE').translate('school')).toBe('Schule');
  });

  it('skips a directory named like a CSV file and an empty file', () => {
    writeFileSync(join(temp.path, 'it_IT.csv'), '');
    loadTranslations(temp.path);
    expect(getSupportedLocales()).toEqual(['en_US', 'it_IT']);
    expect(Locale.get('it_IT').translate('school')).toBe('school');
  });

  it('throws for a missing directory', () => {
    expect(() => loadTranslations(join(temp.path, 'missing'))).toThrow(/ENOENT/);
  });
});

describe('CSV encodings (TranslationLoaderTest.test_csv_bom)', () => {
  const csv = '"school","école"\n"Sign out","Se déconnecter"\n';
  const bomEncodings: Array<[string, Buffer]> = [
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')])],
    ['UTF-16 little-endian with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')])],
    ['UTF-16 big-endian with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(csv, 'utf16le').swap16()])],
    ['UTF-8 without a BOM', Buffer.from(csv, 'utf8')],
  ];

  it.each(bomEncodings)('detects %s', (_name, bytes) => {
    writeFileSync(join(temp.path, 'fr_FR.csv'), bytes);
    loadTranslations(temp.path);
    const locale = Locale.get('fr_FR');
    expect(locale).toBeInstanceOf(CSVLocale);
    expect(locale.translate('school')).toBe('\u00e9cole');
    expect(locale.translate('Sign out')).toBe('Se déconnecter');
  });

  it('detects each file on its own (Tornado reuses the first file\'s encoding)', () => {
    writeFileSync(join(temp.path, 'de_DE.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('school,Schüle\n', 'utf16le')]));
    writeFileSync(join(temp.path, 'fr_FR.csv'), Buffer.from(csv, 'utf8'));
    loadTranslations(temp.path);
    expect(Locale.get('de_DE').translate('school')).toBe('Schüle');
    expect(Locale.get('fr_FR').translate('school')).toBe('école');
  });

  it('uses the encoding option when given', () => {
    writeFileSync(join(temp.path, 'fr_FR.csv'), Buffer.from(csv, 'latin1'));
    loadTranslations(temp.path, { encoding: 'latin1' });
    expect(Locale.get('fr_FR').translate('school')).toBe('école');
  });

  it('rejects a file that is not valid UTF-8, naming it', () => {
    writeFileSync(join(temp.path, 'fr_FR.csv'), Buffer.from(csv, 'latin1'));
    expect(() => loadTranslations(temp.path)).toThrow(UnicodeDecodeError);
    expect(() => loadTranslations(temp.path)).toThrow(/fr_FR\.csv is not valid UTF-8/);
    expect(() => loadTranslations(temp.path, { encoding: 'utf8' })).toThrow(UnicodeDecodeError);
  });
});

describe('gettext translations (TranslationLoaderTest.test_gettext)', () => {
  function loadFrench(entries = FRENCH_ENTRIES, options?: Parameters<typeof buildMoFile>[1]): void {
    writeMoCatalog(temp.path, 'fr_FR', 'tornado_test', buildMoFile(entries, options));
    loadGettextTranslations(temp.path, 'tornado_test');
  }

  it('loads <code>/LC_MESSAGES/<domain>.mo and translates with context and plurals', () => {
    loadFrench();
    const locale = Locale.get('fr_FR');
    expect(locale).toBeInstanceOf(GettextLocale);
    expect(locale.translate('school')).toBe('\u00e9cole');
    expect(locale.pgettext('law', 'right')).toBe('le droit');
    expect(locale.pgettext('good', 'right')).toBe('le bien');
    expect(locale.pgettext('organization', 'club', 'clubs', 1)).toBe('le club');
    expect(locale.pgettext('organization', 'club', 'clubs', 2)).toBe('les clubs');
    expect(locale.pgettext('stick', 'club', 'clubs', 1)).toBe('le b\u00e2ton');
    expect(locale.pgettext('stick', 'club', 'clubs', 2)).toBe('les b\u00e2tons');
    expect(getSupportedLocales()).toEqual(['en_US', 'fr_FR']);
  });

  it('reads big-endian catalogs too', () => {
    loadFrench(FRENCH_ENTRIES, { bigEndian: true });
    expect(Locale.get('fr_FR').pgettext('stick', 'club', 'clubs', 2)).toBe('les b\u00e2tons');
  });

  it('falls back to the message when a context or message is missing', () => {
    loadFrench([...FRENCH_ENTRIES, { id: 'club', plural: 'clubs', translation: ['un club', 'des clubs'] }]);
    const locale = Locale.get('fr_FR');
    expect(locale.translate('Sign out')).toBe('Sign out');
    expect(locale.pgettext('other', 'right')).toBe('right');
    // Tornado looks a plural without its context up again, but not a singular.
    expect(locale.pgettext('other', 'school')).toBe('school');
    expect(locale.pgettext('other', 'club', 'clubs', 2)).toBe('des clubs');
    expect(locale.pgettext('other', 'ball', 'balls', 1)).toBe('ball');
    expect(locale.pgettext('other', 'ball', 'balls', 2)).toBe('balls');
  });

  it('chooses plural forms by the catalog\'s Plural-Forms rule', () => {
    loadFrench([{ id: 'file', plural: 'files', translation: ['fichier', 'fichiers'] }]);
    const fr = Locale.get('fr_FR');
    // French uses the singular for zero (n > 1), English would not.
    expect([0, 1, 2].map((n) => fr.translate('file', 'files', n))).toEqual(['fichier', 'fichier', 'fichiers']);
    expect(fr.translate('file')).toBe('fichier');
    expect(fr.translate('ball', 'balls', 0)).toBe('balls');
  });

  it('uses three forms with a Polish rule and the English rule without metadata', () => {
    const polish = 'Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n';
    writeMoCatalog(temp.path, 'pl_PL', 'app', buildMoFile([{ id: 'file', plural: 'files', translation: ['plik', 'pliki', 'plików'] }], { metadata: polish }));
    writeMoCatalog(temp.path, 'de_DE', 'app', buildMoFile([{ id: 'file', plural: 'files', translation: ['Datei', 'Dateien'] }], { metadata: null }));
    loadGettextTranslations(temp.path, 'app');
    const pl = Locale.get('pl_PL');
    expect([1, 2, 5, 12, 22, 25].map((n) => pl.translate('file', 'files', n))).toEqual(['plik', 'pliki', 'plików', 'plików', 'pliki', 'plików']);
    const de = Locale.get('de_DE');
    expect([0, 1, 2].map((n) => de.translate('file', 'files', n))).toEqual(['Dateien', 'Datei', 'Dateien']);
  });

  it('decodes strings in the charset the catalog names', () => {
    const metadata = 'Content-Type: text/plain; charset=ISO-8859-1\nPlural-Forms: nplurals=2; plural=(n > 1);\n';
    loadFrench([{ id: 'school', translation: 'école' }], { metadata, encode: (text) => Buffer.from(text, 'latin1') });
    expect(Locale.get('fr_FR').translate('school')).toBe('école');
  });

  it('logs and skips catalogs it cannot read, and ignores folders without the domain', async () => {
    writeMoCatalog(temp.path, 'fr_FR', 'app', buildMoFile(FRENCH_ENTRIES));
    writeMoCatalog(temp.path, 'de_DE', 'app', Buffer.from('not a catalog at all'));
    writeMoCatalog(temp.path, 'it_IT', 'app', buildMoFile(FRENCH_ENTRIES).subarray(0, 60));
    writeMoCatalog(temp.path, 'es_ES', 'app', buildMoFile([], { metadata: 'Content-Type: text/plain; charset=no-such-charset\n' }));
    writeMoCatalog(temp.path, 'pt_PT', 'app', buildMoFile([], { metadata: 'Plural-Forms: nplurals=2; plural=n +;\n' }));
    writeMoCatalog(temp.path, 'ja_JP', 'other', buildMoFile(FRENCH_ENTRIES));
    await expectLog(genLog, /Cannot load translation for 'de_DE': Bad magic number/, () =>
      expectLog(genLog, /Cannot load translation for 'it_IT': File is corrupt/, () =>
        expectLog(genLog, /Cannot load translation for 'es_ES'/, () =>
          expectLog(genLog, /Cannot load translation for 'pt_PT'/, () => loadGettextTranslations(temp.path, 'app')),
        ),
      ),
    );
    expect(getSupportedLocales()).toEqual(['en_US', 'fr_FR']);
  });

  it('replaces CSV translations, and CSV replaces gettext again', async () => {
    await loadFixtureCsv();
    loadFrench();
    expect(Locale.get('fr_FR')).toBeInstanceOf(GettextLocale);
    expect(Locale.get('es_LA').code).toBe('en_US');
    await loadFixtureCsv();
    expect(Locale.get('fr_FR')).toBeInstanceOf(CSVLocale);
  });
});

describe('parseMoFile on hostile bytes', () => {
  const good = buildMoFile(FRENCH_ENTRIES);

  it('rejects short files, bad magic and unknown revisions', () => {
    expect(() => parseMoFile(Buffer.alloc(10))).toThrow(/too short/);
    expect(() => parseMoFile(Buffer.alloc(40))).toThrow(/Bad magic number/);
    const revised = Buffer.from(good);
    revised.writeUInt32LE(2 << 16, 4);
    expect(() => parseMoFile(revised)).toThrow(/Unsupported .mo revision 2/);
  });

  it('rejects a message count or string offsets beyond the file, without allocating for them', () => {
    const huge = Buffer.from(good);
    huge.writeUInt32LE(0xffffffff, 8);
    expect(() => parseMoFile(huge)).toThrow(/corrupt/);
    const badOffset = Buffer.from(good);
    badOffset.writeUInt32LE(0xfffffff0, 28 + 4); // the first original string's offset
    expect(() => parseMoFile(badOffset)).toThrow(/corrupt/);
    const badLength = Buffer.from(good);
    badLength.writeUInt32LE(good.length, 28); // the first original string's length
    expect(() => parseMoFile(badLength)).toThrow(/corrupt/);
  });

  it('rejects strings that are not valid in the catalog charset', () => {
    const bytes = buildMoFile([{ id: 'school', translation: 'x' }], { encode: (text) => (text === 'x' ? Buffer.from([0xff, 0xfe, 0xfd]) : Buffer.from(text)) });
    expect(() => parseMoFile(bytes)).toThrow(TypeError);
  });

  it('reads an empty catalog', () => {
    const catalog = parseMoFile(buildMoFile([], { metadata: null }));
    expect(catalog.gettext('school')).toBe('school');
    expect(catalog.ngettext('a', 'b', 2)).toBe('b');
  });
});
