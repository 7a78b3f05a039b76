import { kebabName } from './names.js';
import type { OptionEntry } from './option.js';

const NAME_WIDTH = 30;
const TEXT_WIDTH = 44;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function formatDefault(value: unknown): string | undefined {
  // Nothing to show for an unset option or a flag that is off.
  if (value === undefined || value === null || value === '' || value === false) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((item) => formatDefault(item) ?? '').join(',');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return undefined;
    }
  }
  return String(value);
}

function optionLines(option: OptionEntry): string[] {
  const flag = kebabName(option.name) + (option.metavar === undefined ? '' : `=${option.metavar}`);
  const shownDefault = formatDefault(option.defaultValue);
  const description = shownDefault === undefined ? option.help : `${option.help} (default ${shownDefault})`.trim();
  const text = wrap(description, TEXT_WIDTH);
  // A long flag gets a line of its own, as does a flag with no description.
  if (flag.length > NAME_WIDTH || text.length === 0) text.unshift('');
  const lines = [`  --${flag.padEnd(NAME_WIDTH)} ${text[0]}`.trimEnd()];
  for (let i = 1; i < text.length; i++) lines.push(`${' '.repeat(NAME_WIDTH + 4)} ${text[i]}`);
  return lines;
}

/**
 * The `--help` text: a usage line, then the options sorted by name, ungrouped ones first and then
 * one titled block per group in name order.
 */
export function formatHelp(programName: string, options: Iterable<OptionEntry>): string {
  const groups = new Map<string, OptionEntry[]>();
  for (const option of options) {
    const members = groups.get(option.group);
    if (members === undefined) groups.set(option.group, [option]);
    else members.push(option);
  }
  const lines = [`Usage: ${programName} [OPTIONS]`, '', 'Options:', ''];
  for (const group of [...groups.keys()].sort()) {
    if (group !== '') lines.push('', `${group} options:`, '');
    const members = groups.get(group) ?? [];
    members.sort((a, b) => (kebabName(a.name) < kebabName(b.name) ? -1 : 1));
    for (const option of members) lines.push(...optionLines(option));
  }
  lines.push('');
  return lines.join('\n');
}
