import { describe, expect, it } from 'vitest';
import * as locks from '@tornado-ts/locks';

type CodedErrorClass = new () => Error & { code: string };
const isErrorClass = (value: unknown): value is CodedErrorClass =>
  typeof value === 'function' && value.prototype instanceof Error;
const errorClasses = Object.entries(locks as Record<string, unknown>).flatMap(
  ([name, value]) => (isErrorClass(value) ? [[name, value] as const] : []),
);

describe('errors', () => {
  it('exports the error classes', () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual(['ReleaseUnlockedError', 'SemaphoreOverReleaseError']);
  });

  it.each(errorClasses)('%s has its class name, a message and a TORNADO_ERR_ code', (name, ErrorClass) => {
    const error = new ErrorClass();
    expect(error.name).toBe(name);
    expect(error.message).not.toBe('');
    expect(error.code).toMatch(/^TORNADO_ERR_[A-Z_]+$/);
    expect(String(error)).toBe(`${name}: ${error.message}`);
  });

  it('are thrown where the README says', async () => {
    expect(() => new locks.BoundedSemaphore().release()).toThrow(locks.SemaphoreOverReleaseError);
    expect(() => new locks.Lock().release()).toThrow(expect.objectContaining({ code: 'TORNADO_ERR_RELEASE_UNLOCKED' }));
  });
});
