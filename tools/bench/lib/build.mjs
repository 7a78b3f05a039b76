// Peers measure the built dist/ of workspace packages (what users run). Before a run, each package
// a peer needs, and the workspace packages it depends on, must have a dist/ newer than its src/;
// if not, they are built with `pnpm --filter <name>... run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** For each name: null when it can be measured (building it first if `build`), else why not. */
export function ensureBuilt(names, { build }) {
  const reasons = new Map(names.map((name) => [name, whyNotBuilt(name)]));
  const stale = names.filter((name) => reasons.get(name)?.stale);
  if (stale.length > 0 && build) {
    const filters = stale.flatMap((name) => ['--filter', `${name}...`]);
    process.stderr.write(`building ${stale.join(', ')}: pnpm ${filters.join(' ')} run build\n`);
    const { status } = spawnSync('pnpm', [...filters, 'run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
    for (const name of stale) reasons.set(name, whyNotBuilt(name));
    if (status !== 0) process.stderr.write('the build failed; peers needing what it did not build are skipped\n');
  } else if (stale.length > 0) {
    for (const name of stale) reasons.get(name).message += '; run `pnpm build`';
  }
  return new Map([...reasons].map(([name, reason]) => [name, reason?.message ?? null]));
}

/** Null when `name` and its workspace dependencies have a current dist/, else { stale, message }. */
function whyNotBuilt(name) {
  let packages;
  try {
    packages = withWorkspaceDeps(name, createRequire(import.meta.url));
  } catch {
    return { stale: false, message: `${name} is not installed in tools/bench; run \`pnpm install\`` };
  }
  for (const [dep, dir] of packages) {
    const dist = join(dir, 'dist', 'index.js');
    if (!existsSync(dist)) return { stale: true, message: `${dep} has no dist/` };
    if (newestMtime(join(dir, 'src')) > statSync(dist).mtimeMs) return { stale: true, message: `${dep} dist/ is older than src/` };
  }
  return null;
}

/** `name` and every workspace package it depends on, transitively, as name -> directory. */
function withWorkspaceDeps(name, require, found = new Map()) {
  const manifest = require.resolve(`${name}/package.json`);
  found.set(name, dirname(manifest));
  const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
  for (const [dep, range] of Object.entries(dependencies)) {
    if (range.startsWith('workspace:') && !found.has(dep)) withWorkspaceDeps(dep, createRequire(manifest), found);
  }
  return found;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}
