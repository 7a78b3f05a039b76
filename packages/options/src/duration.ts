import { z } from 'zod';

const UNIT_MS: Record<string, number> = {
  us: 0.001,
  microsecond: 0.001,
  microseconds: 0.001,
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

// One term: a number and an optional unit, spaces allowed around both.
const TERM = /\s*((?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*/y;

/**
 * Reads a duration such as `45s`, `1h 30min`, `1.5 days` or `250` as milliseconds (a bare number
 * is milliseconds). Returns undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || text.trim() === '' || text.length > 1000) return undefined;
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const match = TERM.exec(text);
    if (match === null) return undefined;
    const unit = match[2] === '' ? 1 : UNIT_MS[match[2].toLowerCase()];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
  }
  return Number.isFinite(total) ? total : undefined;
}

/**
 * A zod schema for durations in milliseconds (Tornado's `timedelta` options): a non-negative
 * number, or text that {@link parseDuration} reads (`--timeout=1.5s`).
 */
export function duration() {
  return z.union([
    z.number().nonnegative(),
    z.string().transform((text, context) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        context.addIssue({ code: 'custom', message: 'expected a duration such as 250ms, 45s, 1h 30min or 2d' });
        return z.NEVER;
      }
      return ms;
    }),
  ]);
}
