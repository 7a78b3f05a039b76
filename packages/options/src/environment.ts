import { environmentName } from './names.js';
import type { OptionEntry } from './option.js';

/** One environment variable that names an option. */
export interface EnvironmentAssignment {
  readonly option: OptionEntry;
  readonly variable: string;
  readonly text: string;
}

/** The variables `<prefix><OPTION_NAME>` that are set, `maxSize` read from `APP_MAX_SIZE`. */
export function readEnvironment(
  options: Iterable<OptionEntry>,
  prefix: string,
  env: Readonly<Record<string, string | undefined>>,
): EnvironmentAssignment[] {
  const found: EnvironmentAssignment[] = [];
  for (const option of options) {
    const variable = prefix + environmentName(option.name);
    if (!Object.prototype.hasOwnProperty.call(env, variable)) continue;
    const text = env[variable];
    if (typeof text === 'string') found.push({ option, variable, text });
  }
  return found;
}
