import { describe, expect, it } from 'vitest';
import { DictLoader, filterWhitespace, ParseError, Template, TemplateOptionError, whitespaceForName } from '@tornado-ts/template';

describe('filterWhitespace', () => {
  it('keeps everything in all mode', () => {
    expect(filterWhitespace('all', ' \t a \n\n b ')).toBe(' \t a \n\n b ');
  });

  it('collapses runs to one character in single mode, a newline when the run had one', () => {
    expect(filterWhitespace('single', ' \t a   b\t\tc')).toBe(' a b c');
    expect(filterWhitespace('single', 'a \n \n\t b')).toBe('a\nb');
  });

  it('collapses every run to one space in oneline mode', () => {
    expect(filterWhitespace('oneline', ' a \n\n b\t')).toBe(' a b ');
  });

  it('refuses an unknown mode', () => {
    expect(() => filterWhitespace('none' as never, 'x')).toThrow(TemplateOptionError);
  });

  it('defaults by name: single for .html and .js, all otherwise', () => {
    expect(['a.html', 'a.js', 'a.txt', 'a.htm', '<string>'].map(whitespaceForName)).toEqual(['single', 'single', 'all', 'all', 'all']);
  });
});

describe('whitespace: Tornado AutoEscapeTest cases', () => {
  it('lets whitespace inside tags keep the output compact', () => {
    const loader = new DictLoader({
      'foo.txt': `\
{% for i in items
  %}{% if i > 0 %}, {% end %}{#
  #}{{i
  }}{% end
%}`,
    });
    function* range(n: number) {
      for (let i = 0; i < n; i++) yield i;
    }
    expect(loader.load('foo.txt').generate({ items: range(5) })).toBe('0, 1, 2, 3, 4');
  });

  it('chooses the mode by file name, per file even through includes', () => {
    const templates = {
      'foo.html': '   \n\t\n asdf\t   ',
      'bar.js': ' \n\n\n\t qwer     ',
      'baz.txt': '\t    zxcv\n\n',
      'include.html': '  {% include baz.txt %} \n ',
      'include.txt': '\t\t{% include foo.html %}    ',
    };
    const loader = new DictLoader(templates);
    expect(loader.load('foo.html').generate()).toBe('\nasdf ');
    expect(loader.load('bar.js').generate()).toBe('\nqwer ');
    expect(loader.load('baz.txt').generate()).toBe('\t    zxcv\n\n');
    expect(loader.load('include.html').generate()).toBe(' \t    zxcv\n\n\n');
    expect(loader.load('include.txt').generate()).toBe('\t\t\nasdf     ');
  });

  it('takes the mode of the loader over the name', () => {
    const templates = { 'foo.html': '\t\tfoo\n\n', 'bar.txt': '\t\tbar\n\n' };
    let loader = new DictLoader(templates, { whitespace: 'all' });
    expect(loader.load('foo.html').generate()).toBe('\t\tfoo\n\n');
    expect(loader.load('bar.txt').generate()).toBe('\t\tbar\n\n');
    loader = new DictLoader(templates, { whitespace: 'single' });
    expect(loader.load('foo.html').generate()).toBe(' foo\n');
    expect(loader.load('bar.txt').generate()).toBe(' bar\n');
    loader = new DictLoader(templates, { whitespace: 'oneline' });
    expect(loader.load('foo.html').generate()).toBe(' foo ');
    expect(loader.load('bar.txt').generate()).toBe(' bar ');
  });

  it('changes the mode from a {% whitespace %} directive on', () => {
    const loader = new DictLoader({
      'foo.html': `\
{% whitespace oneline %}
    {% for i in [0, 1, 2] %}
        {{ i }}
    {% end %}
{% whitespace all %}
    pre\tformatted
`,
    });
    expect(loader.load('foo.html').generate()).toBe('  0  1  2  \n    pre\tformatted\n');
  });
});

describe('whitespace: more', () => {
  it('leaves text holding <pre> alone', () => {
    expect(new Template('<pre>  a\n\n  b</pre>', { whitespace: 'oneline' }).generate()).toBe('<pre>  a\n\n  b</pre>');
  });

  it('takes the template option over the loader and the name', () => {
    const loader = new DictLoader({}, { whitespace: 'oneline' });
    expect(new Template('a \n b', { name: 'x.html', loader, whitespace: 'all' }).generate()).toBe('a \n b');
    expect(new Template('a \n b', { name: 'x.html', loader }).generate()).toBe('a b');
  });

  it('refuses an unknown mode in the directive and in a loader', () => {
    expect(() => new Template('{% whitespace tight %}')).toThrow(ParseError);
    expect(() => new DictLoader({}, { whitespace: 'tight' as never })).toThrow(TemplateOptionError);
  });
});
