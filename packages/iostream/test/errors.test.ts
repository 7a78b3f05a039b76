import * as iostream from '@tornado-ts/iostream';
import { StreamClosedError, UnsatisfiableReadError } from '@tornado-ts/iostream';
import { describe, expect, it } from 'vitest';

type ErrorClass = new (message: string) => Error & { code: string };
const errorClasses = Object.entries(iostream).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
) as [string, ErrorClass][];

describe('errors', () => {
  it('exports every error class the package throws', () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual([
      'AlreadyReadingError',
      'SSLHandshakeError',
      'StreamBufferFullError',
      'StreamClosedError',
      'StreamNotIdleError',
      'UnsatisfiableReadError',
    ]);
  });

  it('StreamClosedError carries the real error as realError and cause', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const error = new StreamClosedError(reset);
    expect(error.realError).toBe(reset);
    expect(error.cause).toBe(reset);
    expect(error.message).toBe('Stream is closed: read ECONNRESET');
    const clean = new StreamClosedError();
    expect(clean.realError).toBeNull();
    expect(clean.cause).toBeUndefined();
    expect(clean.message).toBe('Stream is closed');
  });

  it('StreamClosedError instanceof holds across duplicate copies of the package, and only for it', async () => {
    // A second evaluation of the module stands for a second install of the package.
    const duplicate = '../src/errors.ts?duplicate-install';
    const copy = (await import(/* @vite-ignore */ duplicate)) as typeof import('../src/errors');
    expect(copy.StreamClosedError).not.toBe(StreamClosedError);
    const foreign = new copy.StreamClosedError(null);
    expect(foreign).toBeInstanceOf(StreamClosedError);
    expect(new StreamClosedError()).toBeInstanceOf(copy.StreamClosedError);
    expect(new Error('x')).not.toBeInstanceOf(StreamClosedError);
    expect(new UnsatisfiableReadError('x')).not.toBeInstanceOf(StreamClosedError);
    expect({ code: 'TORNADO_ERR_STREAM_CLOSED' }).not.toBeInstanceOf(StreamClosedError);
    expect(null).not.toBeInstanceOf(StreamClosedError);
  });
});
