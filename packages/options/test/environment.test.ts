import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionParser, OptionsError } from '@tornado-ts/options';

function parser() {
  return new OptionParser()
    .define('maxSize', z.int(), { default: 10 })
    .define('host-name', z.string(), { default: 'localhost' })
    .define('ids', z.int(), { multiple: true });
}

afterEach(() => {
  delete process.env.TORNADO_TS_OPTIONS_TEST_MAX_SIZE;
});

describe('parseEnvironment', () => {
  it('maps PREFIX_UPPER_SNAKE variables to options', () => {
    const options = parser();
    options.parseEnvironment({ prefix: 'APP_', env: { APP_MAX_SIZE: '64', APP_HOST_NAME: 'example.com', APP_IDS: '1:3', MAX_SIZE: '1' } });
    expect([options.maxSize, options.hostName, options.ids]).toEqual([64, 'example.com', [1, 2, 3]]);
    expect(options.sourceOf('max_size')).toBe('environment');
  });

  it('reads without a prefix, and from process.env by default', () => {
    const options = parser();
    options.parseEnvironment({ env: { MAX_SIZE: '5' } });
    expect(options.maxSize).toBe(5);
    process.env.TORNADO_TS_OPTIONS_TEST_MAX_SIZE = '6';
    options.parseEnvironment({ prefix: 'TORNADO_TS_OPTIONS_TEST_' });
    expect(options.maxSize).toBe(6);
  });

  it('ignores variables that name no option, and never reads help', () => {
    const options = parser();
    options.parseEnvironment({ prefix: 'APP_', env: { APP_HELP: '1', APP_UNKNOWN: 'x', APP_: 'y' } });
    expect(options.help).toBe(false);
    expect(options.maxSize).toBe(10);
  });

  it('names the variable in the error for an invalid value, and sets nothing', () => {
    const options = parser();
    let error: unknown;
    try {
      options.parseEnvironment({ prefix: 'APP_', env: { APP_HOST_NAME: 'x', APP_MAX_SIZE: 'big' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as Error).message).toBe(`Invalid value "big" for option '--max-size' (environment variable APP_MAX_SIZE): expected a number`);
    expect(options.hostName).toBe('localhost');
  });

  it('runs parse callbacks unless final is false', () => {
    const options = parser();
    let calls = 0;
    options.addParseCallback(() => calls++);
    options.parseEnvironment({ env: {}, final: false });
    expect(calls).toBe(0);
    options.parseEnvironment({ env: {} });
    expect(calls).toBe(1);
  });
});
