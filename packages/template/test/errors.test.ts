import { describe, expect, it } from 'vitest';
import * as template from '@tornado-ts/template';
import {
  ParseError,
  TemplateNotFoundError,
  TemplateOptionError,
  TemplatePathError,
  TemplateRuntimeError,
} from '@tornado-ts/template';

const EXAMPLES: Array<[Function, Error, string]> = [
  [ParseError, new ParseError('bad', { filename: 'a.html', lineno: 3 }), 'TORNADO_ERR_TEMPLATE_PARSE'],
  [TemplateRuntimeError, new TemplateRuntimeError(new Error('x'), [{ filename: 'a.html', lineno: 1 }]), 'TORNADO_ERR_TEMPLATE_RUNTIME'],
  [TemplateNotFoundError, new TemplateNotFoundError('a.html'), 'TORNADO_ERR_TEMPLATE_NOT_FOUND'],
  [TemplatePathError, new TemplatePathError('../a.html', 'it leaves the root'), 'TORNADO_ERR_TEMPLATE_PATH'],
  [TemplateOptionError, new TemplateOptionError('bad option'), 'TORNADO_ERR_TEMPLATE_OPTION'],
];

describe('errors', () => {
  it('exports every error class, each with its own name and a unique TORNADO_ERR_ code', () => {
    const exported = Object.values(template as Record<string, unknown>).filter(
      (value): value is Function => typeof value === 'function' && value.prototype instanceof Error,
    );
    expect(exported.map((cls) => cls.name).sort()).toEqual(EXAMPLES.map(([cls]) => cls.name).sort());
    for (const [ErrorClass, error, code] of EXAMPLES) {
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(ErrorClass.name);
      expect((error as Error & { code: string }).code).toBe(code);
    }
    expect(new Set(EXAMPLES.map(([, , code]) => code)).size).toBe(EXAMPLES.length);
  });

  it('formats ParseError like Tornado, with the location at the end', () => {
    const cause = new SyntaxError('x');
    const error = new ParseError('bad', { filename: 'a.html', lineno: 3, cause });
    expect(error.message).toBe('bad at a.html:3');
    expect(error).toMatchObject({ filename: 'a.html', lineno: 3, cause });
  });

  it('keeps the original error of a TemplateRuntimeError and where it happened', () => {
    const cause = new RangeError('too far');
    const locations = [
      { filename: 'c.html', lineno: 1 },
      { filename: 'b.html', lineno: 2 },
      { filename: 'a.html', lineno: 3 },
    ];
    const error = new TemplateRuntimeError(cause, locations);
    expect(error.message).toBe('RangeError: too far at c.html:1 (via b.html:2, a.html:3)');
    expect(error).toMatchObject({ filename: 'c.html', lineno: 1, cause, realError: cause });
    expect(error.locations).toEqual(locations);
    expect(Object.isFrozen(error.locations)).toBe(true);
  });

  it('makes TemplateOptionError a TypeError', () => {
    expect(new TemplateOptionError('x')).toBeInstanceOf(TypeError);
  });

  it('names the template in TemplateNotFoundError and TemplatePathError', () => {
    expect(new TemplateNotFoundError('a.html')).toMatchObject({ templateName: 'a.html', message: 'Template not found: a.html' });
    expect(new TemplatePathError('../x', 'no')).toMatchObject({ templateName: '../x', message: 'Invalid template name "../x": no' });
  });
});
