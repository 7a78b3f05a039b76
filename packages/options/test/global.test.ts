import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  addParseCallback,
  define,
  helpText,
  options,
  override,
  parseCommandLine,
  parseConfigFile,
  parseEnvironment,
  runParseCallbacks,
} from '@tornado-ts/options';
import { resolve } from 'node:path';

declare module '@tornado-ts/options' {
  interface GlobalOptionTypes {
    globalTestPort: number;
  }
}

describe('the global options', () => {
  it('works through the module-level functions', async () => {
    const typed = define('global-test-port', z.int(), { default: 1 }).define('global-test-name', z.string(), { group: 'global test' });
    expect(typed).toBe(options);
    let calls = 0;
    addParseCallback(() => calls++);
    expect(parseCommandLine(['--global-test-port=2', 'rest'])).toEqual(['rest']);
    expect(options.globalTestPort).toBe(2);
    expect(typed.globalTestName).toBeUndefined();
    parseEnvironment({ prefix: 'G_', env: { G_GLOBAL_TEST_NAME: 'env' } });
    expect(options.get('globalTestName')).toBe('env');
    await parseConfigFile(resolve(__dirname, 'fixtures/options-test.json'), { allowUnknown: true });
    runParseCallbacks();
    expect(calls).toBe(4);
    const restore = override('globalTestPort', 3);
    expect(options.globalTestPort).toBe(3);
    restore();
    expect(options.globalTestPort).toBe(2);
    expect(helpText()).toContain('global test options:');
  });
});
