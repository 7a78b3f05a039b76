import { mkdtempSync, mkdirSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without type declarations
import { checkLayers } from '../check-layers.mjs';

const repoRoot = resolve(__dirname, '../..');
const script = join(repoRoot, 'tools/check-layers.mjs');
let root = '';

function makeRepo(): string {
  root = mkdtempSync(join(tmpdir(), 'check-layers-'));
  mkdirSync(join(root, 'tools'));
  copyFileSync(join(repoRoot, 'tools/layers.json'), join(root, 'tools/layers.json'));
  return root;
}

function addPackage(name: string, deps: Record<string, string>, files: Record<string, string>, extra: object = {}): void {
  const dir = join(root, 'packages', name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@tornado-ts/${name}`, dependencies: deps, ...extra }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'src', file), text);
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = '';
});

describe('check-layers', () => {
  it('passes on this repository', () => {
    expect(checkLayers(repoRoot)).toEqual([]);
  });

  it('passes a repository that follows the table', () => {
    makeRepo();
    addPackage('ioloop', {}, { 'index.ts': "import { setTimeout } from 'node:timers';\nexport const x = 1;\n", 'executor.ts': "import Piscina from 'piscina';\n" });
    addPackage('iostream', { '@tornado-ts/ioloop': 'workspace:*' }, { 'index.ts': "import { x } from '@tornado-ts/ioloop';\nimport net from 'net';\nexport * from './errors';\n", 'errors.ts': '' });
    addPackage('tcpserver', { '@tornado-ts/iostream': 'workspace:*' }, { 'index.ts': "import { IOLoop } from '@tornado-ts/ioloop';\nimport type { IOStream } from '@tornado-ts/iostream';\n" });
    expect(checkLayers(root)).toEqual([]);
  });

  it('names the file and import of each forbidden dependency', () => {
    makeRepo();
    addPackage('ioloop', {}, { 'index.ts': "import Piscina from 'piscina';\n// import { z } from 'zod'; (a comment does not count)\n" });
    addPackage('iostream', { '@tornado-ts/ioloop': 'workspace:*' }, { 'index.ts': "export { Application } from '@tornado-ts/web';\nconst z = await import('zod');\n" });
    addPackage('locks', { '@tornado-ts/queues': 'workspace:*' }, { 'index.ts': "import { Queue } from '@tornado-ts/queues';\n" });
    addPackage('queues', {}, {});
    addPackage('tcpserver', { ws: '^8' }, { 'server.ts': "import { read } from '../../iostream/src/read-buffer';\nimport { x } from '@tornado-ts/iostream/src/iostream';\nconst ws = require('ws');\n" });
    const violations: string[] = checkLayers(root);
    const expected = [
      /packages\/ioloop\/src\/index\.ts: import 'piscina': piscina may only be imported from src\/executor\*\.ts/,
      /packages\/iostream\/src\/index\.ts: import '@tornado-ts\/web': .*not a package|layer 1 may not depend on @tornado-ts\/web/,
      /packages\/iostream\/src\/index\.ts: import 'zod': layers below web must never use zod/,
      /packages\/locks\/package\.json dependencies: @tornado-ts\/queues: .*not among the dependencies/,
      /packages\/locks\/src\/index\.ts: import '@tornado-ts\/queues'/,
      /packages\/tcpserver\/package\.json dependencies: ws: layers below web must never use ws/,
      /packages\/tcpserver\/src\/server\.ts: import '\.\.\/\.\.\/iostream\/src\/read-buffer': relative import leaves the package/,
      /packages\/tcpserver\/src\/server\.ts: import '@tornado-ts\/iostream\/src\/iostream': imports another package's internals/,
      /packages\/tcpserver\/src\/server\.ts: import 'ws': layers below web must never use ws/,
    ];
    for (const pattern of expected) expect(violations.some((v) => pattern.test(v)), `${pattern} in\n${violations.join('\n')}`).toBe(true);
    expect(violations).toHaveLength(expected.length);
  });

  it('exits non-zero from the command line and prints the violation', () => {
    makeRepo();
    addPackage('escape', {}, { 'index.ts': "import { z } from 'zod';\n" });
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [script, '--root', root], { stdio: 'pipe' });
    } catch (error) {
      const failure = error as { status: number; stderr: Buffer };
      status = failure.status;
      stderr = failure.stderr.toString();
    }
    expect(status).toBe(1);
    expect(stderr).toContain("packages/escape/src/index.ts: import 'zod'");
  });
});
