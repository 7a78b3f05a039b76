import { describe, expect, it } from 'vitest';
import { DictLoader, Template, TemplateRuntimeError, type Namespace, type TemplateLocation } from '@tornado-ts/template';

class Boom extends Error {
  constructor() {
    super('boom');
    this.name = 'Boom';
  }
}

const boom = (): never => {
  throw new Boom();
};

/** The error a render throws. */
function failure(render: () => unknown): TemplateRuntimeError {
  try {
    render();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateRuntimeError);
    return error as TemplateRuntimeError;
  }
  throw new Error('the render did not throw');
}

function where(error: TemplateRuntimeError): string[] {
  return error.locations.map((l: TemplateLocation) => `${l.filename}:${l.lineno}`);
}

function renderFailure(templates: Record<string, string>, name: string, namespace: Namespace = { boom }): TemplateRuntimeError {
  const loader = new DictLoader(templates);
  return failure(() => loader.load(name).generate(namespace));
}

describe('runtime errors: Tornado StackTraceTest cases', () => {
  it('names the line of a failing expression', () => {
    const error = renderFailure({ 'test.html': 'one\ntwo{{ boom() }}\nthree\n        ' }, 'test.html');
    expect(error.message).toBe('Boom: boom at test.html:2');
    expect(error).toMatchObject({ filename: 'test.html', lineno: 2, code: 'TORNADO_ERR_TEMPLATE_RUNTIME' });
    expect(error.cause).toBeInstanceOf(Boom);
    expect(error.realError).toBe(error.cause);
  });

  it('names the line of a failing directive', () => {
    const error = renderFailure({ 'test.html': 'one\ntwo{%if boom()%}\nthree{%end%}\n        ' }, 'test.html');
    expect(where(error)).toEqual(['test.html:2']);
  });

  it('names both templates when a module renders another one that fails', () => {
    const loader: DictLoader = new DictLoader(
      { 'base.html': "{% module Template('sub.html') %}", 'sub.html': '{{ boom() }}' },
      { namespace: { _tt_modules: { Template: (name: string) => loader.load(name).generate({ boom }) } } },
    );
    const error = failure(() => loader.load('base.html').generate());
    expect(where(error)).toEqual(['sub.html:1', 'base.html:1']);
    expect(error.message).toBe('Boom: boom at sub.html:1 (via base.html:1)');
    expect(error.cause).toBeInstanceOf(Boom);
  });

  it('names an included template and where it was included', () => {
    const error = renderFailure({ 'base.html': "{% include 'sub.html' %}", 'sub.html': '{{ boom() }}' }, 'base.html');
    expect(error.message).toContain('sub.html:1 (via base.html:1)');
  });

  it('names the base template when its own code fails', () => {
    const error = renderFailure({ 'base.html': '{{ boom() }}', 'sub.html': "{% extends 'base.html' %}" }, 'sub.html');
    expect(where(error)).toEqual(['base.html:1']);
  });

  it('names the child\'s line and the base\'s block for a failing block body', () => {
    const error = renderFailure(
      {
        'base.html': "{% block 'block' %}{% end %}",
        'sub.html': "\n{% extends 'base.html' %}\n{% block 'block' %}\n{{ boom() }}\n{% end %}\n            ",
      },
      'sub.html',
    );
    expect(error.message).toContain('sub.html:4 (via base.html:1)');
  });

  it('names every level of nested includes', () => {
    const error = renderFailure(
      { 'a.html': "{% include 'b.html' %}", 'b.html': "{% include 'c.html' %}", 'c.html': '{{ boom() }}' },
      'a.html',
    );
    expect(error.message).toContain('c.html:1 (via b.html:1, a.html:1)');
  });
});

describe('runtime errors: lines in control flow', () => {
  it('names the loop line for an iterable that is not one', () => {
    const error = failure(() => new Template('a\n{% for x in 5 %}\n{{ x }}{% end %}').generate());
    expect(where(error)).toEqual(['<string>:2']);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('names the body line in a later iteration, for arrays and other iterables', () => {
    const template = new Template('{% for x in xs %}\n{{ x }}\n{{ check(x) }}\n{% end %}');
    const check = (x: number) => (x === 3 ? boom() : x);
    expect(where(failure(() => template.generate({ xs: [1, 2, 3], check })))).toEqual(['<string>:3']);
    expect(where(failure(() => template.generate({ xs: new Set([1, 2, 3]), check })))).toEqual(['<string>:3']);
  });

  it('names the loop line when a destructuring target fails, in any iteration', () => {
    const template = new Template('{% for [a, b] in pairs %}\n{{ a }}{% end %}');
    expect(where(failure(() => template.generate({ pairs: [[1, 2], 5] })))).toEqual(['<string>:1']);
    expect(where(failure(() => template.generate({ pairs: new Set([[1, 2], 5]) })))).toEqual(['<string>:1']);
  });

  it('names the line of a failing elif, while or set', () => {
    expect(where(failure(() => new Template('{% if false %}\n{% elif boom() %}{% end %}').generate({ boom })))).toEqual(['<string>:2']);
    expect(where(failure(() => new Template('\n\n{% while boom() %}{% end %}').generate({ boom })))).toEqual(['<string>:3']);
    expect(where(failure(() => new Template('\n{% set x = boom() %}').generate({ boom })))).toEqual(['<string>:2']);
  });

  it('names the line of a while condition that fails after the body ran', () => {
    const template = new Template('{% set i = 0 %}{% while check(i) %}\n{% set i += 1 %}\n{{ i }}\n{% end %}');
    const check = (i: number) => (i === 2 ? boom() : true);
    expect(where(failure(() => template.generate({ check })))).toEqual(['<string>:1']);
  });

  it('names the original line of an error that no except clause matched', () => {
    const template = new Template('{% try %}\n{{ boom() }}\n{% except\nTypeError as e %}type{% end %}');
    expect(where(failure(() => template.generate({ boom })))).toEqual(['<string>:2']);
  });

  it('names the original line of an error passing through finally', () => {
    const template = new Template('{% try %}\n{{ boom() }}\n{% finally %}\n{{ "x" }}\n{% end %}');
    expect(where(failure(() => template.generate({ boom })))).toEqual(['<string>:2']);
  });

  it('names the line of an error raised inside an except body', () => {
    const template = new Template('{% try %}\n{{ boom() }}\n{% except %}\n\n{{ boom() }}{% end %}');
    expect(where(failure(() => template.generate({ boom })))).toEqual(['<string>:5']);
  });

  it('names the apply line when the apply function fails, and the body line inside it', () => {
    expect(where(failure(() => new Template('\n{% apply boom %}x{% end %}').generate({ boom })))).toEqual(['<string>:2']);
    const template = new Template('{% apply f %}\n{{ boom() }}{% end %}');
    expect(where(failure(() => template.generate({ boom, f: String })))).toEqual(['<string>:2']);
  });

  it('reports a missing variable as a ReferenceError on its line', () => {
    const error = failure(() => new Template('\n{{ nope }}').generate());
    expect(error.cause).toBeInstanceOf(ReferenceError);
    expect(error.message).toBe('ReferenceError: nope is not defined at <string>:2');
  });

  it('wraps values thrown that are not errors', () => {
    const error = failure(() =>
      new Template('{{ f() }}').generate({
        f: () => {
          throw 'plain';
        },
      }),
    );
    expect(error.cause).toBe('plain');
    expect(error.message).toBe('thrown string: plain at <string>:1');
  });

  it('gives except clauses the original error, not a wrapped one', () => {
    expect(new Template('{% try %}{{ boom() }}{% except e %}{{ e.name }}{% end %}').generate({ boom })).toBe('Boom');
  });

  it('keeps the line of a render that a nested render of the same template interrupted', () => {
    const template = new Template('{% if depth < 1 %}\ninner {{ depth }}\n{% else %}{% module Again(depth) %}{{ boom() }}{% end %}');
    const namespace = (depth: number): Namespace => ({
      depth,
      boom,
      _tt_modules: { Again: (d: number) => template.generate(namespace(d - 1)) },
    });
    expect(where(failure(() => template.generate(namespace(1))))).toEqual(['<string>:3']);
    expect(where(failure(() => template.generate(namespace(2))))).toEqual(['<string>:3', '<string>:3']);
  });

  it('keeps rendering correct after a failed render', () => {
    const template = new Template('{{ f() }}');
    expect(() => template.generate({ f: boom })).toThrow(TemplateRuntimeError);
    expect(template.generate({ f: () => 'ok' })).toBe('ok');
  });
});
