import { describe, expect, it } from 'vitest';
import * as escape from '@tornado-ts/escape';
import { ArgumentTypeError, UnicodeDecodeError, UnicodeEncodeError } from '@tornado-ts/escape';

const ERROR_CLASSES = [ArgumentTypeError, UnicodeDecodeError, UnicodeEncodeError];

describe('errors', () => {
  it('exports every error class, each with its own name and a unique TORNADO_ERR_ code', () => {
    const exported = Object.values(escape as Record<string, unknown>).filter(
      (value): value is new (message: string) => Error =>
        typeof value === 'function' && value.prototype instanceof Error,
    );
    expect(exported.map((cls) => cls.name).sort()).toEqual(ERROR_CLASSES.map((cls) => cls.name).sort());
    const codes = ERROR_CLASSES.map((ErrorClass) => {
      const error = new ErrorClass('boom');
      expect(error.name).toBe(ErrorClass.name);
      expect(error.message).toBe('boom');
      expect(error).toBeInstanceOf(Error);
      return error.code;
    });
    expect(codes).toEqual(['TORNADO_ERR_ARGUMENT_TYPE', 'TORNADO_ERR_UNICODE_DECODE', 'TORNADO_ERR_UNICODE_ENCODE']);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('makes ArgumentTypeError a TypeError, as Tornado raises TypeError', () => {
    expect(new ArgumentTypeError('x')).toBeInstanceOf(TypeError);
  });

  it('keeps the cause', () => {
    const cause = new URIError('malformed');
    expect(new UnicodeEncodeError('x', { cause }).cause).toBe(cause);
  });

  it('recognises errors from another copy of the package by their Symbol.for brand', () => {
    for (const ErrorClass of ERROR_CLASSES) {
      const brand = Symbol.for(`tornado-ts.${ErrorClass.name}`);
      const foreign = Object.defineProperty(new Error('other copy'), brand, { value: true });
      expect(foreign instanceof ErrorClass).toBe(true);
      expect(new Error('plain') instanceof ErrorClass).toBe(false);
    }
    expect(new UnicodeDecodeError() instanceof UnicodeEncodeError).toBe(false);
  });

  it('gives the decode and encode errors a default message', () => {
    expect(new UnicodeDecodeError().message).toBe('Invalid UTF-8 data');
    expect(new UnicodeEncodeError().message).toBe('String contains a lone surrogate');
  });
});
