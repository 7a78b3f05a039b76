import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OptionsError } from './errors.js';
import type { OptionEntry } from './option.js';
import { describeInput } from './values.js';

/** One `--name[=value]` found on the command line; `text` is undefined for a bare boolean flag. */
export interface CommandLineAssignment {
  readonly option: OptionEntry;
  readonly flag: string;
  readonly text: string | undefined;
}

/** The options found before the first positional argument, and every argument from there on. */
export interface CommandLineParse {
  readonly assignments: CommandLineAssignment[];
  readonly remaining: string[];
}

const NEGATIVE_NUMBER = /^-\.?\d/;

function takesFlagOnly(option: OptionEntry): boolean {
  return option.kind === 'boolean' && !option.multiple;
}

/**
 * Splits argv with node:util `parseArgs` (`--name=value`, `--name value`, bare boolean flags,
 * `--`). Parsing stops at the first positional argument, which starts the returned remainder.
 * @throws {OptionsError} for an unknown option, a missing value or a value that looks like an option
 */
export function splitCommandLine(argv: readonly string[], spellings: ReadonlyMap<string, OptionEntry>): CommandLineParse {
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const [spelling, option] of spellings) config[spelling] = { type: takesFlagOnly(option) ? 'boolean' : 'string' };
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const assignments: CommandLineAssignment[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') return { assignments, remaining: argv.slice(token.index) };
    if (token.kind === 'option-terminator') return { assignments, remaining: argv.slice(token.index + 1) };
    const option = spellings.get(token.name);
    if (option === undefined || !token.rawName.startsWith('--')) {
      throw new OptionsError(`Unrecognized command line option ${describeInput(token.rawName)} (see --help)`, { option: token.rawName });
    }
    if (takesFlagOnly(option)) {
      assignments.push({ option, flag: token.rawName, text: token.inlineValue ? token.value : undefined });
      continue;
    }
    if (token.value === undefined) {
      throw new OptionsError(`Option '${token.rawName}' requires a value: ${token.rawName}=VALUE or ${token.rawName} VALUE`, {
        option: token.rawName,
      });
    }
    if (!token.inlineValue && token.value.startsWith('-') && !NEGATIVE_NUMBER.test(token.value)) {
      throw new OptionsError(
        `Option '${token.rawName}' requires a value, but ${describeInput(token.value)} follows it; write ${token.rawName}=${token.value} to pass a value that starts with '-'`,
        { option: token.rawName },
      );
    }
    assignments.push({ option, flag: token.rawName, text: token.value });
  }
  return { assignments, remaining: [] };
}
