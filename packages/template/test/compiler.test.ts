import { describe, expect, it, vi } from 'vitest';
import { DictLoader, Template } from '@tornado-ts/template';

describe('generated code', () => {
  it('merges adjacent text into one literal', () => {
    expect(new Template('a{# c #}b{{! c}}').code).toContain('_tt_out += "ab{{ c}}";');
  });

  it('joins consecutive text and output into one statement', () => {
    const code = new Template('<li>{{ a }} and {{ b }}</li>').code;
    expect(code.match(/\+=/g)).toHaveLength(1);
    expect(code).toContain('_tt_out += "<li>" + _tt_e0(a) + " and " + _tt_e0(b) + "</li>";');
  });

  it('stores the line only when it changes', () => {
    const code = new Template('{{ a }}{{ b }}\n{{ c }}').code;
    expect(code.match(/_tt_loc = /g)).toHaveLength(2);
  });

  it('writes raw output through the stringifier and escaped output through the escape helper', () => {
    const code = new Template('{% raw a %}{{ b }}').code;
    expect(code).toContain('_tt_s(a)');
    expect(code).toContain('_tt_e0(b)');
  });

  it('has an indexed fast path for arrays and for...of for other iterables', () => {
    const code = new Template('{% for x in xs %}{{ x }}{% end %}').code;
    expect(code).toMatch(/if \(Array\.isArray\(_tt_items\d+\)\)/);
    expect(code).toMatch(/for \(let _tt_i\d+ = 0; /);
    expect(code).toMatch(/for \(var x of _tt_items\d+\)/);
  });

  it('writes a huge loop body once, without the array fast path', () => {
    const big = 'x'.repeat(40_000);
    const template = new Template(`{% for x in xs %}${big}{{ x }}{% end %}`);
    expect(template.code).not.toContain('Array.isArray');
    expect(template.generate({ xs: [1, 2] })).toBe(`${big}1${big}2`);
  });

  it('inlines includes and parents, so rendering loads nothing', () => {
    const loader = new DictLoader({
      'base.html': '<{% block b %}{% end %}>',
      'page.html': '{% extends "base.html" %}{% block b %}{% include "part.html" %}{% end %}',
      'part.html': 'PART {{ x }}',
    });
    const page = loader.load('page.html');
    expect(page.code).toContain('"<PART " + _tt_e0(x) + ">"');
    const load = vi.spyOn(loader, 'load');
    expect(page.generate({ x: 1 })).toBe('<PART 1>');
    expect(load).not.toHaveBeenCalled();
  });

  it('renders apply bodies into their own local', () => {
    const code = new Template('{% apply f %}a{{ b }}{% end %}').code;
    expect(code).toMatch(/let _tt_out\d+ = '';/);
    expect(code).toMatch(/_tt_out \+= _tt_s\(\(f\)\(_tt_out\d+\)\);/);
  });

  it('uses no with statement and no eval', () => {
    const code = new Template('{% for x in xs %}{% if x %}{{ x }}{% end %}{% end %}{% set y = 1 %}{% try %}{% except %}{% end %}').code;
    expect(code).not.toMatch(/\bwith\b|\beval\b|new Function/);
  });
});
