export { OptionsError, type OptionsErrorOptions } from './errors.js';
export {
  OptionParser,
  type OptionParserSettings,
  type ParseSettings,
  type ConfigFileSettings,
  type EnvironmentSettings,
  type OptionValue,
  type DefineSettings,
} from './option-parser.js';
export type { OptionSettings, OptionSource } from './option.js';
export type { CamelCase } from './names.js';
export { MAX_RANGE_ITEMS } from './values.js';
export { duration, parseDuration } from './duration.js';
export {
  options,
  define,
  parseCommandLine,
  parseConfigFile,
  parseEnvironment,
  printHelp,
  helpText,
  addParseCallback,
  runParseCallbacks,
  override,
  type GlobalOptionTypes,
} from './global.js';
