import type { z } from 'zod';

/** What a command-line string has to become before the schema sees it. */
export type ValueKind = 'string' | 'number' | 'integer' | 'bigint' | 'boolean' | 'date' | 'other';

interface SchemaInternals {
  _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; checks?: readonly SchemaInternals[]; format?: string } };
  format?: unknown;
}

// Wrappers that do not change what input the schema takes: look through them to the real type.
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function isIntegerFormat(format: unknown): boolean {
  return typeof format === 'string' && /int/.test(format);
}

/**
 * The kind of value a schema takes, looking through `.optional()`, `.default()`, `.transform()`
 * (a pipe's input) and the like; unions, enums and objects are `other`.
 */
export function valueKind(schema: z.ZodType): ValueKind {
  let current = schema as unknown as SchemaInternals;
  for (let depth = 0; depth < 32; depth++) {
    const def = current._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) {
      current = def.innerType as unknown as SchemaInternals;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in as unknown as SchemaInternals;
    } else {
      break;
    }
  }
  const def = current._zod.def;
  switch (def.type) {
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'date':
      return def.type;
    case 'number': {
      const integer = isIntegerFormat(current.format) || (def.checks ?? []).some((check) => isIntegerFormat(check._zod.def.format));
      return integer ? 'integer' : 'number';
    }
    default:
      return 'other';
  }
}
