import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OptionsError } from './errors.js';

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

async function readJson(path: string, shownPath: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OptionsError(`Cannot read config file ${shownPath}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OptionsError(`Config file ${shownPath} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isPlainObject(parsed)) throw new OptionsError(`Config file ${shownPath} must hold a JSON object of option values`);
  return parsed;
}

async function importModule(path: string, shownPath: string): Promise<Record<string, unknown>> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
  } catch (error) {
    throw new OptionsError(`Cannot read config file ${shownPath}: ${(error as Error).message}`, { cause: error });
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new OptionsError(`Config file ${shownPath} failed to load: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  // The default export's properties (module.exports for CommonJS), then the named exports.
  const values: Record<string, unknown> = {};
  const fallback = namespace.default;
  if (isPlainObject(fallback)) Object.assign(values, fallback);
  for (const key of Object.keys(namespace)) if (key !== 'default') values[key] = namespace[key];
  return values;
}

/**
 * Reads a config file's option values: a `.json` file holding one object, or a `.js`/`.mjs`/`.cjs`
 * module whose named exports, or default-exported object, are the values.
 * @throws {OptionsError} when the file is missing, unreadable, of another type, malformed or throws
 */
export async function loadConfigFile(path: string): Promise<Record<string, unknown>> {
  if (typeof path !== 'string' || path === '') throw new OptionsError('The config file path must be a non-empty string');
  const absolute = resolve(path);
  const extension = extname(absolute).toLowerCase();
  if (extension === '.json') return readJson(absolute, path);
  if (MODULE_EXTENSIONS.has(extension)) return importModule(absolute, path);
  throw new OptionsError(`Config file ${path} has an unsupported type: use .json, .js, .mjs or .cjs`);
}
