import { HTTPInputError } from './errors';

/**
 * Arguments by name, each with every value received in order. Values stay raw bytes, as in
 * Tornado (`web` decodes them, UTF-8 by default); names are decoded as UTF-8. The object has no
 * prototype, so a name like `__proto__` or `constructor` is an ordinary key.
 */
export type ArgumentMap = Record<string, Buffer[]>;

/** Limits for {@link parseQueryString}. */
export interface ParseQueryStringOptions {
  /** The most `&`-separated fields accepted (Tornado 6.5.8/6.5.9: 1000); more is a 400. */
  maxArguments?: number;
}

/** The default limit on form-encoded and query-string fields. */
export const DEFAULT_MAX_ARGUMENTS = 1000;

/** An empty {@link ArgumentMap} (no prototype). */
export function createArgumentMap(): ArgumentMap {
  return Object.create(null) as ArgumentMap;
}

/**
 * Appends `value` under `key`, safely for any key: `__proto__` becomes an own property even on an
 * ordinary object instead of replacing its prototype.
 */
export function appendArgument<T>(map: Record<string, T[]>, key: string, ...values: T[]): void {
  if (Object.hasOwn(map, key)) {
    const list = map[key];
    for (const value of values) list.push(value);
  } else if (key === '__proto__') {
    Object.defineProperty(map, key, { value: values, writable: true, enumerable: true, configurable: true });
  } else map[key] = values;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Decodes one `application/x-www-form-urlencoded` component of `bytes[start, end)`: `+` becomes
 * a space, `%XX` its byte; a `%` not followed by two hex digits is kept as is (Python `unquote`).
 * Returns a view into `bytes` when nothing needs decoding.
 */
export function decodeFormComponent(bytes: Buffer, start: number, end: number): Buffer {
  let i = start;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c === 0x25 || c === 0x2b) break;
  }
  if (i === end) return bytes.subarray(start, end);
  const out = Buffer.allocUnsafe(end - start);
  let n = bytes.copy(out, 0, start, i);
  for (; i < end; i++) {
    const c = bytes[i];
    if (c === 0x2b) {
      out[n++] = 0x20;
    } else if (c === 0x25 && i + 2 < end) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
      } else {
        out[n++] = c;
      }
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

/** Bytes of a query string: latin1 when every char fits in a byte (as the wire gave it), else UTF-8. */
export function queryBytes(qs: string | Buffer): Buffer {
  if (typeof qs !== 'string') return qs;
  return /[^\x00-\xff]/.test(qs) ? Buffer.from(qs, 'utf8') : Buffer.from(qs, 'latin1');
}

/**
 * Calls `onPair(nameBytes, valueBytes)` for each field of a form-encoded string, Python
 * `parse_qsl(keep_blank_values=True)` style: fields split on `&`, empty fields skipped, a field
 * without `=` has an empty value.
 * @throws {HTTPInputError} (400) when there are more than `maxArguments` fields.
 */
export function forEachFormField(
  bytes: Buffer,
  maxArguments: number,
  onPair: (name: Buffer, value: Buffer) => void,
): void {
  // Count first, as Python's max_num_fields does (1 + the number of separators).
  let fields = 1;
  for (let at = bytes.indexOf(0x26); at !== -1; at = bytes.indexOf(0x26, at + 1)) {
    if (++fields > maxArguments) {
      throw new HTTPInputError(`Too many arguments (more than ${maxArguments})`, { status: 400 });
    }
  }
  const n = bytes.length;
  let start = 0;
  while (start <= n) {
    let end = bytes.indexOf(0x26, start);
    if (end === -1) end = n;
    if (end > start) {
      // Search only inside the field, so a long field without `=` is not rescanned per field.
      const found = bytes.subarray(start, end).indexOf(0x3d);
      const eq = found === -1 ? end : start + found;
      const name = decodeFormComponent(bytes, start, eq);
      const value = eq < end ? decodeFormComponent(bytes, eq + 1, end) : Buffer.alloc(0);
      onPair(name, value);
    }
    start = end + 1;
  }
}

/**
 * Parses a query string or form-encoded body into an {@link ArgumentMap}, keeping blank values
 * (Tornado's `parse_qs_bytes(..., keep_blank_values=True)`); `+` is a space.
 * @throws {HTTPInputError} (400) when there are more than `maxArguments` (default 1000) fields.
 */
export function parseQueryString(qs: string | Buffer, options: ParseQueryStringOptions = {}): ArgumentMap {
  const result = createArgumentMap();
  forEachFormField(queryBytes(qs), options.maxArguments ?? DEFAULT_MAX_ARGUMENTS, (name, value) => {
    appendArgument(result, name.toString('utf8'), value);
  });
  return result;
}

/** Flattens `{ name: [v1, v2] }` back into `[name, v1], [name, v2]` pairs (Tornado's `qs_to_qsl`). */
export function* qsToQsl<T>(qs: Readonly<Record<string, readonly T[]>>): Generator<[string, T]> {
  for (const name of Object.keys(qs)) {
    for (const value of qs[name]) yield [name, value];
  }
}
