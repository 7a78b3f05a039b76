// Plural-Forms expressions of gettext catalogs. Expected selections for the real-language rules
// were computed with Python's gettext.c2py, which Tornado's gettext locales rely on.
import { describe, expect, it } from 'vitest';
import { compilePluralExpression, germanicPlural } from '../src/locale-plural-forms.js';

function selections(expression: string, upTo: number): string {
  const select = compilePluralExpression(expression);
  return Array.from({ length: upTo + 1 }, (_, n) => select(n)).join('');
}

describe('compilePluralExpression: rules of real languages agree with Python gettext', () => {
  const rules: Array<[string, string, string]> = [
    ['Polish', 'n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2', '20111222222222222222221112222222111222222211122222221112222222111222222211122222221112222222111222222211122222222222222222111'],
    ['Russian', 'n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2', '20111222222222222222201112222220111222222011122222201112222220111222222011122222201112222220111222222011122222222222222220111'],
    ['Arabic', 'n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5', '01233333333444444444444444444444444444444444444444444444444444444444444444444444444444444444444444445553333333344444444444444'],
    ['Slovenian', 'n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3', '30122333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333012233333333333333333333'],
    ['Irish', 'n==1 ? 0 : n==2 ? 1 : (n>2 && n<7) ? 2 :(n>6 && n<11) ? 3 : 4', '40122223333444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444'],
  ];
  it.each(rules)('%s', (_name, expression, expected) => {
    expect(selections(expression, 124)).toBe(expected);
  });

  it('handles the two-form rules and the one-form rule', () => {
    expect(selections('(n != 1)', 3)).toBe('1011');
    expect(selections('(n > 1)', 3)).toBe('0011');
    expect(selections('0', 3)).toBe('0000');
    expect([0, 1, 2].map(germanicPlural)).toEqual([1, 0, 1]);
  });
});

describe('compilePluralExpression: C operator rules', () => {
  it('gives * / % precedence over + -, those over comparisons, then && over ||', () => {
    expect(compilePluralExpression('1 + 2 * 3 == 7')(0)).toBe(1);
    expect(compilePluralExpression('n - 1 - 1')(5)).toBe(3);
    expect(compilePluralExpression('0 || 1 && 0')(0)).toBe(0);
    expect(compilePluralExpression('1 || 0 && 0')(0)).toBe(1);
    expect(compilePluralExpression('(1 + 2) * 3')(0)).toBe(9);
  });

  it('divides as integers and treats a zero divisor as 0', () => {
    expect(compilePluralExpression('n / 2')(7)).toBe(3);
    expect(compilePluralExpression('n / 0')(7)).toBe(0);
    expect(compilePluralExpression('n % 0')(7)).toBe(0);
  });

  it('negates with ! and nests conditionals to the right', () => {
    expect([0, 1, 2].map(compilePluralExpression('!n'))).toEqual([1, 0, 0]);
    expect([0, 1, 2].map(compilePluralExpression('n == 0 ? 5 : n == 1 ? 6 : 7'))).toEqual([5, 6, 7]);
    expect(compilePluralExpression('  n  ')(4)).toBe(4);
  });

  it.each(['', 'n +', 'foo', '(n', 'n)', 'n ? 1', 'n == = 1', 'n; 1', '1 2'])('rejects the malformed expression %j', (expression) => {
    expect(() => compilePluralExpression(expression)).toThrow(SyntaxError);
  });

  it('rejects hostile expressions: too long, too deeply nested', () => {
    expect(() => compilePluralExpression(`n${' + n'.repeat(400)}`)).toThrow(/too long/);
    expect(() => compilePluralExpression(`${'('.repeat(200)}n${')'.repeat(200)}`)).toThrow(/nested too deeply/);
    expect(() => compilePluralExpression(`${'!'.repeat(200)}n`)).toThrow(/nested too deeply/);
    expect(() => compilePluralExpression(`${'n ? 1 : '.repeat(100)}0`)).toThrow(/nested too deeply/);
  });

  it('evaluates a long flat chain within the length limit', () => {
    expect(compilePluralExpression(`n${' + n'.repeat(150)}`)(2)).toBe(302);
  });
});
