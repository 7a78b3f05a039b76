import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionParser } from '@tornado-ts/options';

const jsonConfig = resolve(__dirname, 'fixtures', 'options-test.json'); // port 443

function parser(callback?: (value: number) => void) {
  return new OptionParser().define('port', z.int(), { default: 80, callback });
}

describe('precedence: default < config file < environment < command line < code', () => {
  it('lets the command line win over a config file read after it', async () => {
    const options = parser();
    options.parseCommandLine(['--port=1']);
    await options.parseConfigFile(jsonConfig, { allowUnknown: true });
    expect(options.port).toBe(1);
    expect(options.sourceOf('port')).toBe('commandLine');
  });

  it('lets the environment win over a config file, in either order', async () => {
    for (const envFirst of [true, false]) {
      const options = parser();
      if (envFirst) options.parseEnvironment({ env: { PORT: '2' } });
      await options.parseConfigFile(jsonConfig, { allowUnknown: true });
      if (!envFirst) options.parseEnvironment({ env: { PORT: '2' } });
      expect(options.port).toBe(2);
    }
  });

  it('lets the command line win over the environment', () => {
    const options = parser();
    options.parseCommandLine(['--port=3']);
    options.parseEnvironment({ env: { PORT: '2' } });
    expect(options.port).toBe(3);
  });

  it('lets a value set in code win over every parsed source', () => {
    const options = parser();
    options.port = 4;
    options.parseCommandLine(['--port=3']);
    expect(options.port).toBe(4);
    expect(options.sourceOf('port')).toBe('code');
  });

  it('starts from the default', () => {
    const options = parser();
    expect(options.port).toBe(80);
    expect(options.sourceOf('port')).toBe('default');
  });

  it('runs the option callback only when the new value is the one in effect', async () => {
    const seen: number[] = [];
    const options = parser((value) => seen.push(value));
    options.parseCommandLine(['--port=1']);
    await options.parseConfigFile(jsonConfig, { allowUnknown: true });
    options.parseCommandLine(['--port=5']);
    expect(seen).toEqual([1, 5]);
  });

  it('runs the option callback with the restored value when an override ends', () => {
    const seen: number[] = [];
    const options = parser((value) => seen.push(value));
    const restore = options.override('port', 9);
    restore();
    restore(); // a second call does nothing
    expect(seen).toEqual([9, 80]);
  });

  it('checks override values against the schema', () => {
    const options = parser();
    expect(() => options.override('port', 'x')).toThrow(/Invalid value "x" for option '--port' \(override\)/);
    expect(() => options.override('nope', 1)).toThrow(/Unrecognized option "nope"/);
    expect(options.port).toBe(80);
  });
});
