import { describe, expect, it } from 'vitest';
import {
  collectIdentifiers,
  hasTopLevelComma,
  isIdentifierName,
  splitAsClause,
  splitAssignment,
  splitForClause,
} from '../src/js-scan.js';

describe('splitForClause', () => {
  it.each([
    ['x in xs', 'x', 'xs'],
    ['[k, v] in Object.entries(o)', '[k, v]', 'Object.entries(o)'],
    ['{ a, b } in list', '{ a, b }', 'list'],
    ['x in xs.filter((y) => "k" in y)', 'x', 'xs.filter((y) => "k" in y)'],
    ['s in "a in b"', 's', '"a in b"'],
    ['s in `${a in b} in`', 's', '`${a in b} in`'],
    ['[a = "in", b] in pairs', '[a = "in", b]', 'pairs'],
    ['r in /in/g.exec(s)', 'r', '/in/g.exec(s)'],
    ['x /* in */ in xs // in', 'x /* in */', 'xs // in'],
    ['index in indexes', 'index', 'indexes'],
  ])('splits %j', (src, target, iterable) => {
    expect(splitForClause(src)).toEqual({ target, iterable });
  });

  it('finds no clause without a top-level in', () => {
    expect(splitForClause('x of xs')).toBeNull();
    expect(splitForClause('f(a in b)')).toBeNull();
  });
});

describe('splitAssignment', () => {
  const assignments: Record<string, { target: string; value: string }> = {
    'x = 1': { target: 'x', value: '1' },
    '[a = 1, b] = pair': { target: '[a = 1, b]', value: 'pair' },
    '{ a, b: { c } } = o': { target: '{ a, b: { c } }', value: 'o' },
    'o.x = y == 1': { target: 'o.x', value: 'y == 1' },
    'f = (a) => a': { target: 'f', value: '(a) => a' },
    'a = 1, b = 2': { target: 'a', value: '1, b = 2' },
  };

  it.each(Object.entries(assignments))('splits %j', (src, expected) => {
    expect(splitAssignment(src)).toEqual(expected);
  });

  it.each(['x += 1', 'x == 1', 'x === 1', 'x >= 1', 'x => 1', 'f(x = 1)', 'x++', 'a ??= b'])('finds no plain assignment in %j', (src) => {
    expect(splitAssignment(src)).toBeNull();
  });
});

describe('other scans', () => {
  it('splits "expression as name" at the last top-level as', () => {
    expect(splitAsClause('errors.as as e')).toEqual({ expression: 'errors.as', name: 'e' });
    expect(splitAsClause('TypeError')).toBeNull();
  });

  it('finds top-level commas', () => {
    expect(hasTopLevelComma('k, v')).toBe(true);
    expect(hasTopLevelComma('[k, v]')).toBe(false);
    expect(hasTopLevelComma('"a,b"')).toBe(false);
  });

  it('recognises identifier names', () => {
    for (const name of ['a', '$', '_x1', '\u00e9t\u00e9', 'class']) expect(isIdentifierName(name)).toBe(true);
    for (const name of ['1a', 'a-b', '', 'a b', 'a.b']) expect(isIdentifierName(name)).toBe(false);
  });

  it('collects the names an expression may read, not property names', () => {
    const names = new Set<string>();
    collectIdentifiers('item.name + f(...rest, a?.b) + obj . prop', names);
    expect([...names].sort()).toEqual(['a', 'f', 'item', 'obj', 'rest']);
  });
});
