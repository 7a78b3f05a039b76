import { TemplateOptionError } from './errors.js';

/**
 * How a template's literal text treats whitespace: `all` keeps it, `single` collapses each run to
 * one character (a newline when the run held one), `oneline` collapses each run to one space.
 */
export type WhitespaceMode = 'all' | 'single' | 'oneline';

const MODES: ReadonlySet<string> = new Set<WhitespaceMode>(['all', 'single', 'oneline']);

/** Whether a value names a whitespace mode. */
export function isWhitespaceMode(value: unknown): value is WhitespaceMode {
  return typeof value === 'string' && MODES.has(value);
}

/**
 * Checks a whitespace mode given as an option.
 * @throws {TemplateOptionError} when it is not `all`, `single` or `oneline`.
 */
export function checkWhitespaceMode(value: unknown): WhitespaceMode {
  if (!isWhitespaceMode(value)) {
    throw new TemplateOptionError(`Invalid whitespace mode ${JSON.stringify(value)}: expected all, single or oneline`);
  }
  return value;
}

const BLANKS = /[\t ]+/g;
const RUN_WITH_NEWLINE = /\s*\n\s*/g;
const ANY_RUN = /\s+/g;

/**
 * Applies a whitespace mode to literal template text, as Tornado's `filter_whitespace` does.
 * @throws {TemplateOptionError} for an unknown mode.
 */
export function filterWhitespace(mode: WhitespaceMode, text: string): string {
  switch (mode) {
    case 'all':
      return text;
    case 'single':
      return text.replace(BLANKS, ' ').replace(RUN_WITH_NEWLINE, '\n');
    case 'oneline':
      return text.replace(ANY_RUN, ' ');
    default:
      return checkWhitespaceMode(mode);
  }
}

/** Tornado's default by file name: `single` for `.html` and `.js` templates, `all` for the rest. */
export function whitespaceForName(name: string): WhitespaceMode {
  return name.endsWith('.html') || name.endsWith('.js') ? 'single' : 'all';
}
