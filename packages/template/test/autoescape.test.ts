import { describe, expect, it } from 'vitest';
import { xhtmlEscape } from '@tornado-ts/escape';
import { DictLoader, Template } from '@tornado-ts/template';

// Tornado's AutoEscapeTest templates, with JavaScript names (`xhtmlEscape`, `null`).
const TEMPLATES = {
  'escaped.html': '{% autoescape xhtmlEscape %}{{ name }}',
  'unescaped.html': '{% autoescape null %}{{ name }}',
  'default.html': '{{ name }}',
  'include.html': `\
escaped: {% include 'escaped.html' %}
unescaped: {% include 'unescaped.html' %}
default: {% include 'default.html' %}
`,
  'escaped_block.html': '{% autoescape xhtmlEscape %}{% block name %}base: {{ name }}{% end %}',
  'unescaped_block.html': '{% autoescape null %}{% block name %}base: {{ name }}{% end %}',
  'escaped_extends_unescaped.html': '{% autoescape xhtmlEscape %}{% extends "unescaped_block.html" %}',
  'escaped_overrides_unescaped.html':
    '{% autoescape xhtmlEscape %}{% extends "unescaped_block.html" %}{% block name %}extended: {{ name }}{% end %}',
  'unescaped_extends_escaped.html': '{% autoescape null %}{% extends "escaped_block.html" %}',
  'unescaped_overrides_escaped.html':
    '{% autoescape null %}{% extends "escaped_block.html" %}{% block name %}extended: {{ name }}{% end %}',
  'raw_expression.html': '{% autoescape xhtmlEscape %}expr: {{ name }}\nraw: {% raw name %}',
};

describe('autoescape: Tornado AutoEscapeTest cases', () => {
  // Tornado's test_default_off and test_default_on: templates that say nothing follow the loader.
  it.each([
    [null, 'Bobby <table>s'],
    ['xhtmlEscape', 'Bobby &lt;table&gt;s'],
  ])('escapes where a template asks, and by default when the loader says %j', (autoescape, byDefault) => {
    const loader = new DictLoader(TEMPLATES, { autoescape });
    const name = 'Bobby <table>s';
    expect(loader.load('escaped.html').generate({ name })).toBe('Bobby &lt;table&gt;s');
    expect(loader.load('unescaped.html').generate({ name })).toBe('Bobby <table>s');
    expect(loader.load('default.html').generate({ name })).toBe(byDefault);
    expect(loader.load('include.html').generate({ name })).toBe(
      `escaped: Bobby &lt;table&gt;s\nunescaped: Bobby <table>s\ndefault: ${byDefault}\n`,
    );
  });

  it('uses the setting of the file that holds a block that is not overridden', () => {
    const loader = new DictLoader(TEMPLATES);
    expect(loader.load('escaped_block.html').generate({ name: '<script>' })).toBe('base: &lt;script&gt;');
    expect(loader.load('unescaped_block.html').generate({ name: '<script>' })).toBe('base: <script>');
  });

  it('uses the setting of the file that defines each block body across extends', () => {
    const loader = new DictLoader(TEMPLATES);
    const renderName = (name: string) => loader.load(name).generate({ name: '<script>' });
    expect(renderName('escaped_extends_unescaped.html')).toBe('base: <script>');
    expect(renderName('escaped_overrides_unescaped.html')).toBe('extended: &lt;script&gt;');
    expect(renderName('unescaped_extends_escaped.html')).toBe('base: &lt;script&gt;');
    expect(renderName('unescaped_overrides_escaped.html')).toBe('extended: <script>');
  });

  it('writes {% raw %} unescaped under autoescape', () => {
    const loader = new DictLoader(TEMPLATES);
    expect(loader.load('raw_expression.html').generate({ name: '<>&"' })).toBe('expr: &lt;&gt;&amp;&quot;\nraw: <>&"');
  });

  it('calls a custom escape function from the namespace with the text of the value', () => {
    const loader = new DictLoader({ 'foo.py': '{% autoescape pyEscape %}s = {{ name }}\n' });
    const seen: unknown[] = [];
    const pyEscape = (s: string) => {
      seen.push(typeof s);
      return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`;
    };
    const renderName = (name: unknown) => loader.load('foo.py').generate({ pyEscape, name });
    expect(renderName('<html>')).toBe("s = '<html>'\n");
    expect(renderName("';sys.exit()")).toBe(`s = "';sys.exit()"\n`);
    expect(renderName(['not a string'])).toBe("s = 'not a string'\n");
    expect(seen).toEqual(['string', 'string', 'string']);
  });
});

describe('autoescape: JavaScript settings', () => {
  it('applies {% autoescape %} from where it stands to the end of the file', () => {
    expect(new Template('{{ s }}{% autoescape null %}{{ s }}').generate({ s: '<' })).toBe('&lt;<');
  });

  it('takes a function as the option of a template or a loader', () => {
    const shout = (s: string) => s.toUpperCase();
    expect(new Template('{{ s }}', { autoescape: shout }).generate({ s: 'a<' })).toBe('A<');
    const loader = new DictLoader({ 'a.txt': '{{ s }}|{% include "b.txt" %}', 'b.txt': '{{ s }}' }, { autoescape: shout });
    expect(loader.load('a.txt').generate({ s: 'x' })).toBe('X|X');
    expect(new Template('{{ s }}', { autoescape: xhtmlEscape }).generate({ s: '<' })).toBe('&lt;');
  });

  it('takes any expression as the escape function', () => {
    const escapes = { shout: (s: string) => s.toUpperCase() };
    expect(new Template('{% autoescape escapes.shout %}{{ s }}').generate({ escapes, s: 'ab' })).toBe('AB');
  });

  it('uses a namespace override of xhtmlEscape, as Tornado looks the name up', () => {
    const template = new Template('{{ s }}');
    expect(template.generate({ s: '<' })).toBe('&lt;');
    expect(template.generate({ s: '<', xhtmlEscape: () => 'custom' })).toBe('custom');
    const loader = new DictLoader({ 'a.html': '{{ s }}' }, { namespace: { xhtmlEscape: (s: string) => `[${s}]` } });
    expect(loader.load('a.html').generate({ s: '<' })).toBe('[<]');
  });

  it('uses a set of the escape function made by the template', () => {
    expect(new Template('{% autoescape esc %}{% set esc = (s) => "~" + s %}{{ 1 }}').generate()).toBe('~1');
  });

  it('writes the value of the escape function as text', () => {
    expect(new Template('{% autoescape count %}{{ s }}').generate({ count: (s: string) => s.length, s: 'abc' })).toBe('3');
  });

  it('does not escape numbers, which need none, and escapes other values after String()', () => {
    expect(new Template('{{ n }} {{ b }} {{ o }}').generate({ n: 1e21, b: false, o: { toString: () => '&' } })).toBe('1e+21 false &amp;');
  });
});
