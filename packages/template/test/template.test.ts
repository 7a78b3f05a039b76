import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { DictLoader, ParseError, Template, TemplateOptionError, type Namespace } from '@tornado-ts/template';

function render(source: string | Uint8Array, namespace?: Namespace): string {
  return new Template(source).generate(namespace);
}

function divide(a: number, b: number): number {
  if (b === 0) throw new RangeError('division by zero');
  return a / b;
}

describe('Template: Tornado TemplateTest cases', () => {
  it('renders an expression', () => {
    expect(render('Hello {{ name }}!', { name: 'Ben' })).toBe('Hello Ben!');
  });

  it('writes bytes as UTF-8 text', () => {
    expect(render('Hello {{ name }}!', { name: Buffer.from('Ben') })).toBe('Hello Ben!');
  });

  it('evaluates JavaScript expressions', () => {
    expect(render('2 + 2 = {{ 2 + 2 }}')).toBe('2 + 2 = 4');
  });

  it('drops {# comments #}', () => {
    expect(render('Hello{# TODO i18n #} {{ name }}!', { name: 'Ben' })).toBe('Hello Ben!');
  });

  it('treats {{!, {%! and {#! as literal braces', () => {
    expect(() => new Template('{{')).toThrow(ParseError);
    expect(() => new Template('{%')).toThrow(ParseError);
    expect(render('{{!')).toBe('{{');
    expect(render('{%!')).toBe('{%');
    expect(render('{#!')).toBe('{#');
    expect(render("{{ 'expr' }} {{!jquery expr}}")).toBe('expr {{jquery expr}}');
  });

  it('takes a UTF-8 source given as bytes', () => {
    expect(render(Buffer.from('\u00e9'))).toBe('\u00e9');
  });

  it('keeps non-ASCII string literals in expressions', () => {
    expect(render(Buffer.from('{{ "\u00e9" }}'))).toBe('\u00e9');
  });

  it('sees a loader namespace', () => {
    const loader = new DictLoader({ 'test.html': '{{ inc(5) }}' }, { namespace: { inc: (x: number) => x + 1 } });
    expect(loader.load('test.html').generate()).toBe('6');
  });

  it('passes the rendered body of {% apply %} to the function', () => {
    const upper = (s: string) => s.toUpperCase();
    expect(render('{% apply upper %}foo{% end %}', { upper })).toBe('FOO');
    expect(render('{% apply upper %}foo \u00e9{% end %}', { upper })).toBe('FOO \u00c9');
  });

  it('writes bytes returned by an apply function as text', () => {
    const upper = (s: string) => Buffer.from(s.toUpperCase());
    expect(render('{% apply upper %}foo \u00e9{% end %}', { upper })).toBe('FOO \u00c9');
  });

  it('runs if/else', () => {
    const template = new Template('{% if x > 4 %}yes{% else %}no{% end %}');
    expect(template.generate({ x: 5 })).toBe('yes');
    expect(template.generate({ x: 3 })).toBe('no');
  });

  it('accepts empty if and else bodies', () => {
    expect(render('{% if true %}{% else %}{% end %}')).toBe('');
  });

  it('runs try/except/else/finally like Python', () => {
    const template = new Template(
      '{% try %}\ntry{% set y = divide(1, x) %}\n{% except %}-except\n{% else %}-else\n{% finally %}-finally\n{% end %}',
    );
    expect(template.generate({ x: 1, divide })).toBe('\ntry\n-else\n-finally\n');
    expect(template.generate({ x: 0, divide })).toBe('\ntry-except\n-finally\n');
  });

  it('drops {% comment %} directives', () => {
    expect(render('{% comment blah blah %}foo')).toBe('foo');
  });

  it('supports break and continue', () => {
    const template = new Template(`\
{% for i in Array.from({ length: 10 }, (_, i) => i) %}
    {% if i == 2 %}
        {% continue %}
    {% end %}
    {{ i }}
    {% if i == 6 %}
        {% break %}
    {% end %}
{% end %}`);
    expect(template.generate().split(/\s+/).join('')).toBe('013456');
  });

  it('refuses break outside a loop', () => {
    expect(() => new Template('{% break %}')).toThrow(ParseError);
    expect(() => new Template('{% continue %}')).toThrow(ParseError);
  });

  it('refuses break inside apply, even in a loop', () => {
    expect(() => new Template('{% for i in [] %}{% apply foo %}{% break %}{% end %}{% end %}')).toThrow(ParseError);
  });
});

describe('Template: output', () => {
  it('writes null and undefined as nothing, numbers and booleans through String()', () => {
    expect(render('[{{ a }}][{{ b }}][{{ 1.5 }}][{{ -0 }}][{{ NaN }}][{{ true }}][{{ 10n }}]', { a: null, b: undefined })).toBe(
      '[][][1.5][0][NaN][true][10]',
    );
  });

  it('writes objects through their toString', () => {
    const point = { toString: () => '<1,2>' };
    expect(render('{{ p }} {{ list }}', { p: point, list: ['a', 'b&'] })).toBe('&lt;1,2&gt; a,b&amp;');
  });

  it('escapes & < > " and \' by default', () => {
    expect(render('{{ s }}', { s: `<a href="x">'&'</a>` })).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('writes {% raw %} without escaping', () => {
    expect(render('{% raw s %}|{{ s }}', { s: '<b>' })).toBe('<b>|&lt;b&gt;');
  });

  it('uses the innermost braces of a run, for languages that use braces themselves', () => {
    expect(render('\\frac{{{ n }}}{2}', { n: 1 })).toBe('\\frac{1}{2}');
    expect(render('{ {{ x }} }', { x: 'y' })).toBe('{ y }');
  });

  it('leaves a lone brace at the end alone', () => {
    expect(render('a {')).toBe('a {');
    expect(render('a {b} {')).toBe('a {b} {');
  });

  it('ends an expression at the first }}, so objects need spaces', () => {
    expect(render('{{ JSON.stringify({ a: { b: 1 } }) }}', {})).toBe('{&quot;a&quot;:{&quot;b&quot;:1}}');
  });

  it('allows // comments inside expressions and directives', () => {
    expect(render('{{ x // the value\n }}!{% if x // check\n %}yes{% end %}', { x: 1 })).toBe('1!yes');
  });

  it('has the escape helpers of Tornado in its namespace', () => {
    const source = '{{ escape("<") }} {{ xhtmlEscape("&") }} {% raw urlEscape("a b") %} {% raw jsonEncode({ a: "</" }) %} {{ squeeze(" a  b ") }} {% raw linkify("x http://a.b") %}';
    expect(render(source)).toBe('&amp;lt; &amp;amp; a+b {"a":"<\\/"} a b x <a href="http://a.b">http://a.b</a>');
  });

  it('sees globals such as Math, JSON and Date when the namespace does not shadow them', () => {
    expect(render('{{ Math.max(1, 2) }} {{ new Date(0).getUTCFullYear() }}')).toBe('2 1970');
    expect(render('{{ Math }}', { Math: 'mine' })).toBe('mine');
  });

  it('generates a string from a fresh namespace each time', () => {
    const template = new Template('{{ a }}');
    expect(template.generate({ a: 1 })).toBe('1');
    expect(template.generate({ a: 2 })).toBe('2');
    expect(() => template.generate()).toThrow(/a is not defined/);
  });
});

describe('Template: control flow', () => {
  it('runs elif chains', () => {
    const template = new Template('{% if x > 2 %}big{% elif x > 1 %}two{% elif x > 0 %}one{% else %}none{% end %}');
    expect([3, 2, 1, 0].map((x) => template.generate({ x }))).toEqual(['big', 'two', 'one', 'none']);
  });

  it('iterates arrays, strings, Sets, Maps and generators by value', () => {
    const template = new Template('{% for x in xs %}[{{ x }}]{% end %}');
    function* gen() {
      yield 1;
      yield 2;
    }
    expect(template.generate({ xs: ['a', 'b'] })).toBe('[a][b]');
    expect(template.generate({ xs: 'hi' })).toBe('[h][i]');
    expect(template.generate({ xs: new Set([1, 2]) })).toBe('[1][2]');
    expect(template.generate({ xs: new Map([['k', 1]]) })).toBe('[k,1]');
    expect(template.generate({ xs: gen() })).toBe('[1][2]');
    expect(template.generate({ xs: [] })).toBe('');
  });

  it('destructures loop targets, with Python-style k, v as an array pattern', () => {
    const o = { a: 1, b: 2 };
    expect(render('{% for [k, v] in Object.entries(o) %}{{ k }}={{ v }};{% end %}', { o })).toBe('a=1;b=2;');
    expect(render('{% for k, v in Object.entries(o) %}{{ k }}={{ v }};{% end %}', { o })).toBe('a=1;b=2;');
    expect(render('{% for { id, name } in people %}{{ id }}:{{ name }} {% end %}', { people: [{ id: 1, name: 'x' }] })).toBe('1:x ');
    const pairs = new Map([['x', 1]]);
    expect(render('{% for [k, v] in pairs %}{{ k }}{{ v }}{% end %}', { pairs })).toBe('x1');
  });

  it('assigns to a member target', () => {
    expect(render('{% set o = {} %}{% for o.v in [1, 2] %}{% end %}{{ o.v }}')).toBe('2');
  });

  it('keeps the loop variable after the loop, like Python', () => {
    expect(render('{% for x in [1, 2, 3] %}{% end %}{{ x }}')).toBe('3');
  });

  it('runs nested loops, with break and continue binding to the innermost', () => {
    const source = '{% for a in [1, 2, 3] %}{% for b in [1, 2, 3] %}{% if b == a %}{% break %}{% end %}{{ a }}{{ b }} {% end %}{% end %}';
    expect(render(source)).toBe('21 31 32 ');
    const generators = '{% for a in new Set([1, 2]) %}{% for b in new Set([1, 2]) %}{% if b == 2 %}{% continue %}{% end %}{{ a }}{{ b }} {% end %}{% end %}';
    expect(render(generators)).toBe('11 21 ');
  });

  it('runs a for loop\'s else unless the loop broke', () => {
    const template = new Template('{% for x in xs %}{% if x == stop %}{% break %}{% end %}{{ x }}{% else %}!done{% end %}');
    expect(template.generate({ xs: [1, 2, 3], stop: 9 })).toBe('123!done');
    expect(template.generate({ xs: [1, 2, 3], stop: 2 })).toBe('1');
    expect(template.generate({ xs: new Set([1, 2, 3]), stop: 2 })).toBe('1');
    expect(template.generate({ xs: [], stop: 2 })).toBe('!done');
  });

  it('lets break in a loop\'s else leave the enclosing loop', () => {
    expect(render('{% for a in [1, 2] %}{% for b in [] %}{% else %}{{ a }}{% break %}{% end %}{% end %}')).toBe('1');
  });

  it('runs while loops, with an else', () => {
    expect(render('{% set i = 0 %}{% while i < 3 %}{{ i }}{% set i += 1 %}{% end %}')).toBe('012');
    const template = new Template('{% set i = 0 %}{% while i < 5 %}{% set i++ %}{% if i == stop %}{% break %}{% end %}{% else %}!{% end %}{{ i }}');
    expect(template.generate({ stop: 2 })).toBe('2');
    expect(template.generate({ stop: 9 })).toBe('!5');
  });

  it('declares set variables for the whole template, in any block', () => {
    expect(render('{% if true %}{% set x = 1 %}{% end %}{{ x }}')).toBe('1');
    expect(render('{% set [a, b] = [1, 2] %}{% set { c } = { c: 3 } %}{{ a + b + c }}')).toBe('6');
    expect(render('{% set a = 1, b = 2 %}{{ a + b }}')).toBe('3');
    expect(render('{% set o = { n: 1 } %}{% set o.n = 5 %}{% set o.n *= 2 %}{{ o.n }}')).toBe('10');
  });

  it('lets set replace a namespace variable', () => {
    expect(render('{{ x }}{% set x = x + 1 %}{{ x }}', { x: 1 })).toBe('12');
  });

  it('binds the error with {% except e %}', () => {
    expect(render('{% try %}{{ boom() }}{% except e %}caught {{ e.message }}{% end %}', { boom: () => divide(1, 0) })).toBe(
      'caught division by zero',
    );
  });

  it('matches except clauses by class with "as", rethrowing what none matches', () => {
    const template = new Template(
      '{% try %}{{ f() }}{% except RangeError as e %}range:{{ e.message }}{% except TypeError as e %}type{% end %}',
    );
    expect(template.generate({ f: () => divide(1, 0) })).toBe('range:division by zero');
    expect(template.generate({ f: () => (undefined as unknown as string).trim() })).toBe('type');
    expect(() => template.generate({ f: () => { throw new SyntaxError('other'); } })).toThrow(/other/);
  });

  it('falls back to a catch-all except after typed ones, and accepts a member expression as the class', () => {
    const errors = { Range: RangeError };
    const template = new Template('{% try %}{{ f() }}{% except errors.Range %}range{% except %}other{% end %}');
    expect(template.generate({ errors, f: () => divide(1, 0) })).toBe('range');
    expect(template.generate({ errors, f: () => { throw new Error('x'); } })).toBe('other');
  });

  it('runs finally on success and on error', () => {
    const template = new Template('{% try %}a{{ f() }}{% finally %}-f{% end %}');
    expect(template.generate({ f: () => 'b' })).toBe('ab-f');
    expect(() => template.generate({ f: () => divide(1, 0) })).toThrow(/division by zero/);
  });

  it('keeps text written before an error in a try body, as Tornado does', () => {
    expect(render('{% try %}a{{ f() }}b{% except %}-x{% end %}', { f: () => divide(1, 0) })).toBe('a-x');
  });

  it('skips a try\'s else when the body left the loop', () => {
    expect(render('{% for i in [1] %}{% try %}{% break %}{% except %}x{% else %}else{% end %}{% end %}done')).toBe('done');
  });

  it('does not catch errors of the else clause', () => {
    const template = new Template('{% try %}a{% except %}caught{% else %}{{ f() }}{% end %}');
    expect(() => template.generate({ f: () => divide(1, 0) })).toThrow(/division by zero/);
  });

  it('applies functions to nested blocks, with loops and sets inside', () => {
    const wrap = (s: string) => `[${s}]`;
    expect(render('{% apply wrap %}a{% apply wrap %}{% for i in [1, 2] %}{{ i }}{% end %}{% end %}{% set z = 3 %}{% end %}{{ z }}', { wrap })).toBe(
      '[a[12]]3',
    );
  });

  it('calls an apply method with its object as this', () => {
    const box = { tag: 'b', wrap(this: { tag: string }, s: string) { return `<${this.tag}>${s}</${this.tag}>`; } };
    expect(render('{% apply box.wrap %}x{% end %}', { box })).toBe('<b>x</b>');
  });

  it('calls {% module %} through _tt_modules without escaping', () => {
    const modules = { Bold: (text: string) => `<b>${text}</b>` };
    expect(render('{% module Bold("x") %}', { _tt_modules: modules })).toBe('<b>x</b>');
  });
});

describe('Template: options', () => {
  it('takes any object as the namespace, such as a class instance typed by an interface', () => {
    interface Page {
      title: string;
    }
    class PageData implements Page {
      title = 'x';
    }
    const page: Page = new PageData();
    expect(new Template('{{ title }}').generate(page)).toBe('x');
  });

  it('names the template <string> by default', () => {
    expect(new Template('x').name).toBe('<string>');
    expect(new Template('x', { name: 'a.html' }).name).toBe('a.html');
  });

  it('maps compressWhitespace onto whitespace modes', () => {
    expect(new Template('a  \n\n b', { compressWhitespace: true }).generate()).toBe('a\nb');
    expect(new Template('a  b', { name: 'x.html', compressWhitespace: false }).generate()).toBe('a  b');
    expect(() => new Template('x', { compressWhitespace: true, whitespace: 'all' })).toThrow(TemplateOptionError);
  });

  it('refuses unknown whitespace modes and autoescape values', () => {
    expect(() => new Template('x', { whitespace: 'some' as never })).toThrow(TemplateOptionError);
    expect(() => new Template('x', { autoescape: 42 as never })).toThrow(TemplateOptionError);
    expect(() => new Template('x', { autoescape: '' })).toThrow(TemplateOptionError);
  });

  it('exposes the generated code, which uses no with statement', () => {
    const code = new Template('{% for x in xs %}{{ x }}{% end %}').code;
    expect(code).toContain('Array.isArray');
    expect(code).not.toMatch(/\bwith\s*\(/);
  });
});
