import { OptionsError } from './errors.js';

// Letters and digits, words joined by single dashes or underscores, starting with a letter.
const VALID_NAME = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/;

/** `maxSize`, `max-size` and `max_size` all become `max-size`: the form shown in `--help`. */
export function kebabName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
}

/** `max-size` becomes `maxSize`: the property name of the option in code. */
export function camelName(name: string): string {
  return kebabName(name).replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** What the `CamelCase` type computes: each letter after `-` or `_` upper-cased, the rest kept. */
export function typedName(name: string): string {
  return name.replace(/[-_]([A-Za-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** `max-size` becomes `MAX_SIZE`, the part of an environment variable after its prefix. */
export function environmentName(name: string): string {
  return kebabName(name).replace(/-/g, '_').toUpperCase();
}

/**
 * Every spelling by which an option may be named: as defined, kebab-case (`--max-size`),
 * snake_case (`--max_size`) and camelCase (`--maxSize`, `options.maxSize`).
 * @throws {OptionsError} when the name is not letters and digits joined by single `-` or `_`
 */
export function spellingsOf(name: string): string[] {
  if (typeof name !== 'string' || !VALID_NAME.test(name)) {
    throw new OptionsError(
      `Invalid option name ${JSON.stringify(name)}: use letters and digits joined by single '-' or '_', starting with a letter`,
      { option: typeof name === 'string' ? name : undefined },
    );
  }
  const kebab = kebabName(name);
  return [...new Set([name, kebab, kebab.replace(/-/g, '_'), camelName(name), typedName(name)])];
}

/** `foo-bar` / `foo_bar` / `fooBar` at the type level, matching {@link typedName}. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${CamelCase<Head>}${CamelCase<Capitalize<Tail>>}`
  : S extends `${infer Head}_${infer Tail}`
    ? `${CamelCase<Head>}${CamelCase<Capitalize<Tail>>}`
    : S;
