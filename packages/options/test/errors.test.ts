import { describe, expect, it } from 'vitest';
import * as optionsModule from '@tornado-ts/options';
import { OptionsError } from '@tornado-ts/options';

describe('errors', () => {
  it('exports one error class, named after itself, with its own code', () => {
    const exported = Object.values(optionsModule as Record<string, unknown>).filter(
      (value) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error,
    );
    expect(exported).toEqual([OptionsError]);
    const error = new OptionsError('boom');
    expect(error.name).toBe('OptionsError');
    expect(error.code).toBe('TORNADO_ERR_OPTIONS');
    expect(error.message).toBe('boom');
    expect(error.option).toBeUndefined();
  });

  it('keeps the option and the cause', () => {
    const cause = new Error('inner');
    const error = new OptionsError('x', { option: '--port', cause });
    expect(error.option).toBe('--port');
    expect(error.cause).toBe(cause);
  });

  it('recognises an error from another copy of the package by its Symbol.for brand', () => {
    const foreign = Object.defineProperty(new Error('other copy'), Symbol.for('tornado-ts.OptionsError'), { value: true });
    expect(foreign instanceof OptionsError).toBe(true);
    expect(new Error('plain') instanceof OptionsError).toBe(false);
  });
});
