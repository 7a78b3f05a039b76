// Tornado's tornado/test/options_test.py, case by case in our words. Not applicable:
// - the `basestring` type of test_types: Python 2's text type; JS has one string type (`str` covers it).
// - the file-name group of test_group_dict: Tornado groups ungrouped options by the file that
//   defined them (from the Python stack); JS has no reliable caller file, so they are in group ''.
// - args[0] as the program name: argv here excludes it (`process.argv.slice(2)` is the default).
// - SystemExit and mock.patch: `--help` calls an exit hook (process.exit by default), and
//   `override(name, value)` returning a restore function replaces `mockable()` + mock.patch.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionParser, OptionsError, duration } from '@tornado-ts/options';
import { Email } from './email.js';

const fixture = (name: string) => resolve(__dirname, 'fixtures', name);

class ExitCalled extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

function quietParser() {
  const output: string[] = [];
  const parser = new OptionParser({
    programName: 'main.js',
    helpOutput: { write: (text: string) => output.push(text) },
    exit: (code) => {
      throw new ExitCalled(code);
    },
  });
  return { parser, output };
}

function sampleOptions() {
  return new OptionParser().define('a', z.number(), { default: 1 }).define('b', z.number(), { default: 2 });
}

function typedOptions() {
  return new OptionParser()
    .define('str', z.string())
    .define('int', z.int())
    .define('float', z.number())
    .define('datetime', z.date())
    .define('timedelta', duration())
    .define('email', z.union([z.instanceof(Email), z.email().transform((text) => new Email(text))]))
    .define('list-of-int', z.int(), { multiple: true });
}

function expectTypedValues(options: ReturnType<typeof typedOptions>) {
  expect(options.str).toBe('asdf');
  expect(options.int).toBe(42);
  expect(options.float).toBe(1.5);
  expect(options.datetime).toEqual(new Date(2013, 3, 28, 5, 16));
  expect(options.timedelta).toBe(45_000);
  expect(options.email).toBeInstanceOf(Email);
  expect(options.email?.value).toBe('tornado@web.com');
  expect(options.listOfInt).toEqual([1, 2, 3]);
}

describe('OptionParser (Tornado options_test.py)', () => {
  it('parses --name=value from the command line', () => {
    const options = new OptionParser().define('port', z.int(), { default: 80 });
    options.parseCommandLine(['--port=443']);
    expect(options.port).toBe(443);
  });

  it.each(['options-test.mjs', 'options-test.cjs'])('reads a JS config file (%s), its own path included', async (name) => {
    const options = new OptionParser()
      .define('port', z.int(), { default: 80 })
      .define('username', z.string(), { default: 'foo' })
      .define('my_path', z.string());
    await options.parseConfigFile(fixture(name), { allowUnknown: true });
    expect(options.port).toBe(443);
    expect(options.username).toBe('李康');
    expect(options.myPath).toBe(fixture(name));
  });

  it.each(['options-test.json', 'options-test-default.mjs'])('reads a config file holding an object (%s)', async (name) => {
    const options = new OptionParser()
      .define('port', z.int(), { default: 80 })
      .define('username', z.string(), { default: 'foo' })
      .define('foo-bar', z.string());
    await options.parseConfigFile(fixture(name));
    expect([options.port, options.username, options.fooBar]).toEqual([443, '李康', 'a']);
  });

  it('runs parse callbacks only on final parses, and on every one', () => {
    const options = new OptionParser();
    let calls = 0;
    options.addParseCallback(() => calls++);
    options.parseCommandLine([], { final: false });
    expect(calls).toBe(0);
    options.parseCommandLine([]);
    expect(calls).toBe(1);
    options.parseCommandLine([]);
    expect(calls).toBe(2);
  });

  it('prints the usage for --help and exits with 0', () => {
    const { parser, output } = quietParser();
    let exitCode: number | undefined;
    try {
      parser.parseCommandLine(['--help']);
    } catch (error) {
      exitCode = (error as ExitCalled).exitCode;
    }
    expect(exitCode).toBe(0);
    expect(output.join('')).toContain('Usage: main.js [OPTIONS]');
  });

  it('returns the arguments after the first positional, so a subcommand can parse them', () => {
    const base = new OptionParser().define('verbose', z.boolean(), { default: false });
    const sub = new OptionParser().define('foo', z.string());
    const rest = base.parseCommandLine(['--verbose', 'subcommand', '--foo=bar']);
    expect(rest).toEqual(['subcommand', '--foo=bar']);
    expect(base.verbose).toBe(true);
    expect(sub.parseCommandLine(rest.slice(1))).toEqual([]);
    expect(sub.foo).toBe('bar');
    // The two sets are distinct: the subcommand does not know --verbose.
    expect(() => sub.parseCommandLine(['--verbose'])).toThrow(OptionsError);
  });

  it('sets a value by assignment', () => {
    const options = new OptionParser().define('foo', z.int(), { default: 1 });
    options.foo = 2;
    expect(options.foo).toBe(2);
  });

  it('checks the type of an assigned value and does not parse strings', () => {
    const options = new OptionParser().define('foo', z.int(), { default: 1 });
    expect(() => {
      (options as { foo: unknown }).foo = '2';
    }).toThrow(OptionsError);
    expect(options.foo).toBe(1);
  });

  it('runs the option callback on assignment', () => {
    const values: number[] = [];
    const options = new OptionParser().define('foo', z.int(), { default: 1, callback: (value) => values.push(value) });
    options.foo = 2;
    expect(values).toEqual([2]);
  });

  it('iterates over the option names, help included', () => {
    expect(new Set(sampleOptions())).toEqual(new Set(['a', 'b', 'help']));
  });

  it('reads a value by name', () => {
    const options = sampleOptions();
    expect(options.get('a')).toBe(1);
    expect(options['a']).toBe(1);
  });

  it('writes a value by name', () => {
    const options = new OptionParser().define('foo', z.int(), { default: 1 });
    options.set('foo', 2);
    expect(options.get('foo')).toBe(2);
    options['foo'] = 3;
    expect(options['foo']).toBe(3);
  });

  it('lists items', () => {
    expect(sampleOptions().items().sort()).toEqual([
      ['a', 1],
      ['b', 2],
      ['help', false],
    ]);
  });

  it('returns every value as a dictionary', () => {
    expect(sampleOptions().asDict()).toEqual({ a: 1, b: 2, help: false });
  });

  it('groups options and returns one group as a dictionary', () => {
    const options = new OptionParser().define('a', z.number(), { default: 1 }).define('b', z.number(), { group: 'b_group', default: 2 });
    expect(options.groups()).toEqual(new Set(['', 'b_group']));
    expect(options.groupDict('b_group')).toEqual({ b: 2 });
    expect(options.groupDict('nonexistent')).toEqual({});
  });

  it('overrides a value for a test and restores it, nested and mixed with assignments', () => {
    const options = new OptionParser().define('foo', z.int(), { default: 1 });
    options.parseCommandLine(['--foo=2']);
    expect(options.foo).toBe(2);

    const restore = options.override('foo', 3);
    expect(options.foo).toBe(3);
    restore();
    expect(options.foo).toBe(2);

    const outer = options.override('foo', 4);
    expect(options.foo).toBe(4);
    options.foo = 5;
    expect(options.foo).toBe(5);
    const inner = options.override('foo', 6);
    expect(options.foo).toBe(6);
    inner();
    expect(options.foo).toBe(5);
    outer();
    expect(options.foo).toBe(2);
    expect(options.sourceOf('foo')).toBe('commandLine');
  });

  it('converts every kind of value from the command line', () => {
    const options = typedOptions();
    options.parseCommandLine([
      '--str=asdf',
      '--int=42',
      '--float=1.5',
      '--datetime=2013-04-28 05:16',
      '--timedelta=45s',
      '--email=tornado@web.com',
      '--list-of-int=1,2,3',
    ]);
    expectTypedValues(options);
  });

  it.each(['options-test-types.mjs', 'options-test-types-str.json'])('reads every kind of value from a config file (%s)', async (name) => {
    const options = typedOptions();
    await options.parseConfigFile(fixture(name));
    expectTypedValues(options);
  });

  it('splits a multiple string option on commas', () => {
    const options = new OptionParser().define('foo', z.string(), { multiple: true });
    options.parseCommandLine(['--foo=a,b,c']);
    expect(options.foo).toEqual(['a', 'b', 'c']);
  });

  it('expands integer ranges in a multiple integer option', () => {
    const options = new OptionParser().define('foo', z.int(), { multiple: true });
    options.parseCommandLine(['--foo=1,3,5:7']);
    expect(options.foo).toEqual([1, 3, 5, 6, 7]);
  });

  it('refuses to define an option twice', () => {
    const options = new OptionParser().define('foo', z.string());
    expect(() => options.define('foo', z.string())).toThrow(/Option.*foo.*already defined/);
  });

  it.each([
    ['foo-bar', 'foo-bar'],
    ['foo_bar', 'foo_bar'],
    ['foo-bar', 'foo_bar'],
    ['foo_bar', 'foo-bar'],
    ['fooBar', 'foo-bar'],
    ['foo_bar', 'fooBar'],
  ])('sees %s and %s as the same name when redefining', (first, second) => {
    const options = new OptionParser().define(first, z.string());
    expect(() => options.define(second, z.string())).toThrow(/Option.*foo.bar.*already defined/);
  });

  it.each(['foo-bar', 'foo_bar', 'fooBar'])('accepts dashes, underscores and camelCase on the command line (defined as %s)', (defined) => {
    for (const flag of ['--foo-bar=a', '--foo_bar=a', '--fooBar=a']) {
      const options = new OptionParser().define(defined, z.string());
      options.parseCommandLine([flag]);
      const values = options as unknown as Record<string, unknown>;
      expect(values.fooBar).toBe('a');
      expect(values['foo-bar']).toBe('a');
      expect(values['foo_bar']).toBe('a');
      expect(options.get('foo_bar')).toBe('a');
    }
  });

  it.each(['foo-bar', 'foo_bar'])('takes the underscore spelling in a config file (defined as %s)', async (defined) => {
    const options = new OptionParser().define(defined, z.string());
    await options.parseConfigFile(fixture('options-test.mjs'), { allowUnknown: true });
    expect(options.get('fooBar')).toBe('a');
  });

  it('keeps the names as defined in introspection, and shows dashes in --help', () => {
    const options = new OptionParser().define('with-dash', z.string(), { group: 'g' }).define('with_underscore', z.string(), { group: 'g' });
    const all = ['help', 'with-dash', 'with_underscore'];
    expect([...options].sort()).toEqual(all);
    expect(options.items().map(([name]) => name).sort()).toEqual(all);
    expect(Object.keys(options.asDict()).sort()).toEqual(all);
    expect(Object.keys(options.groupDict('g')).sort()).toEqual(['with-dash', 'with_underscore']);
    const help = options.helpText();
    expect(help).toContain('--with-dash');
    expect(help).toContain('--with-underscore');
  });
});
