import { splitHostAndPort, urlConcat } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

describe('urlConcat (Tornado TestUrlConcat)', () => {
  it.each([
    ['https://localhost/path', [['y', 'y'], ['z', 'z']], 'https://localhost/path?y=y&z=z'],
    ['https://localhost/path', [['y', '/y'], ['z', 'z']], 'https://localhost/path?y=%2Fy&z=z'],
    ['https://localhost/path?', [['y', 'y'], ['z', 'z']], 'https://localhost/path?y=y&z=z'],
    ['https://localhost/path?x', [['y', 'y'], ['z', 'z']], 'https://localhost/path?x=&y=y&z=z'],
    ['https://localhost/path?x&', [['y', 'y'], ['z', 'z']], 'https://localhost/path?x=&y=y&z=z'],
    ['https://localhost/path?a=1&b=2', [['y', 'y'], ['z', 'z']], 'https://localhost/path?a=1&b=2&y=y&z=z'],
    ['https://localhost/path?r=1&t=2', [], 'https://localhost/path?r=1&t=2'],
    ['https://localhost/path#tab', [['y', 'y']], 'https://localhost/path?y=y#tab'],
    ['https://localhost/path', [['y', 'y1'], ['y', 'y2']], 'https://localhost/path?y=y1&y=y2'],
    ['https://localhost/path?r=1&r=2', [['y', 'y']], 'https://localhost/path?r=1&r=2&y=y'],
  ] as [string, [string, string][], string][])('%s + %j', (url, args, expected) => {
    expect(urlConcat(url, args)).toBe(expected);
  });

  it('returns the url unchanged for null', () => {
    expect(urlConcat('https://localhost/path?r=1&t=2', null)).toBe('https://localhost/path?r=1&t=2');
    expect(urlConcat('/p?a=%7e', undefined)).toBe('/p?a=%7e');
  });

  it('accepts an object', () => {
    expect(urlConcat('https://localhost/path', { y: 'y' })).toBe('https://localhost/path?y=y');
    expect(urlConcat('http://example.com/foo?a=b', { c: 'd', n: 1, t: true })).toBe(
      'http://example.com/foo?a=b&c=d&n=1&t=true',
    );
  });

  it('encodes like Python quote_plus and re-encodes the existing query', () => {
    expect(urlConcat('/p', [['q', "a b/é!'()*~_.-"]])).toBe("/p?q=a+b%2F%C3%A9%21%27%28%29%2A~_.-");
    expect(urlConcat('/p?a=%7e+x', [])).toBe('/p?a=~+x');
  });

  it('throws TypeError for other argument types', () => {
    expect(() => urlConcat('/p', 'a=b' as never)).toThrow(TypeError);
  });
});

describe('splitHostAndPort', () => {
  it.each([
    ['example.com', ['example.com', null]],
    ['example.com:8080', ['example.com', 8080]],
    ['[::1]:80', ['[::1]', 80]],
    ['[::1]', ['[::1]', null]],
    ['::1', [':', 1]], // as Tornado: an unbracketed IPv6 address is not a host:port
    ['example.com:', ['example.com:', null]],
    [':80', [':80', null]],
    ['a:b', ['a:b', null]],
    ['', ['', null]],
  ] as [string, [string, number | null]][])('%j', (netloc, expected) => {
    expect(splitHostAndPort(netloc)).toEqual(expected);
  });
});
