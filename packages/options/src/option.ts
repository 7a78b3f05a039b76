import type { z } from 'zod';
import { kebabName } from './names.js';
import { valueKind, type ValueKind } from './schema-kind.js';
import type { ValueTarget } from './values.js';

/**
 * Where a value came from, lowest precedence first: a later source wins whatever order the
 * parse calls ran in, and within one source the last value wins.
 */
export type OptionSource = 'default' | 'configFile' | 'environment' | 'commandLine' | 'code';

const SOURCE_RANK: Record<OptionSource, number> = { default: 0, configFile: 1, environment: 2, commandLine: 3, code: 4 };
const RANKED_SOURCES: readonly OptionSource[] = ['default', 'configFile', 'environment', 'commandLine', 'code'];
const UNSET: unique symbol = Symbol('unset');
type Slot = unknown;

/** An option's values per source, captured by `override` and put back by its restore function. */
export type OptionSnapshot = readonly Slot[];

/** Settings of one option, given to `define` after its name and schema. */
export interface OptionSettings<Value = unknown> {
  /** One line for `--help`. */
  help?: string;
  /** `--help` lists options by group; `groupDict(group)` returns one group's values. */
  group?: string;
  /** Shown in `--help` as `--name=METAVAR`. */
  metavar?: string;
  /** The value is an array of schema values; text is split on commas, integers also take `lo:hi`. */
  multiple?: boolean;
  /** Called with the new value each time a source sets the value in effect. */
  callback?: (value: Value) => void;
  /** The value before any source sets one; checked by the schema. Without it, the schema's own default. */
  default?: Value;
}

/** One defined option: its schema and settings, and the value each source gave it. */
export class OptionEntry implements ValueTarget {
  readonly name: string;
  readonly displayName: string;
  readonly schema: z.ZodType;
  readonly kind: ValueKind;
  readonly multiple: boolean;
  readonly help: string;
  readonly group: string;
  readonly metavar: string | undefined;
  readonly callback: ((value: unknown) => void) | undefined;
  #slots: Slot[];

  constructor(name: string, schema: z.ZodType, settings: OptionSettings, defaultValue: unknown) {
    this.name = name;
    this.displayName = `--${kebabName(name)}`;
    this.schema = schema;
    this.kind = valueKind(schema);
    this.multiple = settings.multiple === true;
    this.help = settings.help ?? '';
    this.group = settings.group ?? '';
    this.metavar = settings.metavar;
    this.callback = settings.callback as ((value: unknown) => void) | undefined;
    this.#slots = [defaultValue, UNSET, UNSET, UNSET, UNSET];
  }

  /** The value in effect: the one from the highest source that gave one. */
  get value(): unknown {
    const slots = this.#slots;
    for (let rank = slots.length - 1; rank > 0; rank--) if (slots[rank] !== UNSET) return slots[rank];
    return slots[0];
  }

  /** The source of the value in effect. */
  get source(): OptionSource {
    const slots = this.#slots;
    for (let rank = slots.length - 1; rank > 0; rank--) if (slots[rank] !== UNSET) return RANKED_SOURCES[rank];
    return 'default';
  }

  /** The default value, as `--help` shows it. */
  get defaultValue(): unknown {
    return this.#slots[0];
  }

  /** Stores an already checked value for a source, then runs the callback if that value is now in effect. */
  write(source: OptionSource, value: unknown): void {
    const rank = SOURCE_RANK[source];
    this.#slots[rank] = value;
    if (this.callback !== undefined && SOURCE_RANK[this.source] === rank) this.callback(value);
  }

  snapshot(): OptionSnapshot {
    return [...this.#slots];
  }

  /** Puts back the values of a snapshot and runs the callback with the value then in effect. */
  restore(snapshot: OptionSnapshot): void {
    this.#slots = [...snapshot];
    this.callback?.(this.value);
  }
}
