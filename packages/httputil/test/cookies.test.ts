import { parseCookie, unquoteCookieValue } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

const plain = (o: Record<string, string>) => ({ ...o });

describe('parseCookie (Tornado ParseCookieTest)', () => {
  it('parses the cases from Python test_http_cookies', () => {
    expect(plain(parseCookie('chips=ahoy; vienna=finger'))).toEqual({ chips: 'ahoy', vienna: 'finger' });
    // Every ; is a delimiter, even inside quotes (unlike Python's SimpleCookie).
    expect(plain(parseCookie('keebler="E=mc2; L=\\"Loves\\"; fudge=\\012;"'))).toEqual({
      keebler: '"E=mc2',
      L: '\\"Loves\\"',
      fudge: '\\012',
      '': '"',
    });
    expect(plain(parseCookie('keebler=E=mc2'))).toEqual({ keebler: 'E=mc2' });
    expect(plain(parseCookie('key:term=value:term'))).toEqual({ 'key:term': 'value:term' });
    expect(plain(parseCookie('a=b; c=[; d=r; f=h'))).toEqual({ a: 'b', c: '[', d: 'r', f: 'h' });
  });

  it('handles the edge cases RFC 6265 allows; the last repeated name wins', () => {
    expect(plain(parseCookie('a=b; Domain=example.com'))).toEqual({ a: 'b', Domain: 'example.com' });
    expect(plain(parseCookie('a=b; h=i; a=c'))).toEqual({ a: 'c', h: 'i' });
  });

  it('accepts what browsers send for document.cookie values (test_invalid_cookies)', () => {
    expect(Object.keys(parseCookie('abc=def; unnamed; django_language=en'))).toContain('django_language');
    expect(plain(parseCookie('a=b; "; c=d'))).toEqual({ a: 'b', '': '"', c: 'd' });
    expect(plain(parseCookie('a b c=d e = f; gh=i'))).toEqual({ 'a b c': 'd e = f', gh: 'i' });
    expect(plain(parseCookie('a   b,c<>@:/[]?{}=d  "  =e,f g'))).toEqual({ 'a   b,c<>@:/[]?{}': 'd  "  =e,f g' });
    expect(plain(parseCookie('saint=André Bessette'))).toEqual({ saint: 'André Bessette' });
    expect(plain(parseCookie('  =  b  ;  ;  =  ;   c  =  ;  '))).toEqual({ '': 'b', c: '' });
  });

  it.each([
    ['a="b=\\""', 'b="'],
    ['a="b=\\\\"', 'b=\\'],
    ['a="b=\\="', 'b=='],
    ['a="b=\\n"', 'b=n'],
    ['a="b=\\042"', 'b="'],
    ['a="b=\\134"', 'b=\\'],
    ['a="b=\\377"', 'b=\xff'],
    ['a="b=\\400"', 'b=400'],
    ['a="b=\\42"', 'b=42'],
    ['a="b=\\\\042"', 'b=\\042'],
    ['a="b=\\\\134"', 'b=\\134'],
    ['a="b=\\\\\\""', 'b=\\"'],
    ['a="b=\\\\\\042"', 'b=\\"'],
    ['a="b=\\134\\""', 'b=\\"'],
    ['a="b=\\134\\042"', 'b=\\"'],
  ])('unquotes %s (test_unquote)', (encoded, decoded) => {
    expect(parseCookie(encoded).a).toBe(decoded);
  });

  it('leaves unquoted or too-short values alone, and keeps a backslash before LF', () => {
    expect(unquoteCookieValue('"')).toBe('"');
    expect(unquoteCookieValue('abc')).toBe('abc');
    expect(unquoteCookieValue('"abc')).toBe('"abc');
    expect(unquoteCookieValue('""')).toBe('');
    expect(unquoteCookieValue('"a\\\nb"')).toBe('a\\\nb');
  });

  it.each(['\\\\', '\\134'])('unquotes 100k %s escapes in linear time (test_unquote_large, CVE-2024-52804)', (enc) => {
    const n = 100_000;
    const start = performance.now();
    const value = parseCookie(`a="b=${enc.repeat(n)}"`).a;
    expect(value.slice(0, 3)).toBe('b=\\');
    expect(value.slice(-3)).toBe('\\\\\\');
    expect(value.length).toBe(n + 2);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('parses 64 KB of \\" patterns and many semicolons quickly', () => {
    const patterns = `a="${'\\"'.repeat(32 * 1024)}"`;
    const semis = 'x=1;'.repeat(16 * 1024);
    const start = performance.now();
    expect(parseCookie(patterns).a.length).toBe(32 * 1024);
    expect(Object.keys(parseCookie(semis))).toEqual(['x']);
    expect(Object.keys(parseCookie(';'.repeat(64 * 1024)))).toEqual([]);
    expect(Object.keys(parseCookie('a=b;'.repeat(100) + '"' + ';'.repeat(60_000) + '"'))).toHaveLength(2);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('trims only SP and HTAB, so NBSP/NEL-prefixed names stay distinct (cookie prefix spoofing)', () => {
    const cookies = parseCookie('\u00a0__Host-id=evil; __Host-id=good; \u0085__Secure-x=1;\tt = v\t');
    expect(cookies['__Host-id']).toBe('good');
    expect(cookies['\u00a0__Host-id']).toBe('evil');
    expect(cookies['\u0085__Secure-x']).toBe('1');
    expect(cookies.t).toBe('v');
  });

  it('returns an object without prototype, so __proto__ is an ordinary name', () => {
    const cookies = parseCookie('__proto__=x; constructor=y');
    expect(Object.getPrototypeOf(cookies)).toBeNull();
    expect(cookies.__proto__).toBe('x');
    expect(cookies.constructor).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
