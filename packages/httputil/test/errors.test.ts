import * as httputil from '@tornado-ts/httputil';
import { HTTPInputError, HTTPOutputError } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

type ErrorClass = new (message: string) => Error & { code: string };
const errorClasses = Object.entries(httputil).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
) as [string, ErrorClass][];

describe('errors', () => {
  it('exports every error class the package throws', () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual(['HTTPInputError', 'HTTPOutputError']);
  });

  it('HTTPInputError answers 400 by default and carries a chosen status and cause', () => {
    expect(new HTTPInputError('bad').status).toBe(400);
    const cause = new Error('inner');
    const tooLarge = new HTTPInputError('too large', { status: 413, cause });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.cause).toBe(cause);
    expect(new HTTPInputError('x').cause).toBeUndefined();
    expect(new HTTPInputError('headers', { status: 431 }).status).toBe(431);
    expect(new HTTPOutputError('x').code).toBe('TORNADO_ERR_HTTP_OUTPUT');
  });

  it('HTTPInputError instanceof holds across duplicate copies of the package, and only for it', async () => {
    // A second evaluation of the module stands for a second install of the package.
    const duplicate = '../src/errors.ts?duplicate-install';
    const copy = (await import(/* @vite-ignore */ duplicate)) as typeof import('../src/errors');
    expect(copy.HTTPInputError).not.toBe(HTTPInputError);
    expect(new copy.HTTPInputError('x')).toBeInstanceOf(HTTPInputError);
    expect(new HTTPInputError('x')).toBeInstanceOf(copy.HTTPInputError);
    expect(new Error('x')).not.toBeInstanceOf(HTTPInputError);
    expect(new HTTPOutputError('x')).not.toBeInstanceOf(HTTPInputError);
    expect({ code: 'TORNADO_ERR_HTTP_INPUT' }).not.toBeInstanceOf(HTTPInputError);
    expect(null).not.toBeInstanceOf(HTTPInputError);
  });
});
