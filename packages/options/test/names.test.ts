import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionParser, OptionsError } from '@tornado-ts/options';

describe('names', () => {
  it('reaches an option by every spelling, as a property and by name', () => {
    const options = new OptionParser().define('max-size', z.int(), { default: 1 });
    const values = options as unknown as Record<string, unknown>;
    for (const spelling of ['maxSize', 'max-size', 'max_size']) {
      expect(values[spelling], spelling).toBe(1);
      expect(options.has(spelling)).toBe(true);
      expect(spelling in options).toBe(true);
    }
    expect(options.has('maxsize')).toBe(false);
    expect(options.has('MAX_SIZE')).toBe(false);
  });

  it('splits acronyms in camelCase names', () => {
    const options = new OptionParser().define('HTTPPort', z.int(), { default: 1 });
    options.parseCommandLine(['--http-port=2']);
    expect(options.HTTPPort).toBe(2);
    expect(options.get('httpPort')).toBe(2);
    expect(options.helpText()).toContain('--http-port');
    const fromEnvironment = new OptionParser().define('HTTPPort', z.int(), { default: 1 });
    fromEnvironment.parseEnvironment({ env: { HTTP_PORT: '3' } });
    expect(fromEnvironment.HTTPPort).toBe(3);
  });

  it.each(['', '1abc', 'a b', 'a=b', '--x', 'a__b', 'x-', '-x', 'é', 'a.b'])('refuses the option name %j', (name) => {
    expect(() => new OptionParser().define(name, z.string())).toThrow(/Invalid option name/);
  });

  it('refuses a name that is not a string', () => {
    expect(() => new OptionParser().define(5 as unknown as string, z.string())).toThrow(OptionsError);
  });

  it.each(['define', 'parse_command_line', 'items', 'get', 'toString', 'then', 'constructor', 'has-own-property'])(
    'refuses the reserved name %s',
    (name) => {
      expect(() => new OptionParser().define(name, z.string())).toThrow(/is reserved/);
    },
  );

  it('refuses a missing schema and a callback that is not a function', () => {
    expect(() => new OptionParser().define('a', 'string' as never)).toThrow(/needs a zod schema/);
    expect(() => new OptionParser().define('a', z.string(), { callback: 5 as never })).toThrow(/must be a function/);
    expect(() => new OptionParser().addParseCallback(5 as never)).toThrow(/must be a function/);
  });

  it('refuses to set, delete or add unknown properties, and reads them as undefined', () => {
    const options = new OptionParser().define('a', z.int(), { default: 1 });
    const values = options as unknown as Record<string, unknown>;
    expect(values.nope).toBeUndefined();
    expect(() => {
      values.nope = 1;
    }).toThrow(/Unrecognized option "nope"/);
    expect(() => delete values.a).toThrow(OptionsError);
    expect(() => Object.defineProperty(options, 'b', { value: 1 })).toThrow(OptionsError);
    expect(() => options.get('nope')).toThrow(/Unrecognized option "nope"/);
    expect(() => options.set('nope', 1)).toThrow(OptionsError);
    expect(() => options.sourceOf('nope')).toThrow(OptionsError);
  });

  it('keeps methods working when taken off the parser', async () => {
    const options = new OptionParser().define('a', z.int(), { default: 1 });
    const { parseCommandLine, get } = options;
    parseCommandLine(['--a=2']);
    expect(get('a')).toBe(2);
    // Not a thenable, so it can be returned from an async function.
    expect(await Promise.resolve(options)).toBe(options);
  });

  it('is an instance of OptionParser', () => {
    expect(new OptionParser()).toBeInstanceOf(OptionParser);
  });
});
