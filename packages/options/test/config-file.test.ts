import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionParser, OptionsError } from '@tornado-ts/options';

const fixture = (name: string) => resolve(__dirname, 'fixtures', name);

function parser() {
  return new OptionParser()
    .define('port', z.int().min(1).max(65535), { default: 80 })
    .define('username', z.string(), { default: 'foo' })
    .define('foo_bar', z.string())
    .define('list_of_int', z.int(), { multiple: true });
}

async function errorOf(promise: Promise<unknown>): Promise<OptionsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error('expected an OptionsError');
}

describe('parseConfigFile', () => {
  it('takes a relative path from the working directory', async () => {
    const options = parser();
    await options.parseConfigFile(resolve(__dirname, 'fixtures/options-test.json').replace(`${process.cwd()}/`, ''));
    expect(options.port).toBe(443);
  });

  it('runs the parse callbacks unless final is false', async () => {
    const options = parser();
    let calls = 0;
    options.addParseCallback(() => calls++);
    await options.parseConfigFile(fixture('options-test.json'), { final: false });
    expect(calls).toBe(0);
    await options.parseConfigFile(fixture('options-test.json'));
    expect(calls).toBe(1);
  });

  it('rejects a key that names no option, unless allowUnknown', async () => {
    const error = await errorOf(parser().parseConfigFile(fixture('typo.json')));
    expect(error.message).toBe(`Unrecognized option "prot" in config file ${fixture('typo.json')}`);
    expect(error.option).toBe('prot');
    const options = parser();
    await options.parseConfigFile(fixture('typo.json'), { allowUnknown: true });
    expect(options.port).toBe(443);
  });

  describe('bad files', () => {
    it.each(['missing.json', 'missing.mjs', 'missing.cjs'])('reports a missing file (%s)', async (name) => {
      const error = await errorOf(parser().parseConfigFile(fixture(name)));
      expect(error.message).toMatch(/^Cannot read config file .*missing/);
      expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    });

    it('reports a directory', async () => {
      await expect(parser().parseConfigFile(fixture('directory.mjs'))).rejects.toThrow(/Cannot read config file .*directory\.mjs: not a file/);
      await expect(parser().parseConfigFile(__dirname + '/fixtures/')).rejects.toThrow(/unsupported type/);
    });

    it('refuses other file types, such as a Python config', async () => {
      await expect(parser().parseConfigFile(fixture('python-style.cfg'))).rejects.toThrow(/unsupported type: use \.json, \.js, \.mjs or \.cjs/);
      await expect(parser().parseConfigFile('')).rejects.toThrow(/non-empty string/);
      await expect(parser().parseConfigFile(42 as unknown as string)).rejects.toThrow(OptionsError);
    });

    it('reports malformed JSON and JSON that is not an object', async () => {
      await expect(parser().parseConfigFile(fixture('truncated.json'))).rejects.toThrow(/is not valid JSON/);
      await expect(parser().parseConfigFile(fixture('array.json'))).rejects.toThrow(/must hold a JSON object/);
    });

    it.each([
      ['throws.mjs', 'config exploded'],
      ['throws.cjs', 'cjs config exploded'],
    ])('wraps the error of a module that throws (%s)', async (name, message) => {
      const error = await errorOf(parser().parseConfigFile(fixture(name)));
      expect(error.message).toContain(`Config file ${fixture(name)} failed to load: ${message}`);
      expect((error.cause as Error).message).toBe(message);
    });

    it('wraps a syntax error in a module', async () => {
      const error = await errorOf(parser().parseConfigFile(fixture('syntax-error.mjs')));
      expect(error.message).toMatch(/failed to load/);
      // Node gives a SyntaxError; under vitest the module loader reports its own error object.
      expect(error.cause).toBeDefined();
    });

    it('rejects __proto__ as an unknown option and pollutes nothing', async () => {
      await expect(parser().parseConfigFile(fixture('proto.json'))).rejects.toThrow(/Unrecognized option "__proto__"/);
      const options = parser();
      await options.parseConfigFile(fixture('proto.json'), { allowUnknown: true });
      expect(options.port).toBe(1);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('reports an invalid value, naming the option, the value and the file', async () => {
      const error = await errorOf(parser().parseConfigFile(fixture('bad-value.json')));
      expect(error.message).toBe(`Invalid value "not a port" for option '--port' (config file ${fixture('bad-value.json')}): expected a number`);
      expect(error.option).toBe('--port');
      await expect(parser().parseConfigFile(fixture('out-of-range.json'))).rejects.toThrow(/99999.*Too big/);
      await expect(parser().parseConfigFile(fixture('not-a-list.json'))).rejects.toThrow(/expected an array of values/);
    });

    it('sets nothing from a file with one bad value', async () => {
      const options = parser();
      await expect(options.parseConfigFile(fixture('typo.json'))).rejects.toThrow(OptionsError);
      expect(options.port).toBe(80);
    });
  });
});
