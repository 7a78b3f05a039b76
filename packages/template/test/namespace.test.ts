import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonEncode, linkify, squeeze, urlEscape, xhtmlEscape } from '@tornado-ts/escape';
import { DEFAULT_NAMESPACE, DictLoader, Template } from '@tornado-ts/template';
import { isBindableName } from '../src/namespace.js';

/** Counts the functions compiled while `run` runs. */
function compiles(run: () => void): number {
  const spy = vi.spyOn(globalThis, 'Function');
  try {
    run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DEFAULT_NAMESPACE', () => {
  it('holds Tornado\'s helpers under JavaScript names, frozen', () => {
    expect(DEFAULT_NAMESPACE).toEqual({ escape: xhtmlEscape, xhtmlEscape, urlEscape, jsonEncode, squeeze, linkify });
    expect(Object.isFrozen(DEFAULT_NAMESPACE)).toBe(true);
  });

  it('is overridden by the loader namespace, which the render namespace overrides', () => {
    const loader = new DictLoader(
      { 'a.txt': '{{ escape("x") }} {{ site }} {{ user }}' },
      { namespace: { escape: (s: string) => `L(${s})`, site: 'loader', user: 'loader' } },
    );
    expect(loader.load('a.txt').generate()).toBe('L(x) loader loader');
    expect(loader.load('a.txt').generate({ user: 'render', escape: (s: string) => `R(${s})` })).toBe('R(x) loader render');
  });

  it('reads the loader namespace when each template compiles', () => {
    const namespace: Record<string, unknown> = { v: 1 };
    const loader = new DictLoader({ 'a.txt': '{{ v }}' }, { namespace });
    const template = loader.load('a.txt');
    namespace.v = 2;
    expect(template.generate()).toBe('1');
  });
});

describe('namespace keys', () => {
  it('binds identifiers only: other keys are not variables', () => {
    expect(isBindableName('name')).toBe(true);
    expect(isBindableName('_tt_modules')).toBe(true);
    for (const key of ['my-key', '1st', 'class', 'let', 'arguments', 'eval', '_tt_out', '_tt_ns', '']) {
      expect(isBindableName(key)).toBe(false);
    }
    const template = new Template('{{ ok }}{{ typeof _tt_out }}');
    expect(template.generate({ ok: 1, 'my-key': 2, class: 3, _tt_out: 'x', let: 4 })).toBe('1string');
  });

  it('sees keys in any order, with keys it never mentions around them', () => {
    const template = new Template('{{ a }}-{{ b }}');
    expect(template.generate({ a: 1, b: 2 })).toBe('1-2');
    expect(template.generate({ b: 3, a: 4 })).toBe('4-3');
    expect(template.generate({ z: 0, a: 5, y: 0, b: 6 })).toBe('5-6');
    expect(template.generate({ a: 7, b: 8 })).toBe('7-8');
  });

  it('falls back to globals for names the namespace lacks, per render', () => {
    const template = new Template('{{ String(1) }}');
    expect(template.generate()).toBe('1');
    expect(template.generate({ String: () => 'mine' })).toBe('mine');
    expect(template.generate()).toBe('1');
  });

  it('sees inherited enumerable properties, as property reads do', () => {
    const namespace = Object.create({ inherited: 'yes' }) as Record<string, unknown>;
    namespace.own = 'own';
    expect(new Template('{{ own }} {{ inherited }}').generate(namespace)).toBe('own yes');
  });
});

describe('compiled functions', () => {
  it('compiles once per set of keys the template mentions, never per render', () => {
    const template = new Template('{{ a }}{{ b }}');
    expect(compiles(() => template.generate({ a: 1, b: 2 }))).toBe(1);
    expect(
      compiles(() => {
        for (let i = 0; i < 50; i++) template.generate({ a: i, b: i });
        template.generate({ b: 1, a: 2 });
        template.generate({ a: 1, b: 2, unrelated: 3 });
        template.generate({ a: 1, b: 2 });
      }),
    ).toBe(0);
    expect(compiles(() => template.generate({ a: 1, b: 2, xhtmlEscape }))).toBe(1);
  });

  it('needs no compile for a namespace without the template\'s names', () => {
    const template = new Template('static');
    expect(compiles(() => template.generate({ a: 1, b: 2 }))).toBe(0);
  });

  it('keeps a bounded number of functions per template', () => {
    const names = Array.from({ length: 40 }, (_, i) => `v${i}`);
    const template = new Template(names.map((name) => `{{ typeof ${name} }}`).join(''));
    const shapes = names.map((name) => ({ [name]: 1 }));
    expect(compiles(() => shapes.forEach((shape) => template.generate(shape)))).toBe(40);
    expect(compiles(() => template.generate(shapes[39]))).toBe(0);
    // The first shapes were dropped to stay within the bound.
    expect(compiles(() => template.generate(shapes[0]))).toBe(1);
  });

  it('renders the same output whichever function serves the namespace', () => {
    const template = new Template('{% for x in xs %}{{ f(x) }}{% end %}');
    const f = (x: number) => x * 2;
    expect(template.generate({ xs: [1, 2], f })).toBe('24');
    expect(template.generate({ f, xs: new Set([3]) })).toBe('6');
  });
});
