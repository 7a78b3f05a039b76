import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionParser, OptionsError } from '@tornado-ts/options';

function parser() {
  return new OptionParser()
    .define('port', z.int().min(1).max(65535), { default: 8888 })
    .define('offset', z.number(), { default: 0 })
    .define('title', z.string())
    .define('url', z.string())
    .define('debug', z.boolean(), { default: false })
    .define('ids', z.int(), { multiple: true })
    .define('tags', z.string(), { multiple: true });
}

function errorOf(fn: () => unknown): OptionsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error('expected an OptionsError');
}

const savedArgv = process.argv;
afterEach(() => {
  process.argv = savedArgv;
});

describe('parseCommandLine', () => {
  it('takes --name value as well as --name=value', () => {
    const options = parser();
    expect(options.parseCommandLine(['--port', '443', '--title=hello world'])).toEqual([]);
    expect([options.port, options.title]).toEqual([443, 'hello world']);
  });

  it('keeps everything after the first = as the value', () => {
    const options = parser();
    options.parseCommandLine(['--url=http://x/?a=b&c=d']);
    expect(options.url).toBe('http://x/?a=b&c=d');
  });

  it('takes a negative number as a separate value', () => {
    const options = parser();
    options.parseCommandLine(['--offset', '-5', '--port', '80']);
    expect(options.offset).toBe(-5);
    options.parseCommandLine(['--offset', '-.5']);
    expect(options.offset).toBe(-0.5);
  });

  it('takes a value starting with a dash only after =', () => {
    const options = parser();
    options.parseCommandLine(['--title=-x-']);
    expect(options.title).toBe('-x-');
    const error = errorOf(() => options.parseCommandLine(['--title', '-x-']));
    expect(error.message).toContain('--title=-x-');
    expect(error.option).toBe('--title');
  });

  it('treats a bare boolean flag as true and reads --flag=value words', () => {
    const options = parser();
    options.parseCommandLine(['--debug']);
    expect(options.debug).toBe(true);
    for (const [text, value] of [
      ['false', false],
      ['TRUE', true],
      ['0', false],
      ['1', true],
      ['no', false],
      ['on', true],
      ['f', false],
    ] as const) {
      options.parseCommandLine([`--debug=${text}`]);
      expect(options.debug, text).toBe(value);
    }
    expect(() => options.parseCommandLine(['--debug=maybe'])).toThrow(/Invalid value "maybe" for option '--debug'.*expected true or false/);
  });

  it('does not let a boolean flag swallow the next argument', () => {
    const options = parser();
    expect(options.parseCommandLine(['--debug', 'serve', '--port=1'])).toEqual(['serve', '--port=1']);
    expect(options.port).toBe(8888);
  });

  it('stops at -- and returns what follows, unparsed', () => {
    const options = parser();
    expect(options.parseCommandLine(['--port=1', '--', '--port=2', 'x'])).toEqual(['--port=2', 'x']);
    expect(options.port).toBe(1);
  });

  it('treats a lone - as the first positional argument', () => {
    expect(parser().parseCommandLine(['-', '--port=2'])).toEqual(['-', '--port=2']);
  });

  it('reads process.argv without the node binary and script by default', () => {
    process.argv = ['node', 'main.js', '--port=7', 'rest'];
    const options = parser();
    expect(options.parseCommandLine()).toEqual(['rest']);
    expect(options.port).toBe(7);
  });

  it('keeps the last value of a repeated option and joins a repeated multiple option', () => {
    const options = parser();
    options.parseCommandLine(['--port=1', '--port=2', '--ids=1,2', '--ids', '5:6', '--tags=a']);
    expect(options.port).toBe(2);
    expect(options.ids).toEqual([1, 2, 5, 6]);
    expect(options.tags).toEqual(['a']);
  });

  it('gives an empty list for an empty multiple value', () => {
    const options = parser();
    options.parseCommandLine(['--tags=']);
    expect(options.tags).toEqual([]);
  });

  describe('bad input', () => {
    it('rejects an unknown option, naming it', () => {
      const error = errorOf(() => parser().parseCommandLine(['--nope=1']));
      expect(error.message).toBe('Unrecognized command line option "--nope" (see --help)');
      expect(error.option).toBe('--nope');
    });

    it('rejects single-dash and triple-dash options', () => {
      expect(errorOf(() => parser().parseCommandLine(['-p', '80'])).option).toBe('-p');
      expect(errorOf(() => parser().parseCommandLine(['-port=80'])).option).toBe('-p');
      expect(errorOf(() => parser().parseCommandLine(['---port=80'])).option).toBe('---port');
    });

    it('rejects a missing value at the end and before another option', () => {
      expect(errorOf(() => parser().parseCommandLine(['--port'])).message).toMatch(/Option '--port' requires a value/);
      expect(errorOf(() => parser().parseCommandLine(['--port', '--debug'])).message).toMatch(/requires a value, but "--debug" follows/);
    });

    it('rejects a value of the wrong type, saying what was expected', () => {
      const options = parser();
      expect(errorOf(() => options.parseCommandLine(['--port=abc'])).message).toBe(
        `Invalid value "abc" for option '--port' (command line --port=abc): expected a number`.replace('--port=abc', '--port'),
      );
      expect(errorOf(() => options.parseCommandLine(['--port=1.5'])).message).toMatch(/expected int/);
      expect(errorOf(() => options.parseCommandLine(['--port=70000'])).message).toMatch(/Too big: expected number to be <=65535/);
      for (const text of ['', ' ', '0x10', 'Infinity', '1_000', '12abc']) {
        expect(() => options.parseCommandLine([`--offset=${text}`]), text).toThrow(OptionsError);
      }
    });

    it('rejects bad integer lists and ranges', () => {
      const options = parser();
      for (const text of ['1,,2', '3:1', '1:2:3', 'a:b', '1:', '1.5:3', '0:10000']) {
        expect(() => options.parseCommandLine([`--ids=${text}`]), text).toThrow(OptionsError);
      }
      options.parseCommandLine(['--ids=1:9999']);
      expect(options.ids).toHaveLength(9999);
      expect(() => options.parseCommandLine(['--ids=1:6000,1:6000'])).toThrow(/more than 10000 items/);
    });

    it('sets nothing when any argument is bad', () => {
      const options = parser();
      expect(() => options.parseCommandLine(['--port=1', '--title=x', '--offset=oops'])).toThrow(OptionsError);
      expect([options.port, options.title, options.offset]).toEqual([8888, undefined, 0]);
    });

    it('does not run parse callbacks when parsing fails', () => {
      const options = parser();
      let calls = 0;
      options.addParseCallback(() => calls++);
      expect(() => options.parseCommandLine(['--nope'])).toThrow(OptionsError);
      expect(calls).toBe(0);
    });

    it('cuts a huge value short in the error message', () => {
      const error = errorOf(() => parser().parseCommandLine([`--port=${'9'.repeat(100_000)}`]));
      expect(error.message.length).toBeLessThan(400);
    });

    it('treats object members and prototype names as unknown options', () => {
      for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'define']) {
        expect(() => parser().parseCommandLine([`--${name}=1`]), name).toThrow(/Unrecognized command line option/);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
