import { basename } from 'node:path';
import { z } from 'zod';
import { splitCommandLine } from './command-line.js';
import { loadConfigFile } from './config-file.js';
import { readEnvironment } from './environment.js';
import { OptionsError } from './errors.js';
import { formatHelp } from './help.js';
import { spellingsOf, type CamelCase } from './names.js';
import { OptionEntry, type OptionSettings, type OptionSource } from './option.js';
import { valueKind } from './schema-kind.js';
import { describeInput, valueFromConfig, valueFromData, valueFromText } from './values.js';

/** Where `--help` writes, and how it ends the program; tests replace both. */
export interface OptionParserSettings {
  /** The program name in the usage line; the script's file name by default. */
  programName?: string;
  /** Where `--help` and `printHelp()` write; `process.stderr` by default, as Tornado. */
  helpOutput?: { write(text: string): unknown };
  /** Called with 0 after `--help` printed the help; `process.exit` by default. */
  exit?: (code: number) => void;
}

/** Settings shared by every parse call. */
export interface ParseSettings {
  /** When false, the parse callbacks do not run yet (more sources are coming). Default true. */
  final?: boolean;
}

/** Settings of {@link OptionParser.parseConfigFile}. */
export interface ConfigFileSettings extends ParseSettings {
  /** Skip keys that name no option instead of throwing (a file shared by several programs). */
  allowUnknown?: boolean;
}

/** Settings of {@link OptionParser.parseEnvironment}. */
export interface EnvironmentSettings extends ParseSettings {
  /** Prepended to the upper snake-case name: prefix `APP_` reads `maxSize` from `APP_MAX_SIZE`. */
  prefix?: string;
  /** The variables to read; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The value an option holds, from its schema, `multiple` and whether a default exists. */
export type OptionValue<S extends z.ZodType, M extends boolean | undefined, D> = M extends true
  ? z.output<S>[]
  : undefined extends z.input<S>
    ? z.output<S>
    : [D] extends [undefined]
      ? z.output<S> | undefined
      : z.output<S>;

/** The settings `define` takes, typed from the schema. */
export type DefineSettings<S extends z.ZodType, M extends boolean | undefined, D> = Omit<
  OptionSettings<OptionValue<S, M, D>>,
  'default' | 'multiple'
> & { multiple?: M; default?: D };

type Values = Record<string, unknown>;

interface PendingValue {
  readonly option: OptionEntry;
  value: unknown;
}

// Object members and `then` (so that awaiting a parser does not see an option) can never be options.
const ALWAYS_RESERVED = ['then', 'constructor', ...Object.getOwnPropertyNames(Object.prototype)];

function isZodSchema(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType || (typeof value === 'object' && value !== null && '_zod' in value && 'safeParse' in value);
}

function schemaDefault(schema: z.ZodType): unknown {
  const result = schema.safeParse(undefined);
  return result.success ? result.data : undefined;
}

/**
 * The methods of an option set; its option values are properties beside them (see
 * {@link OptionParser}).
 */
class OptionParserBase<T extends object = object> {
  static #reserved: Set<string> | undefined;
  static readonly #proxyHandler: ProxyHandler<OptionParserBase> = {
    get(target, property) {
      if (typeof property === 'string') {
        const option = target.#spellings.get(property);
        if (option !== undefined) return option.value;
      }
      const member: unknown = Reflect.get(target, property, target);
      if (typeof member !== 'function' || property === 'constructor') return member;
      // Methods reach #private state, so they must run on the parser itself, not on the proxy.
      let bound = target.#boundMethods.get(property);
      if (bound === undefined) {
        bound = (member as (...args: unknown[]) => unknown).bind(target);
        target.#boundMethods.set(property, bound);
      }
      return bound;
    },
    set(target, property, value) {
      if (typeof property === 'string' && target.#spellings.has(property)) {
        target.set(property, value);
        return true;
      }
      throw new OptionsError(`Unrecognized option ${describeInput(String(property))}`, { option: String(property) });
    },
    has(target, property) {
      return (typeof property === 'string' && target.#spellings.has(property)) || Reflect.has(target, property);
    },
    deleteProperty(_target, property) {
      throw new OptionsError(`Options cannot be deleted (${describeInput(String(property))})`, { option: String(property) });
    },
    defineProperty(_target, property) {
      throw new OptionsError(`Use define() to add an option (${describeInput(String(property))})`, { option: String(property) });
    },
  };

  #options: OptionEntry[] = [];
  #spellings = new Map<string, OptionEntry>();
  #parseCallbacks: Array<() => void> = [];
  #boundMethods = new Map<PropertyKey, unknown>();
  #programName: string;
  #helpOutput: { write(text: string): unknown };
  #exit: (code: number) => void;
  #proxy: this;

  constructor(settings: OptionParserSettings = {}) {
    this.#programName = settings.programName ?? basename(process.argv[1] ?? 'node');
    this.#helpOutput = settings.helpOutput ?? process.stderr;
    this.#exit = settings.exit ?? ((code) => process.exit(code));
    this.define('help', z.boolean(), {
      default: false,
      help: 'show this help information',
      callback: (show) => {
        if (show) {
          this.printHelp();
          this.#exit(0);
        }
      },
    });
    // The object handed out is a proxy that reads and writes option values as properties.
    this.#proxy = new Proxy(this, OptionParserBase.#proxyHandler as ProxyHandler<this>);
    return this.#proxy;
  }

  static #reservedNames(): Set<string> {
    if (OptionParserBase.#reserved === undefined) {
      OptionParserBase.#reserved = new Set([...ALWAYS_RESERVED, ...Object.getOwnPropertyNames(OptionParserBase.prototype)]);
    }
    return OptionParserBase.#reserved;
  }

  /**
   * Defines an option: its name (usable as `maxSize`, `max-size` or `max_size`), a zod schema for
   * its value, and settings. Returns the parser, typed with the new option.
   * @throws {OptionsError} for an invalid, reserved or already defined name, or an invalid default
   */
  define<const N extends string, S extends z.ZodType, M extends boolean | undefined = undefined, D = undefined>(
    name: N,
    schema: S,
    settings: DefineSettings<S, M, D> = {},
  ): OptionParser<T & { [K in CamelCase<N>]: OptionValue<S, M, D> }> {
    const spellings = spellingsOf(name);
    const reserved = OptionParserBase.#reservedNames();
    const taken = spellings.find((spelling) => reserved.has(spelling));
    if (taken !== undefined) {
      throw new OptionsError(`Option name '${name}' is reserved: '${taken}' is a method or property of OptionParser`, { option: name });
    }
    const existing = spellings.map((spelling) => this.#spellings.get(spelling)).find((option) => option !== undefined);
    if (existing !== undefined) {
      throw new OptionsError(`Option '${name}' (${existing.displayName}) is already defined, as '${existing.name}'`, { option: name });
    }
    if (!isZodSchema(schema)) throw new OptionsError(`Option '${name}' needs a zod schema`, { option: name });
    if (settings.callback !== undefined && typeof settings.callback !== 'function') {
      throw new OptionsError(`The callback of option '${name}' must be a function`, { option: name });
    }
    const multiple = settings.multiple === true;
    let initial: unknown = multiple ? [] : schemaDefault(schema);
    if (settings.default !== undefined) {
      const target = { displayName: name, schema, kind: valueKind(schema), multiple };
      initial = valueFromData(target, settings.default, 'default');
    }
    const option = new OptionEntry(name, schema, settings as OptionSettings, initial);
    this.#options.push(option);
    for (const spelling of spellings) this.#spellings.set(spelling, option);
    // Methods run on the parser itself (see the proxy handler); callers get the proxy back.
    return (this.#proxy ?? this) as unknown as OptionParser<T & { [K in CamelCase<N>]: OptionValue<S, M, D> }>;
  }

  /**
   * Reads options from command-line arguments (`process.argv.slice(2)` by default): `--name=value`,
   * `--name value`, bare boolean flags. Stops at the first positional argument or `--`.
   * Returns the arguments from there on.
   * @throws {OptionsError} for an unknown option, a missing value or an invalid value; nothing is set then
   */
  parseCommandLine(argv: readonly string[] = process.argv.slice(2), settings: ParseSettings = {}): string[] {
    const { assignments, remaining } = splitCommandLine(argv, this.#spellings);
    const pending = new Map<OptionEntry, PendingValue>();
    for (const { option, flag, text } of assignments) {
      const value = text === undefined ? true : valueFromText(option, text, `command line ${flag}`);
      const earlier = pending.get(option);
      if (earlier === undefined) pending.set(option, { option, value });
      // A repeated `multiple` option adds to the list; any other repeated option keeps the last value.
      else earlier.value = option.multiple ? [...(earlier.value as unknown[]), ...(value as unknown[])] : value;
    }
    this.#apply('commandLine', pending.values(), settings);
    return remaining;
  }

  /**
   * Reads options from a `.json` file holding an object, or a `.js`/`.mjs`/`.cjs` module whose
   * exports are the values. Strings are read as on the command line; other values must fit the schema.
   * @throws {OptionsError} when the file cannot be loaded, names an unknown option or holds an invalid value
   */
  async parseConfigFile(path: string, settings: ConfigFileSettings = {}): Promise<void> {
    const values = await loadConfigFile(path);
    const pending: PendingValue[] = [];
    for (const [key, raw] of Object.entries(values)) {
      const option = this.#spellings.get(key);
      if (option === undefined) {
        if (settings.allowUnknown === true) continue;
        throw new OptionsError(`Unrecognized option ${describeInput(key)} in config file ${path}`, { option: key });
      }
      pending.push({ option, value: valueFromConfig(option, raw, `config file ${path}`) });
    }
    this.#apply('configFile', pending, settings);
  }

  /**
   * Reads options from environment variables named `<prefix><NAME_IN_UPPER_SNAKE_CASE>`; values are
   * read as on the command line. `help` is never read from the environment.
   * @throws {OptionsError} when a variable holds an invalid value; nothing is set then
   */
  parseEnvironment(settings: EnvironmentSettings = {}): void {
    const prefix = settings.prefix ?? '';
    const candidates = this.#options.filter((option) => option.name !== 'help');
    const pending: PendingValue[] = [];
    for (const { option, variable, text } of readEnvironment(candidates, prefix, settings.env ?? process.env)) {
      pending.push({ option, value: valueFromText(option, text, `environment variable ${variable}`) });
    }
    this.#apply('environment', pending, settings);
  }

  #apply(source: OptionSource, pending: Iterable<PendingValue>, settings: ParseSettings): void {
    for (const { option, value } of pending) option.write(source, value);
    if (settings.final !== false) this.runParseCallbacks();
  }

  /** The `--help` text: usage, then options by group. */
  helpText(): string {
    return formatHelp(this.#programName, this.#options);
  }

  /** Writes the `--help` text (to stderr unless the parser was built with another output). */
  printHelp(output: { write(text: string): unknown } = this.#helpOutput): void {
    output.write(this.helpText());
  }

  /** Adds a function to run after every final parse. */
  addParseCallback(callback: () => void): void {
    if (typeof callback !== 'function') throw new OptionsError('A parse callback must be a function');
    this.#parseCallbacks.push(callback);
  }

  /** Runs the parse callbacks in the order they were added; the final parses call this. */
  runParseCallbacks(): void {
    for (const callback of [...this.#parseCallbacks]) callback();
  }

  #option(name: string): OptionEntry {
    const option = typeof name === 'string' ? this.#spellings.get(name) : undefined;
    if (option === undefined) throw new OptionsError(`Unrecognized option ${describeInput(name)}`, { option: String(name) });
    return option;
  }

  /** Whether an option of this name, in any spelling, is defined. */
  has(name: string): boolean {
    return typeof name === 'string' && this.#spellings.has(name);
  }

  /**
   * An option's value by name, in any spelling.
   * @throws {OptionsError} when no such option is defined
   */
  get(name: string): unknown {
    return this.#option(name).value;
  }

  /**
   * Sets an option's value from code, above every parsed source. The value must fit the schema as
   * it is: strings are not converted.
   * @throws {OptionsError} for an unknown option or a value the schema rejects
   */
  set(name: string, value: unknown): void {
    const option = this.#option(name);
    option.write('code', valueFromData(option, value, 'set in code'));
  }

  /** Which source gave the value in effect: `default`, `configFile`, `environment`, `commandLine` or `code`. */
  sourceOf(name: string): OptionSource {
    return this.#option(name).source;
  }

  /**
   * Sets an option for a test and returns a function that puts back exactly what was there
   * (Tornado's `mockable()`); overrides nest.
   * @throws {OptionsError} for an unknown option or a value the schema rejects
   */
  override(name: string, value: unknown): () => void {
    const option = this.#option(name);
    const checked = valueFromData(option, value, 'override');
    const snapshot = option.snapshot();
    option.write('code', checked);
    let restored = false;
    return () => {
      if (restored) return;
      restored = true;
      option.restore(snapshot);
    };
  }

  /** The option names, as defined. */
  *[Symbol.iterator](): IterableIterator<string> {
    for (const option of this.#options) yield option.name;
  }

  /** Each option's name (as defined) and value. */
  items(): Array<[string, unknown]> {
    return this.#options.map((option) => [option.name, option.value]);
  }

  /** Every option's value by name (as defined). */
  asDict(): Values {
    return Object.fromEntries(this.items());
  }

  /** The groups given to `define`, `''` for options defined without one. */
  groups(): Set<string> {
    return new Set(this.#options.map((option) => option.group));
  }

  /** The values of one group's options by name, e.g. to pass as Application settings; `''` gives all. */
  groupDict(group: string): Values {
    return Object.fromEntries(
      this.#options.filter((option) => group === '' || option.group === group).map((option) => [option.name, option.value]),
    );
  }
}

/**
 * A set of options (Tornado's `OptionParser`): `define` them, parse sources, then read values as
 * properties in any spelling (`parser.maxSize`, `parser['max-size']`). `T` holds the defined types.
 */
export type OptionParser<T extends object = object> = OptionParserBase<T> & { help: boolean } & T;

/** Builds an option set apart from the global one (a library, a subcommand, a test). */
export const OptionParser = OptionParserBase as unknown as new <T extends object = object>(
  settings?: OptionParserSettings,
) => OptionParser<T>;
