// One check of the error conventions (STYLE "Errors") for every package at once: each exported error
// class has `name` equal to its class, a TORNADO_ERR_ code that no other error in the project uses,
// and both are documented in its package README. Package tests keep only their own error behaviour.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const packagesDir = resolve(__dirname, '../../packages');
type ErrorClass = new (...args: unknown[]) => Error & { code?: unknown };

/** Constructor arguments for the classes that cannot be built from a message alone. */
const CONSTRUCTOR_ARGS: Record<string, unknown[]> = { TemplateRuntimeError: [new Error('x'), []] };

function build({ exportName, ErrorClass }: FoundError): Error & { code?: unknown } {
  return new ErrorClass(...(CONSTRUCTOR_ARGS[exportName] ?? ['x']));
}

interface FoundError {
  pkg: string;
  exportName: string;
  ErrorClass: ErrorClass;
}

async function exportedErrors(): Promise<FoundError[]> {
  const found: FoundError[] = [];
  for (const pkg of readdirSync(packagesDir).sort()) {
    const entry = join(packagesDir, pkg, 'src/index.ts');
    if (!existsSync(entry)) continue;
    const module = (await import(entry)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value === 'function' && value.prototype instanceof Error) found.push({ pkg, exportName, ErrorClass: value as ErrorClass });
    }
  }
  return found;
}

describe('error conventions across packages', async () => {
  const errors = await exportedErrors();

  it('finds the error classes of every package that has some', () => {
    const packages = new Set(errors.map((error) => error.pkg));
    for (const pkg of ['escape', 'ioloop', 'locks', 'queues', 'iostream', 'tcpserver', 'tcpclient', 'httputil', 'template']) {
      expect(packages.has(pkg), pkg).toBe(true);
    }
  });

  it.each(errors.map((error) => [`${error.pkg}: ${error.exportName}`, error] as const))(
    '%s is named after its class, has a TORNADO_ERR_ code and is in the README',
    (_, found) => {
      const { pkg, exportName } = found;
      const error = build(found);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(exportName);
      expect(error.code).toMatch(/^TORNADO_ERR_[A-Z0-9_]+$/);
      const readme = readFileSync(join(packagesDir, pkg, 'README.md'), 'utf8');
      expect(readme).toContain(`\`${exportName}\``);
      expect(readme).toContain(`\`${String(error.code)}\``);
    },
  );

  it('never uses one code for two errors anywhere in the project', () => {
    const owners = new Map<string, string>();
    for (const found of errors) {
      const { pkg, exportName } = found;
      const code = String(build(found).code);
      const owner = `${pkg}: ${exportName}`;
      expect(owners.get(code) ?? owner, `${code} is used by ${owners.get(code)} and ${owner}`).toBe(owner);
      owners.set(code, owner);
    }
  });
});
