import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { UnicodeDecodeError } from '@tornado-ts/escape';
import { stringify, TemplateRuntimeError } from '@tornado-ts/template';
import { escapeValue, templateFailure } from '../src/runtime.js';

describe('stringify', () => {
  it('writes values as Tornado writes them, null and undefined as nothing', () => {
    expect(stringify('a<')).toBe('a<');
    expect(stringify(null)).toBe('');
    expect(stringify(undefined)).toBe('');
    expect(stringify(0)).toBe('0');
    expect(stringify(false)).toBe('false');
    expect(stringify(Symbol('s'))).toBe('Symbol(s)');
    expect(stringify(Buffer.from('\u00e9'))).toBe('\u00e9');
    expect(stringify(new Uint8Array([0x68, 0x69]))).toBe('hi');
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() => stringify(Buffer.from([0xff]))).toThrow(UnicodeDecodeError);
  });
});

describe('escapeValue', () => {
  it('stringifies, then escapes', () => {
    expect(escapeValue('<&>"\'')).toBe('&lt;&amp;&gt;&quot;&#39;');
    expect(escapeValue(12.5)).toBe('12.5');
    expect(escapeValue(null)).toBe('');
    expect(escapeValue(Buffer.from('<'))).toBe('&lt;');
    expect(escapeValue({ toString: () => '<b>' })).toBe('&lt;b&gt;');
  });
});

describe('templateFailure', () => {
  it('wraps an error with where it happened', () => {
    const cause = new Error('x');
    const error = templateFailure(cause, [{ filename: 'a.html', lineno: 2 }]);
    expect(error).toBeInstanceOf(TemplateRuntimeError);
    expect(error.cause).toBe(cause);
  });

  it('adds the caller\'s place to an error from a nested render, keeping the original cause', () => {
    const cause = new Error('x');
    const inner = templateFailure(cause, [{ filename: 'sub.html', lineno: 1 }]);
    const outer = templateFailure(inner, [{ filename: 'base.html', lineno: 5 }]);
    expect(outer.cause).toBe(cause);
    expect(outer.locations).toEqual([
      { filename: 'sub.html', lineno: 1 },
      { filename: 'base.html', lineno: 5 },
    ]);
  });
});
