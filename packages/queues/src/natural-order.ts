/** Orders two items; negative when `a` comes out first, 0 when equal, positive otherwise. */
export type Compare<T> = (a: T, b: T) => number;

type Kind = 'number' | 'string' | 'date' | 'array' | 'other';

function kindOf(value: unknown): Kind {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    default:
      if (Array.isArray(value)) return 'array';
      return value instanceof Date ? 'date' : 'other';
  }
}

/**
 * Python's ordering for what priority items usually are: numbers (and bigints), strings, Dates,
 * and arrays compared element by element like tuples (`[priority, item]`). Identical values are
 * equal; anything else cannot be ordered without a compare function.
 * @throws {TypeError} for values of different kinds or of kinds it cannot order.
 */
export function naturalOrder(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const kind = kindOf(a);
  if (kind !== kindOf(b) || kind === 'other') {
    throw new TypeError(`cannot order ${kind === 'other' ? typeof a : kind} against ${kindOf(b) === 'other' ? typeof b : kindOf(b)}; give PriorityQueue a compare function`);
  }
  if (kind === 'array') {
    const left = a as readonly unknown[];
    const right = b as readonly unknown[];
    const shared = Math.min(left.length, right.length);
    for (let i = 0; i < shared; i++) {
      const order = naturalOrder(left[i], right[i]);
      if (order !== 0) return order;
    }
    return left.length - right.length;
  }
  const x = kind === 'date' ? (a as Date).getTime() : (a as number | bigint | string);
  const y = kind === 'date' ? (b as Date).getTime() : (b as number | bigint | string);
  return x < y ? -1 : x > y ? 1 : 0;
}
