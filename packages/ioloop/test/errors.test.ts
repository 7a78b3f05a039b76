import { describe, expect, it, vi } from 'vitest';
import * as ioloop from '@tornado-ts/ioloop';
import * as executor from '@tornado-ts/ioloop/executor';

/** How to build each exported error; a new error class must be added here (the test checks). */
const factories: Record<string, () => Error & { code: string }> = {
  TimeoutError: () => new ioloop.TimeoutError(),
  LoopRunningError: () => new ioloop.LoopRunningError(),
  LoopClosedError: () => new ioloop.LoopClosedError(),
  LoopStoppedError: () => new ioloop.LoopStoppedError(),
  ExecutorClosedError: () => new ioloop.ExecutorClosedError(),
  MissingPeerDependencyError: () => new ioloop.MissingPeerDependencyError('piscina', '^5', 'ThreadPoolExecutor'),
};

function exportedErrorClasses(mod: Record<string, unknown>): [string, Function][] {
  return Object.entries(mod).filter(
    (entry): entry is [string, Function] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
  );
}

describe('errors', () => {
  it('every exported error has a name equal to its class and a unique TORNADO_ERR_ code', () => {
    const classes = exportedErrorClasses(ioloop);
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(factories).sort());
    const codes = new Set<string>();
    for (const [exportName, cls] of classes) {
      const error = factories[exportName]();
      expect(error).toBeInstanceOf(cls);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(exportName);
      expect(cls.name).toBe(exportName);
      expect(error.code).toMatch(/^TORNADO_ERR_[A-Z_]+$/);
      expect(codes.has(error.code)).toBe(false);
      codes.add(error.code);
      expect(error.message.length).toBeGreaterThan(0);
      expect(String(error)).toBe(`${exportName}: ${error.message}`);
    }
  });

  it('the executor entry re-exports the same classes, not copies', () => {
    for (const [name, cls] of exportedErrorClasses(executor)) {
      expect(cls).toBe((ioloop as Record<string, unknown>)[name]);
    }
    expect(executor.ExecutorClosedError).toBe(ioloop.ExecutorClosedError);
  });

  it('keeps the underlying error as cause', () => {
    const cause = new Error('root');
    expect(new ioloop.TimeoutError('slow', { cause }).cause).toBe(cause);
    expect(new ioloop.LoopClosedError(undefined, { cause }).cause).toBe(cause);
    expect(new ioloop.MissingPeerDependencyError('piscina', '^5', 'X', { cause }).cause).toBe(cause);
  });

  it('MissingPeerDependencyError says what to install', () => {
    const error = new ioloop.MissingPeerDependencyError('piscina', '^5', 'ThreadPoolExecutor');
    expect(error.packageName).toBe('piscina');
    expect(error.message).toBe('ThreadPoolExecutor needs the optional peer dependency piscina: install it with `npm install piscina@^5`');
  });

  it('TimeoutError keeps instanceof across two copies of the package', async () => {
    const original = await import('../src/errors');
    vi.resetModules();
    const copy = await import('../src/errors');
    expect(copy.TimeoutError).not.toBe(original.TimeoutError);
    expect(new copy.TimeoutError()).toBeInstanceOf(original.TimeoutError);
    expect(new original.TimeoutError()).toBeInstanceOf(copy.TimeoutError);
    expect(new copy.TimeoutError()).toBeInstanceOf(ioloop.TimeoutError);
    // The brand is what counts, not the name or the shape.
    expect(Object.assign(new Error('x'), { name: 'TimeoutError', code: 'TORNADO_ERR_TIMEOUT' })).not.toBeInstanceOf(ioloop.TimeoutError);
    expect(null).not.toBeInstanceOf(ioloop.TimeoutError);
    expect(new ioloop.LoopClosedError()).not.toBeInstanceOf(ioloop.TimeoutError);
  });
});
