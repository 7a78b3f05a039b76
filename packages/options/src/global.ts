import { OptionParser } from './option-parser.js';

/**
 * The option types of the global `options`; declare yours by augmenting this interface
 * (`declare module '@tornado-ts/options' { interface GlobalOptionTypes { port: number } }`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GlobalOptionTypes {}

/** The global option set that the module-level functions work on (Tornado's `tornado.options.options`). */
export const options: OptionParser<GlobalOptionTypes> = new OptionParser<GlobalOptionTypes>();

/** Defines an option on the global `options`; see {@link OptionParser.define}. */
export const define: OptionParser<GlobalOptionTypes>['define'] = options.define;

/** Reads the global options from the command line; see {@link OptionParser.parseCommandLine}. */
export const parseCommandLine: OptionParser<GlobalOptionTypes>['parseCommandLine'] = options.parseCommandLine;

/** Reads the global options from a config file; see {@link OptionParser.parseConfigFile}. */
export const parseConfigFile: OptionParser<GlobalOptionTypes>['parseConfigFile'] = options.parseConfigFile;

/** Reads the global options from environment variables; see {@link OptionParser.parseEnvironment}. */
export const parseEnvironment: OptionParser<GlobalOptionTypes>['parseEnvironment'] = options.parseEnvironment;

/** Writes the global options' `--help` text; see {@link OptionParser.printHelp}. */
export const printHelp: OptionParser<GlobalOptionTypes>['printHelp'] = options.printHelp;

/** The global options' `--help` text; see {@link OptionParser.helpText}. */
export const helpText: OptionParser<GlobalOptionTypes>['helpText'] = options.helpText;

/** Adds a callback run after each final parse of the global options. */
export const addParseCallback: OptionParser<GlobalOptionTypes>['addParseCallback'] = options.addParseCallback;

/** Runs the global options' parse callbacks. */
export const runParseCallbacks: OptionParser<GlobalOptionTypes>['runParseCallbacks'] = options.runParseCallbacks;

/** Overrides a global option for a test and returns the function that restores it. */
export const override: OptionParser<GlobalOptionTypes>['override'] = options.override;
