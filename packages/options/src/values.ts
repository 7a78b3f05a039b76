import type { z } from 'zod';
import { OptionsError } from './errors.js';
import type { ValueKind } from './schema-kind.js';

/** The most items one `lo:hi` range of a `multiple` integer option may expand to. */
export const MAX_RANGE_ITEMS = 10_000;

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^[+-]?\d+$/;
const TRUE_WORDS = new Set(['true', 't', '1', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'f', '0', 'no', 'n', 'off']);

/** What a value check needs to know about an option. */
export interface ValueTarget {
  readonly displayName: string;
  readonly schema: z.ZodType;
  readonly kind: ValueKind;
  readonly multiple: boolean;
}

/** Quotes input for an error message, cut to 200 characters so hostile input cannot flood a log. */
export function describeInput(input: unknown): string {
  let text: string;
  if (typeof input === 'string') text = JSON.stringify(input);
  else if (typeof input === 'bigint') text = `${input}n`;
  else if (input instanceof Date) text = Number.isNaN(input.getTime()) ? 'Invalid Date' : input.toISOString();
  else {
    try {
      text = JSON.stringify(input) ?? String(input);
    } catch {
      text = Object.prototype.toString.call(input);
    }
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue): string[] {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Report the branches that took the value's type but refused the value itself: `Invalid
    // input` alone says nothing, and branches of another type are noise.
    const relevant = issue.errors.filter((branch) => branch.length > 0 && branch.every((inner) => inner.code !== 'invalid_type'));
    if (relevant.length > 0) return relevant.flatMap((branch) => branch.flatMap(describeIssue));
  }
  const message = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
  return [message];
}

/** zod's issues as one readable line: `Too small: expected number to be >=1; ...`. */
export function describeIssues(error: z.ZodError): string {
  return [...new Set(error.issues.flatMap(describeIssue))].join('; ');
}

class TextConversionError extends Error {}

function convertText(text: string, kind: ValueKind): unknown {
  switch (kind) {
    case 'number':
    case 'integer':
      if (!NUMBER_TEXT.test(text)) throw new TextConversionError('expected a number');
      return Number(text);
    case 'bigint':
      if (!INTEGER_TEXT.test(text)) throw new TextConversionError('expected an integer');
      return BigInt(text);
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw new TextConversionError('expected true or false (also yes/no, on/off, 1/0)');
    }
    case 'date': {
      const date = new Date(text);
      if (text.trim() === '' || Number.isNaN(date.getTime())) throw new TextConversionError('expected a date and time');
      return date;
    }
    default:
      return text;
  }
}

function invalid(target: ValueTarget, input: unknown, source: string, reason: string): OptionsError {
  return new OptionsError(`Invalid value ${describeInput(input)} for option '${target.displayName}' (${source}): ${reason}`, {
    option: target.displayName,
  });
}

function checkOne(target: ValueTarget, value: unknown, input: unknown, source: string): unknown {
  const result = target.schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(target, input, source, describeIssues(result.error));
}

/** One item given as text: converted to the schema's kind, then checked by the schema. */
function itemFromText(target: ValueTarget, text: string, source: string): unknown {
  if (target.kind === 'other') {
    // Unions, enums and the like: the text as it is first, then read as JSON (numbers, lists...).
    const direct = target.schema.safeParse(text);
    if (direct.success) return direct.data;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalid(target, text, source, describeIssues(direct.error));
    }
    const second = target.schema.safeParse(parsed);
    if (second.success) return second.data;
    throw invalid(target, text, source, describeIssues(direct.error));
  }
  let converted: unknown;
  try {
    converted = convertText(text, target.kind);
  } catch (error) {
    if (error instanceof TextConversionError) throw invalid(target, text, source, error.message);
    throw error;
  }
  return checkOne(target, converted, text, source);
}

function rangeFromText(target: ValueTarget, text: string, source: string): unknown[] {
  const [low, high, extra] = text.split(':');
  if (extra !== undefined || !INTEGER_TEXT.test(low) || !INTEGER_TEXT.test(high)) {
    throw invalid(target, text, source, 'expected an integer or a range low:high');
  }
  const first = Number(low);
  const last = Number(high);
  if (last < first) throw invalid(target, text, source, 'the range is empty (low is above high)');
  if (last - first + 1 > MAX_RANGE_ITEMS) throw invalid(target, text, source, `the range holds more than ${MAX_RANGE_ITEMS} numbers`);
  const items: unknown[] = [];
  for (let n = first; n <= last; n++) items.push(checkOne(target, n, text, source));
  return items;
}

/**
 * A value given as text (command line, environment, a string in a config file), converted and
 * checked. `multiple` options split on commas; integer items may be inclusive ranges `1:3`.
 * @throws {OptionsError} naming the option, the input and what is wrong with it
 */
export function valueFromText(target: ValueTarget, text: string, source: string): unknown {
  if (!target.multiple) return itemFromText(target, text, source);
  if (text === '') return [];
  const items: unknown[] = [];
  for (const part of text.split(',')) {
    if (target.kind === 'integer' && part.includes(':')) {
      const range = rangeFromText(target, part, source);
      if (items.length + range.length > MAX_RANGE_ITEMS) throw invalid(target, text, source, `more than ${MAX_RANGE_ITEMS} items`);
      for (const item of range) items.push(item);
    } else {
      items.push(itemFromText(target, part, source));
    }
  }
  return items;
}

/**
 * A value given as itself (code, a config file's typed value): checked by the schema with no
 * conversion from text. `multiple` options take an array, each item checked.
 * @throws {OptionsError} naming the option, the value and what is wrong with it
 */
export function valueFromData(target: ValueTarget, value: unknown, source: string): unknown {
  if (!target.multiple) return checkOne(target, value, value, source);
  if (!Array.isArray(value)) throw invalid(target, value, source, 'expected an array of values');
  return value.map((item) => checkOne(target, item, item, source));
}

/**
 * A config file's value: a string is read as text unless the schema takes it as it is (a string
 * option), anything else is checked as itself, as Tornado reads its config files.
 * @throws {OptionsError} naming the option, the value and what is wrong with it
 */
export function valueFromConfig(target: ValueTarget, value: unknown, source: string): unknown {
  if (typeof value !== 'string') return valueFromData(target, value, source);
  if (!target.multiple && target.kind === 'string') return checkOne(target, value, value, source);
  return valueFromText(target, value, source);
}
