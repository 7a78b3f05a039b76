import { describe, expect, it } from 'vitest';
import { DictLoader, ParseError, Template } from '@tornado-ts/template';

/** The ParseError building `source` throws. */
function parseError(source: string, name = 'test.html'): ParseError {
  try {
    new Template(source, { name });
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error(`no ParseError for ${JSON.stringify(source)}`);
}

describe('ParseError: Tornado ParseErrorDetailTest cases', () => {
  it('names the file and line', () => {
    const loader = new DictLoader({ 'foo.html': '\n\n{{' });
    expect(() => loader.load('foo.html')).toThrow(ParseError);
    try {
      loader.load('foo.html');
    } catch (error) {
      expect((error as ParseError).message).toBe('Missing end expression }} at foo.html:3');
      expect(error).toMatchObject({ filename: 'foo.html', lineno: 3, code: 'TORNADO_ERR_TEMPLATE_PARSE' });
    }
  });

  it('can be made without a location', () => {
    const error = new ParseError('asdf');
    expect(error.message).toBe('asdf');
    expect(error).toMatchObject({ filename: null, lineno: 0 });
  });
});

describe('ParseError: template syntax', () => {
  it.each([
    ['a {{ b', 'Missing end expression }}', 1],
    ['\n{% if', 'Missing end block %}', 2],
    ['{# no end', 'Missing end comment #}', 1],
    ['x\n{{   }}', 'Empty expression', 2],
    ['{%  %}', 'Empty block tag ({% %})', 1],
    ['\n\n{% frobnicate x %}', 'unknown operator: "frobnicate"', 3],
    ['{% toString %}{% constructor %}', 'unknown operator: "toString"', 1],
    ['{% import os %}', '{% import %} is not supported', 1],
    ['{% from a import b %}', '{% from %} is not supported', 1],
    ['a\n{% if x %}\nb', 'Missing {% end %} block for if', 2],
    ['{% for x in y %}{% if x %}{% end %}', 'Missing {% end %} block for for', 1],
    ['{% block a %}', 'Missing {% end %} block for block', 1],
    ['{% apply f %}', 'Missing {% end %} block for apply', 1],
    ['x\n{% end %}', 'Extra {% end %} block', 2],
    ['{% if x %}{% end %}{% end %}', 'Extra {% end %} block', 1],
    ['{% else %}', 'else outside if/for/while/try block', 1],
    ['{% for x in y %}{% elif z %}{% end %}', 'elif block cannot be attached to for block', 1],
    ['{% if x %}{% except %}{% end %}', 'except block cannot be attached to if block', 1],
    ['{% block b %}{% else %}{% end %}', 'else block cannot be attached to block block', 1],
    ['{% if a %}{% else %}{% elif b %}{% end %}', 'elif after else', 1],
    ['{% if a %}{% else %}{% else %}{% end %}', 'else after else', 1],
    ['{% if a %}{% else b %}{% end %}', 'else takes no condition', 1],
    ['{% for x in y %}{% else %}{% else %}{% end %}', 'else after else', 1],
    ['{% while x %}{% else x %}{% end %}', 'else takes no argument', 1],
  ])('%j fails with %j at line %i', (source, message, line) => {
    const error = parseError(source);
    expect(error.message).toContain(message);
    expect(error.lineno).toBe(line);
  });

  it.each([
    ['{% try %}{% end %}', 'try needs an except or a finally'],
    ['{% try x %}{% finally %}{% end %}', 'try takes no argument'],
    ['{% try %}{% else %}{% finally %}{% end %}', 'else in a try block needs an except before it'],
    ['{% try %}{% finally %}{% except %}{% end %}', 'except after finally'],
    ['{% try %}{% except %}{% except e %}{% end %}', 'a catch-all except must be the last one'],
    ['{% try %}{% except %}{% else %}{% except %}{% end %}', 'except after else'],
    ['{% try %}{% except %}{% finally x %}{% end %}', 'finally takes no argument'],
    ['{% try %}{% except TypeError as 1 %}{% end %}', 'except needs "Class as name"'],
    ['{% include %}', 'include missing file path'],
    ['{% include "" %}', 'include missing file path'],
    ['{% extends %}', 'extends missing file path'],
    ['{% set %}', 'set missing statement'],
    ['{% apply %}{% end %}', 'apply missing method name'],
    ['{% block %}{% end %}', 'block missing name'],
    ['{% raw %}', 'raw missing expression'],
    ['{% module %}', 'module missing expression'],
    ['{% if %}{% end %}', 'if missing condition'],
    ['{% if a %}{% elif %}{% end %}', 'elif missing condition'],
    ['{% while %}{% end %}', 'while missing condition'],
    ['{% for x %}{% end %}', 'for needs "target in iterable"'],
    ['{% for in xs %}{% end %}', 'for needs "target in iterable"'],
    ['{% autoescape %}', 'autoescape missing function'],
    ['{% whitespace tight %}', 'invalid whitespace mode "tight"'],
  ])('%j fails with %j', (source, message) => {
    expect(parseError(source).message).toContain(message);
  });

  it('refuses break and continue outside loops, and inside apply', () => {
    expect(parseError('{% if x %}{% break %}{% end %}').message).toContain('break outside for/while block');
    expect(parseError('{% continue %}').message).toContain('continue outside for/while block');
    expect(parseError('{% while x %}{% apply f %}{% continue %}{% end %}{% end %}').message).toContain('continue outside');
  });

  it('accepts break in try, if and block bodies inside a loop', () => {
    expect(new Template('{% for x in [1, 2] %}{% try %}{% if x == 2 %}{% break %}{% end %}{% finally %}{% end %}{{ x }}{% end %}').generate()).toBe(
      '1',
    );
    expect(new Template('{% for x in [1, 2] %}{% block b %}{% continue %}{% end %}{{ x }}{% end %}').generate()).toBe('');
  });

  it('refuses a block whose break lands outside any loop of the base', () => {
    const loader = new DictLoader({
      'base.html': '{% block b %}{% end %}',
      'child.html': '{% extends "base.html" %}\n{% for x in [] %}{% block b %}\n{% break %}{% end %}{% end %}',
    });
    expect(() => loader.load('child.html')).toThrow(/break outside a loop.* at child\.html:3/);
  });
});

describe('ParseError: extends placement', () => {
  it('accepts blank text, comments and settings before extends', () => {
    const loader = new DictLoader({
      'base.html': '{% block a %}{{ "<" }}{% end %}',
      'child.html': '\n  {# note #}{% comment c %}{% whitespace all %}{% autoescape null %}\n{% extends "base.html" %}',
    });
    expect(loader.load('child.html').generate()).toBe('&lt;');
  });

  it.each([
    ['text{% extends "b.html" %}'],
    ['{{ x }}{% extends "b.html" %}'],
    ['{% set x = 1 %}{% extends "b.html" %}'],
    ['{% block a %}{% end %}{% extends "b.html" %}'],
    ['{{! }}{% extends "b.html" %}'],
  ])('refuses %j: extends must come first', (source) => {
    expect(parseError(source).message).toContain('{% extends %} must come before any other content');
  });

  it('refuses extends nested in a block and a second extends', () => {
    expect(parseError('{% if x %}{% extends "b.html" %}{% end %}').message).toContain('must be at the top level');
    expect(parseError('{% extends "a.html" %}\n{% extends "b.html" %}').message).toBe(
      'a template can extend only one template (already extends a.html) at test.html:2',
    );
  });
});

describe('ParseError: JavaScript syntax', () => {
  it.each([
    ['a\n{{ 1 + }}', 2],
    ['\n\n{% if x = = 1 %}{% end %}', 3],
    ['{% for x in [1, %}{% end %}', 1],
    ['\n{% for 1 in xs %}{% end %}', 2],
    ['\n{% set x = ) %}', 2],
    ['\n{% while ( %}{% end %}', 2],
    ['{% try %}{% except Type Error as e %}{% end %}', 1],
    ['\n{% apply f( %}x{% end %}', 2],
    ['\n{% raw ] %}', 2],
    ['\n{% module X( %}', 2],
    ['\n\n{% autoescape esc( %}{{ x }}', 3],
  ])('names the line of bad JavaScript in %j', (source, line) => {
    const error = parseError(source);
    expect(error.message).toMatch(/^Invalid JavaScript: /);
    expect(error.lineno).toBe(line);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('names an included template whose JavaScript is bad', () => {
    const loader = new DictLoader({ 'a.html': '{% include "b.html" %}', 'b.html': '\n{{ ( }}' });
    expect(() => loader.load('a.html')).toThrow(/Invalid JavaScript: .* at b\.html:2/);
  });

  it('refuses the with statement, since the code is strict', () => {
    expect(parseError('{% set with (o) {} %}').message).toMatch(/^Invalid JavaScript/);
  });
});
