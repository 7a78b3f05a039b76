import { readdirSync, existsSync } from 'node:fs';
import { defineWorkspace } from 'vitest/config';

// Tests import sibling packages through the `@tornado-ts/source` export condition, so no build is
// needed first. Setting conditions replaces Vite's defaults, so those are listed again.
const conditions = ['@tornado-ts/source', 'module', 'node', 'development|production'];

function project(dir: string, name: string) {
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      name,
      root: dir,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 20_000,
      hookTimeout: 20_000,
    },
  };
}

const packages = readdirSync('packages').filter((name) => existsSync(`packages/${name}/test`));
const examples = existsSync('docs/examples')
  ? readdirSync('docs/examples').filter((name) => existsSync(`docs/examples/${name}/test`))
  : [];

export default defineWorkspace([
  ...packages.map((name) => project(`packages/${name}`, name)),
  ...examples.map((name) => project(`docs/examples/${name}`, `example-${name}`)),
  project('tools', 'tools'),
]);
