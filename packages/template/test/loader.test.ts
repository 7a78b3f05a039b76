import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DictLoader,
  Loader,
  ParseError,
  Template,
  TemplateNotFoundError,
  TemplatePathError,
} from '@tornado-ts/template';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** Renders `name` from a DictLoader over `templates`. */
function renderFrom(templates: Record<string, string>, name: string, namespace?: Record<string, unknown>): string {
  return new DictLoader(templates).load(name).generate(namespace);
}

describe('DictLoader: Tornado TemplateTest cases', () => {
  it('includes another template', () => {
    const templates = { 'index.html': '{% include "header.html" %}\nbody text', 'header.html': 'header text' };
    expect(renderFrom(templates, 'index.html')).toBe('header text\nbody text');
  });

  it('fills the blocks of the template it extends', () => {
    const templates = {
      'base.html': '<title>{% block title %}default title{% end %}</title>\n<body>{% block body %}default body{% end %}</body>\n',
      'page.html': '{% extends "base.html" %}\n{% block title %}page title{% end %}\n{% block body %}page body{% end %}\n',
    };
    expect(renderFrom(templates, 'page.html')).toBe('<title>page title</title>\n<body>page body</body>\n');
  });

  it('resolves names relative to the including template', () => {
    const templates = { 'a/1.html': "{% include '2.html' %}", 'a/2.html': "{% include '../b/3.html' %}", 'b/3.html': 'ok' };
    expect(renderFrom(templates, 'a/1.html')).toBe('ok');
  });

  it('loads templates with non-ASCII names', () => {
    expect(renderFrom({ 't\u00e9st.html': 'hello' }, 't\u00e9st.html')).toBe('hello');
  });
});

describe('DictLoader: extends and blocks', () => {
  const loader = new DictLoader({
    'base.html': '[{% block head %}base head{% end %}|{% block body %}base body{% block inner %}base inner{% end %}{% end %}]',
    'middle.html': '{% extends "base.html" %}{% block head %}middle head{% end %}{% block inner %}middle inner{% end %}',
    'leaf.html': '{% extends "middle.html" %}{% block inner %}leaf inner {{ x }}{% end %}',
    'leaf-body.html': '{% extends "middle.html" %}{% block body %}leaf body ({% block inner %}leaf inner{% end %}){% end %}',
    'grandchild.html': '{% extends "leaf-body.html" %}{% block inner %}grand inner{% end %}',
  });

  it('overrides blocks through several levels, the most derived winning', () => {
    expect(loader.load('middle.html').generate()).toBe('[middle head|base bodymiddle inner]');
    expect(loader.load('leaf.html').generate({ x: '<1>' })).toBe('[middle head|base bodyleaf inner &lt;1&gt;]');
  });

  it('takes the most derived definition of a block nested in an overriding block', () => {
    expect(loader.load('leaf-body.html').generate()).toBe('[middle head|leaf body (leaf inner)]');
    expect(loader.load('grandchild.html').generate()).toBe('[middle head|leaf body (grand inner)]');
  });

  it('inlines the blocks where the base places them, inside its loops', () => {
    const base = '<ul>{% for student in students %}{% block student %}<li>{{ student }}</li>{% end %}{% end %}</ul>';
    const bold = '{% extends "base.html" %}{% block student %}<li><b>{{ student }}</b></li>{% end %}';
    const output = renderFrom({ 'base.html': base, 'bold.html': bold }, 'bold.html', { students: ['a', 'b'] });
    expect(output).toBe('<ul><li><b>a</b></li><li><b>b</b></li></ul>');
  });

  it('ignores what a child writes outside its blocks', () => {
    const child = '\n{% extends "base.html" %}\nignored {{ missing }}{% block a %}A{% end %}ignored';
    expect(renderFrom({ 'base.html': '{% block a %}{% end %}', 'child.html': child }, 'child.html')).toBe('A');
  });

  it('lets a child override a block that the base has from an include', () => {
    const templates = {
      'base.html': '<{% include "part.html" %}>',
      'part.html': '{% block part %}part{% end %}',
      'child.html': '{% extends "base.html" %}{% block part %}child{% end %}',
    };
    expect(renderFrom(templates, 'child.html')).toBe('<child>');
  });

  it('records the templates compiled into one as its dependencies', () => {
    expect([...loader.load('leaf.html').dependencies].sort()).toEqual(['base.html', 'middle.html']);
    expect(loader.load('base.html').dependencies).toEqual([]);
  });

  it('refuses circular extends', () => {
    const circular = new DictLoader({ 'a.html': '{% extends "b.html" %}', 'b.html': '{% extends "a.html" %}' });
    expect(() => circular.load('a.html')).toThrow(/circular extends or include: a\.html -> b\.html -> a\.html at b\.html:1/);
    const self = new DictLoader({ 'a.html': '{% extends "a.html" %}' });
    expect(() => self.load('a.html')).toThrow(ParseError);
  });

  it('needs a loader for extends and include', () => {
    expect(() => new Template('{% extends "base.html" %}')).toThrow(/no template loader at <string>:1/);
    expect(() => new Template('x\n{% include "a.html" %}')).toThrow(/no template loader at <string>:2/);
  });
});

describe('DictLoader: include', () => {
  it('shares the namespace and the variables set before it', () => {
    const templates = {
      'page.html': '{% set greeting = "hi" %}{% for name in names %}{% include "item.html" %}{% end %}{{ last }}',
      'item.html': '{{ greeting }} {{ name }};{% set last = name %}',
    };
    expect(renderFrom(templates, 'page.html', { names: ['a', 'b'] })).toBe('hi a;hi b;b');
  });

  it('inlines the same template several times', () => {
    expect(renderFrom({ 'a.txt': '{% include b.txt %}{% include b.txt %}', 'b.txt': '{{ n }}' }, 'a.txt', { n: 1 })).toBe('11');
  });

  it('refuses circular includes', () => {
    const loader = new DictLoader({ 'a.html': 'a{% include "b.html" %}', 'b.html': '\n{% include "a.html" %}' });
    expect(() => loader.load('a.html')).toThrow(/circular extends or include: a\.html -> b\.html -> a\.html at b\.html:2/);
  });

  it('refuses to include a template that extends another', () => {
    const loader = new DictLoader({ 'a.html': '{% include "b.html" %}', 'b.html': '{% extends "c.html" %}', 'c.html': 'c' });
    expect(() => loader.load('a.html')).toThrow(/cannot include b\.html: it extends c\.html.* at a\.html:1/);
  });

  it('names the including line when the included template is missing', () => {
    const loader = new DictLoader({ 'a.html': 'x\n{% include "nope.html" %}' });
    const error = (() => {
      try {
        loader.load('a.html');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ filename: 'a.html', lineno: 2 });
    expect((error as ParseError).cause).toBeInstanceOf(TemplateNotFoundError);
  });
});

describe('DictLoader: names and cache', () => {
  it('throws TemplateNotFoundError for a missing name', () => {
    expect(() => new DictLoader({}).load('nope.html')).toThrow(TemplateNotFoundError);
    expect(() => new DictLoader({}).load('toString')).toThrow(TemplateNotFoundError);
  });

  it('caches compiled templates until reset()', () => {
    const sources: Record<string, string> = { 'a.html': 'one' };
    const loader = new DictLoader(sources);
    const first = loader.load('a.html');
    expect(loader.load('./a.html')).toBe(first);
    sources['a.html'] = 'two';
    expect(loader.load('a.html').generate()).toBe('one');
    loader.reset();
    expect(loader.load('a.html')).not.toBe(first);
    expect(loader.load('a.html').generate()).toBe('two');
  });

  it('normalizes names', () => {
    const loader = new DictLoader({});
    expect(loader.resolvePath('a/./b/../c.html')).toBe('a/c.html');
    expect(loader.resolvePath('c.html', 'a/b.html')).toBe('a/c.html');
    expect(loader.resolvePath('../c.html', 'a/b.html')).toBe('c.html');
    expect(loader.resolvePath('c.html', '<string>')).toBe('c.html');
    expect(loader.resolvePath('%2e%2e/c.html')).toBe('%2e%2e/c.html');
  });

  it.each([
    ['../secret.html', undefined],
    ['a/../../secret.html', undefined],
    ['../../secret.html', 'a/b.html'],
    ['/etc/passwd', undefined],
    ['/a.html', 'a/b.html'],
    ['..\\secret.html', undefined],
    ['a\0.html', undefined],
    ['', undefined],
    ['.', undefined],
    ['a/', undefined],
  ])('refuses %j (from %j)', (name, parent) => {
    expect(() => new DictLoader({}).resolvePath(name, parent)).toThrow(TemplatePathError);
  });

  it('refuses an include that climbs out of the root, naming the line', () => {
    const loader = new DictLoader({ 'a/b.html': '{% include "../../x.html" %}' });
    expect(() => loader.load('a/b.html')).toThrow(/outside the template root.* at a\/b\.html:1/);
  });
});

describe('Loader', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tornado-template-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function write(name: string, text: string, mtime?: Date): void {
    const file = join(root, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    if (mtime !== undefined) utimesSync(file, mtime, mtime);
  }

  it('reads UTF-8 files (Tornado TemplateLoaderTest)', () => {
    expect(new Loader(FIXTURES).load('utf8.html').generate().trim()).toBe('H\u00e9llo');
  });

  it('loads, extends and includes files relative to each template', () => {
    write('base.html', '<{% block body %}{% end %}>');
    write('pages/page.html', '{% extends "../base.html" %}{% block body %}{% include "part.html" %}{% end %}');
    write('pages/part.html', '{{ x }}');
    const loader = new Loader(root);
    expect(loader.load('pages/page.html').generate({ x: 'ok' })).toBe('<ok>');
    expect(loader.load('pages/page.html')).toBe(loader.load('pages/page.html'));
  });

  it('takes a relative root and makes it absolute', () => {
    expect(new Loader('.').root).toBe(process.cwd());
  });

  it('throws TemplateNotFoundError for a missing file or a directory', () => {
    mkdirSync(join(root, 'dir'));
    const loader = new Loader(root);
    expect(() => loader.load('missing.html')).toThrow(TemplateNotFoundError);
    expect(() => loader.load('dir')).toThrow(TemplateNotFoundError);
  });

  it('never reads outside the root', () => {
    write('inside.html', '{% include "../outside.html" %}');
    writeFileSync(join(dirname(root), 'outside.html'), 'secret');
    const loader = new Loader(root);
    expect(() => loader.load('../outside.html')).toThrow(TemplatePathError);
    expect(() => loader.load(join(dirname(root), 'outside.html'))).toThrow(TemplatePathError);
    expect(() => loader.load('inside.html')).toThrow(ParseError);
    expect(() => loader.pathOf('../outside.html')).toThrow(TemplatePathError);
    rmSync(join(dirname(root), 'outside.html'));
  });

  it('keeps serving the compiled template after the file changes, unless checkMtime', () => {
    write('a.html', 'one');
    const loader = new Loader(root);
    const first = loader.load('a.html');
    write('a.html', 'two', new Date(Date.now() + 10_000));
    expect(loader.load('a.html')).toBe(first);
    expect(loader.reloadIfChanged('a.html').generate()).toBe('two');
    const again = loader.load('a.html');
    expect(loader.reloadIfChanged('a.html')).toBe(again);
  });

  it('recompiles with checkMtime when the file, its parent or an include changed', () => {
    write('base.html', 'base[{% block b %}{% end %}]{% include "foot.html" %}');
    write('foot.html', 'foot');
    write('page.html', '{% extends "base.html" %}{% block b %}page{% end %}');
    const loader = new Loader(root, { checkMtime: true });
    const first = loader.load('page.html');
    expect(first.generate()).toBe('base[page]foot');
    expect(loader.load('page.html')).toBe(first);

    write('base.html', 'BASE[{% block b %}{% end %}]{% include "foot.html" %}', new Date(Date.now() + 10_000));
    expect(loader.load('page.html').generate()).toBe('BASE[page]foot');

    write('foot.html', 'FOOT', new Date(Date.now() + 20_000));
    expect(loader.load('page.html').generate()).toBe('BASE[page]FOOT');
    expect(loader.load('base.html').generate()).toBe('BASE[]FOOT');

    write('page.html', '{% extends "base.html" %}{% block b %}PAGE{% end %}', new Date(Date.now() + 30_000));
    expect(loader.load('page.html').generate()).toBe('BASE[PAGE]FOOT');
  });

  it('checks the dependencies of a template reloaded with reloadIfChanged', () => {
    write('base.html', 'v1 {% block b %}{% end %}');
    write('page.html', '{% extends "base.html" %}{% block b %}page{% end %}');
    const loader = new Loader(root);
    expect(loader.load('page.html').generate()).toBe('v1 page');
    write('base.html', 'v2 {% block b %}{% end %}', new Date(Date.now() + 10_000));
    expect(loader.reloadIfChanged('page.html').generate()).toBe('v2 page');
  });

  it('reports a deleted file on the next checked load', () => {
    write('a.html', 'a');
    const loader = new Loader(root, { checkMtime: true });
    loader.load('a.html');
    rmSync(join(root, 'a.html'));
    expect(() => loader.load('a.html')).toThrow(TemplateNotFoundError);
  });
});
