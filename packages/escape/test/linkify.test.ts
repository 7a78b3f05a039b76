import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ArgumentTypeError, linkify, type LinkifyOptions } from '@tornado-ts/escape';

// Tornado's linkify table (tornado/test/escape_test.py), options in camelCase.
const TORNADO_CASES: Array<[string, LinkifyOptions, string]> = [
  ['hello http://world.com/!', {}, 'hello <a href="http://world.com/">http://world.com/</a>!'],
  [
    'hello http://world.com/with?param=true&stuff=yes',
    {},
    'hello <a href="http://world.com/with?param=true&amp;stuff=yes">http://world.com/with?param=true&amp;stuff=yes</a>',
  ],
  // An open parenthesis followed by many characters made Gruber's original pattern explode.
  [
    'http://url.com/w(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    {},
    '<a href="http://url.com/w">http://url.com/w</a>(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  ],
  // So did many dots at the end.
  [
    'http://url.com/withmany.......................................',
    {},
    '<a href="http://url.com/withmany">http://url.com/withmany</a>.......................................',
  ],
  [
    'http://url.com/withmany((((((((((((((((((((((((((((((((((a)',
    {},
    '<a href="http://url.com/withmany">http://url.com/withmany</a>((((((((((((((((((((((((((((((((((a)',
  ],
  ['http://foo.com/blah_blah', {}, '<a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>'],
  ['http://foo.com/blah_blah/', {}, '<a href="http://foo.com/blah_blah/">http://foo.com/blah_blah/</a>'],
  [
    '(Something like http://foo.com/blah_blah)',
    {},
    '(Something like <a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>)',
  ],
  [
    'http://foo.com/blah_blah_(wikipedia)',
    {},
    '<a href="http://foo.com/blah_blah_(wikipedia)">http://foo.com/blah_blah_(wikipedia)</a>',
  ],
  [
    'http://foo.com/blah_(blah)_(wikipedia)_blah',
    {},
    '<a href="http://foo.com/blah_(blah)_(wikipedia)_blah">http://foo.com/blah_(blah)_(wikipedia)_blah</a>',
  ],
  [
    '(Something like http://foo.com/blah_blah_(wikipedia))',
    {},
    '(Something like <a href="http://foo.com/blah_blah_(wikipedia)">http://foo.com/blah_blah_(wikipedia)</a>)',
  ],
  ['http://foo.com/blah_blah.', {}, '<a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>.'],
  ['http://foo.com/blah_blah/.', {}, '<a href="http://foo.com/blah_blah/">http://foo.com/blah_blah/</a>.'],
  ['<http://foo.com/blah_blah>', {}, '&lt;<a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>&gt;'],
  [
    '<http://foo.com/blah_blah/>',
    {},
    '&lt;<a href="http://foo.com/blah_blah/">http://foo.com/blah_blah/</a>&gt;',
  ],
  ['http://foo.com/blah_blah,', {}, '<a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>,'],
  [
    'http://www.example.com/wpstyle/?p=364.',
    {},
    '<a href="http://www.example.com/wpstyle/?p=364">http://www.example.com/wpstyle/?p=364</a>.',
  ],
  ['rdar://1234', { permittedProtocols: ['http', 'rdar'] }, '<a href="rdar://1234">rdar://1234</a>'],
  ['rdar:/1234', { permittedProtocols: ['rdar'] }, '<a href="rdar:/1234">rdar:/1234</a>'],
  [
    'http://userid:password@example.com:8080',
    {},
    '<a href="http://userid:password@example.com:8080">http://userid:password@example.com:8080</a>',
  ],
  ['http://userid@example.com', {}, '<a href="http://userid@example.com">http://userid@example.com</a>'],
  [
    'http://userid@example.com:8080',
    {},
    '<a href="http://userid@example.com:8080">http://userid@example.com:8080</a>',
  ],
  [
    'http://userid:password@example.com',
    {},
    '<a href="http://userid:password@example.com">http://userid:password@example.com</a>',
  ],
  [
    'message://%3c330e7f8409726r6a4ba78dkf1fd71420c1bf6ff@mail.gmail.com%3e',
    { permittedProtocols: ['http', 'message'] },
    '<a href="message://%3c330e7f8409726r6a4ba78dkf1fd71420c1bf6ff@mail.gmail.com%3e">' +
      'message://%3c330e7f8409726r6a4ba78dkf1fd71420c1bf6ff@mail.gmail.com%3e</a>',
  ],
  ['http://\u27a1.ws/\u4a39', {}, '<a href="http://\u27a1.ws/\u4a39">http://\u27a1.ws/\u4a39</a>'],
  [
    '<tag>http://example.com</tag>',
    {},
    '&lt;tag&gt;<a href="http://example.com">http://example.com</a>&lt;/tag&gt;',
  ],
  ['Just a www.example.com link.', {}, 'Just a <a href="http://www.example.com">www.example.com</a> link.'],
  ['Just a www.example.com link.', { requireProtocol: true }, 'Just a www.example.com link.'],
  [
    'A http://reallylong.com/link/that/exceedsthelenglimit.html',
    { requireProtocol: true, shorten: true },
    'A <a href="http://reallylong.com/link/that/exceedsthelenglimit.html"' +
      ' title="http://reallylong.com/link/that/exceedsthelenglimit.html">http://reallylong.com/link...</a>',
  ],
  [
    'A http://reallylongdomainnamethatwillbetoolong.com/hi!',
    { shorten: true },
    'A <a href="http://reallylongdomainnamethatwillbetoolong.com/hi"' +
      ' title="http://reallylongdomainnamethatwillbetoolong.com/hi">http://reallylongdomainnametha...</a>!',
  ],
  [
    'A file:///passwords.txt and http://web.com link',
    {},
    'A file:///passwords.txt and <a href="http://web.com">http://web.com</a> link',
  ],
  [
    'A file:///passwords.txt and http://web.com link',
    { permittedProtocols: ['file'] },
    'A <a href="file:///passwords.txt">file:///passwords.txt</a> and http://web.com link',
  ],
  [
    'www.external-link.com',
    { extraParams: 'rel="nofollow" class="external"' },
    '<a href="http://www.external-link.com" rel="nofollow" class="external">www.external-link.com</a>',
  ],
  [
    'www.external-link.com and www.internal-link.com/blogs extra',
    {
      extraParams: (href) =>
        href.startsWith('http://www.internal-link.com') ? 'class="internal"' : 'rel="nofollow" class="external"',
    },
    '<a href="http://www.external-link.com" rel="nofollow" class="external">www.external-link.com</a>' +
      ' and <a href="http://www.internal-link.com/blogs" class="internal">www.internal-link.com/blogs</a> extra',
  ],
  [
    'www.external-link.com',
    { extraParams: () => '    rel="nofollow" class="external"  ' },
    '<a href="http://www.external-link.com" rel="nofollow" class="external">www.external-link.com</a>',
  ],
];

describe('linkify: Tornado cases', () => {
  it.each(TORNADO_CASES)('linkify(%j, %j)', (text, options, expected) => {
    expect(linkify(text, options)).toBe(expected);
  });
});

describe('linkify: edge cases', () => {
  it('returns the escaped text when there is no link, including for empty input', () => {
    expect(linkify('')).toBe('');
    expect(linkify('plain <text> & "quotes"')).toBe('plain &lt;text&gt; &amp; &quot;quotes&quot;');
  });

  it('takes UTF-8 bytes as text', () => {
    expect(linkify(Buffer.from('voir http://café.fr/é', 'utf8'))).toBe(
      'voir <a href="http://café.fr/é">http://café.fr/é</a>',
    );
  });

  it('rejects a value that is not text', () => {
    expect(() => linkify(42 as unknown as string)).toThrow(ArgumentTypeError);
  });

  it('leaves a protocol that is not permitted as text, whatever its case', () => {
    expect(linkify('javascript://x%0aalert(1)')).toBe('javascript://x%0aalert(1)');
    expect(linkify('HTTP://example.com')).toBe('HTTP://example.com');
  });

  it('accepts permitted protocols as a Set', () => {
    expect(linkify('ftp://host/f', { permittedProtocols: new Set(['ftp']) })).toBe(
      '<a href="ftp://host/f">ftp://host/f</a>',
    );
  });

  it('keeps quotes escaped inside the href, so an attribute cannot be broken out of', () => {
    // Tornado lets &quot; inside a link; it stays an entity, so the href attribute holds.
    expect(linkify('http://x.com/"onmouseover="alert(1)')).toBe(
      '<a href="http://x.com/&quot;onmouseover=&quot;alert(1)">http://x.com/&quot;onmouseover=&quot;alert(1)</a>',
    );
    // &#39; is not allowed inside a link, so the link ends before it.
    expect(linkify("http://x.com/a'b")).toBe('<a href="http://x.com/a">http://x.com/a</a>&#39;b');
  });

  it('starts a protocol at the start of a run of word characters and dashes, as Python does', () => {
    // The protocol is the whole run "x-http" (not permitted), so nothing is linked.
    expect(linkify('x-http://a.com')).toBe('x-http://a.com');
    // Leading dashes are not part of it, since Python's \b cannot fall before them.
    expect(linkify('--http://a.com')).toBe('--<a href="http://a.com">http://a.com</a>');
    // www. after a dash starts a link of its own.
    expect(linkify('x-www.a.com')).toBe('x-<a href="http://www.a.com">www.a.com</a>');
    expect(linkify('xwww.a.com')).toBe('xwww.a.com');
  });

  it('treats Unicode letters and digits as word characters, as Python 3 does', () => {
    expect(linkify('éwww.a.com ٣www.b.com')).toBe('éwww.a.com ٣www.b.com');
    expect(linkify('é http://a.com', { permittedProtocols: ['é-x'] })).toBe('é http://a.com');
    expect(linkify('é-x://a.com', { permittedProtocols: ['é-x'] })).toBe('<a href="é-x://a.com">é-x://a.com</a>');
  });

  it("ends a link at Python's whitespace (U+0085, U+001C) but not at U+FEFF", () => {
    expect(linkify('http://a.com/x\x85y')).toBe('<a href="http://a.com/x">http://a.com/x</a>\x85y');
    expect(linkify('http://a.com/x\x1cy')).toBe('<a href="http://a.com/x">http://a.com/x</a>\x1cy');
    expect(linkify('http://a.com/x\ufeffy')).toBe('<a href="http://a.com/x\ufeffy">http://a.com/x\ufeffy</a>');
  });

  it('adds a space even when the extraParams function returns nothing, as Tornado does', () => {
    expect(linkify('www.a.com', { extraParams: () => '' })).toBe('<a href="http://www.a.com" >www.a.com</a>');
    expect(linkify('www.a.com', { extraParams: '' })).toBe('<a href="http://www.a.com">www.a.com</a>');
  });

  it('passes the href, with http:// added, to the extraParams function', () => {
    const seen: string[] = [];
    linkify('www.a.com and https://b.org/x', {
      extraParams: (href) => {
        seen.push(href);
        return '';
      },
    });
    expect(seen).toEqual(['http://www.a.com', 'https://b.org/x']);
  });

  it('may be called again from inside an extraParams function', () => {
    const out = linkify('www.a.com www.b.com', {
      extraParams: (href) => `data-x="${linkify('plain').length}${href.length}"`,
    });
    expect(out).toBe(
      '<a href="http://www.a.com" data-x="516">www.a.com</a> <a href="http://www.b.com" data-x="516">www.b.com</a>',
    );
  });

  it('does not cut an &amp; entity in half when shortening', () => {
    expect(linkify('http://example.com/abcdefghij?a=1&b=2&c=3&d=4&e=5&f=6&g=7', { shorten: true })).toBe(
      '<a href="http://example.com/abcdefghij?a=1&amp;b=2&amp;c=3&amp;d=4&amp;e=5&amp;f=6&amp;g=7"' +
        ' title="http://example.com/abcdefghij?a=1&amp;b=2&amp;c=3&amp;d=4&amp;e=5&amp;f=6&amp;g=7">' +
        'http://example.com/abcdefgh...</a>',
    );
    expect(linkify('http://x.co/' + 'a'.repeat(40) + '&amp;b', { shorten: true })).toBe(
      `<a href="http://x.co/${'a'.repeat(40)}&amp;amp;b" title="http://x.co/${'a'.repeat(40)}&amp;amp;b">` +
        'http://x.co/aaaaaaaa...</a>',
    );
  });

  it('keeps a link text that shortening would not make shorter', () => {
    const url = 'http://abcdefghijklmnopqrstu.com/abcdefgh';
    expect(linkify(url, { shorten: true })).toBe(`<a href="${url}">${url}</a>`);
  });

  it('shortens by code points, never splitting an astral character', () => {
    const host = '\u{1F600}'.repeat(40);
    expect(linkify(`http://${host}`, { shorten: true })).toBe(
      `<a href="http://${host}" title="http://${host}">http://${'\u{1F600}'.repeat(23)}...</a>`,
    );
    const path = 'http://a.com/' + '\u{1F600}'.repeat(20) + '/more';
    expect(linkify(path, { shorten: true })).toBe(
      `<a href="${path}" title="${path}">http://a.com/${'\u{1F600}'.repeat(8)}...</a>`,
    );
  });

  it('stays linear on input that takes Tornado seconds (a long run of "a-")', () => {
    const text = 'a-'.repeat(50_000) + ' ' + 'a:/'.repeat(30_000) + ' http://x.com/' + '.'.repeat(50_000);
    const started = performance.now();
    const out = linkify(text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.endsWith('<a href="http://x.com/">http://x.com/</a>' + '.'.repeat(50_000))).toBe(true);
  });
});
