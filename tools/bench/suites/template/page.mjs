// What every Node render worker of this suite reads: the page's data and its templates.
import { readFileSync, readdirSync } from 'node:fs';

const HERE = new URL('./', import.meta.url);

/** The page's data (page.json): a title, a flag for the conditional, and 100 items whose names contain `<&>"`. */
export const page = JSON.parse(readFileSync(new URL('page.json', HERE), 'utf8'));

/** The folder of the templates in `engine`'s syntax, as a file:// URL. */
export const templateDir = (engine) => new URL(`templates/${engine}/`, HERE);

/** The templates in `engine`'s syntax (templates/<engine>/), file name -> source. */
export function templates(engine) {
  const dir = templateDir(engine);
  return Object.fromEntries(readdirSync(dir).map((file) => [file, readFileSync(new URL(file, dir), 'utf8')]));
}
