#!/usr/bin/env node
// Enforces the layering rule of DESIGN.md section 2 (table in tools/layers.json): every package.json
// dependency and every import in packages/*/src must be allowed for that package.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCOPE = '@tornado-ts/';
const BUILTINS = new Set(builtinModules);
const IMPORT_RE =
  /(?:^|[^.\w$])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|(?:^|[^.\w$])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;

function workspaceName(pkg) {
  return pkg === 'tornado-ts' ? 'tornado-ts' : SCOPE + pkg;
}

/** The workspace packages `name` may reach: its listed dependencies and everything they may reach. */
function reachable(table, name, seen = new Set()) {
  for (const dep of table[name]?.dependsOn ?? []) {
    if (dep === '*') return new Set(Object.keys(table));
    if (!seen.has(dep)) {
      seen.add(dep);
      reachable(table, dep, seen);
    }
  }
  return seen;
}

function globToRegExp(glob) {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}

function listSourceFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listSourceFiles(path));
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Strips comments so that imports inside them are not counted. */
function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function bareName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Checks the repository at `root`; returns a list of human-readable violations (empty when clean).
 * @param {string} root
 * @param {{ table?: object }} [options]
 */
export function checkLayers(root, options = {}) {
  const config = options.table ?? JSON.parse(readFileSync(join(root, 'tools/layers.json'), 'utf8'));
  const table = config.packages;
  const forbiddenBelowWeb = new Set(config.forbiddenBelowWeb);
  const byWorkspaceName = new Map(Object.keys(table).map((pkg) => [workspaceName(pkg), pkg]));
  const violations = [];
  const packagesDir = join(root, 'packages');
  if (!existsSync(packagesDir)) return violations;

  for (const dir of readdirSync(packagesDir)) {
    const pkgJsonPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(pkgJsonPath)) continue;
    const pkgJson = JSON.parse(readFileSync(pkgJsonPath, 'utf8'));
    const pkg = byWorkspaceName.get(pkgJson.name);
    if (pkg === undefined) {
      violations.push(`${relative(root, pkgJsonPath)}: package ${pkgJson.name} is not in the DESIGN layer table`);
      continue;
    }
    const entry = table[pkg];
    const allowedWorkspace = reachable(table, pkg);
    const external = entry.external ?? {};

    /** Why `name` (a bare package name) is not allowed from `file`, or null when it is. */
    const verdict = (name, file) => {
      if (name.startsWith('node:') || BUILTINS.has(name)) return null;
      const target = byWorkspaceName.get(name);
      if (target !== undefined) {
        if (target === pkg) return null;
        if (table[target].layer > entry.layer) return `layer ${entry.layer} may not depend on ${name} (layer ${table[target].layer})`;
        if (!allowedWorkspace.has(target)) return `${name} is not among the dependencies DESIGN lists for ${pkg}`;
        if (entry.layer < 4 && forbiddenBelowWeb.has(name)) return `layers below web must never use ${name}`;
        return null;
      }
      if (name.startsWith(SCOPE)) return `${name} is not a package of the DESIGN table`;
      if (!(name in external)) {
        return entry.layer < 4 && forbiddenBelowWeb.has(name)
          ? `layers below web must never use ${name}`
          : `external package ${name} is not allowed for ${pkg} (add it to tools/layers.json with a reason)`;
      }
      const where = external[name];
      if (file !== null && where !== '*' && !globToRegExp(where).test(file)) return `${name} may only be imported from ${where}`;
      return null;
    };

    // devDependencies are not checked: they never reach a user's install, and tests may use anything.
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const name of Object.keys(pkgJson[field] ?? {})) {
        const why = verdict(name, null);
        if (why) violations.push(`${relative(root, pkgJsonPath)} ${field}: ${name}: ${why}`);
      }
    }

    const pkgRoot = join(packagesDir, dir);
    for (const file of listSourceFiles(join(pkgRoot, 'src'))) {
      const rel = relative(pkgRoot, file).split(sep).join('/');
      const source = stripComments(readFileSync(file, 'utf8'));
      for (const match of source.matchAll(IMPORT_RE)) {
        const specifier = match[1] ?? match[2];
        let why = null;
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (!target.startsWith(join(pkgRoot, 'src') + sep) && target !== join(pkgRoot, 'src')) {
            why = 'relative import leaves the package (import siblings by package name, never their internals)';
          }
        } else if (specifier.startsWith(SCOPE) && specifier.split('/').length > 2 && !isPublicSubpath(root, specifier)) {
          why = 'imports another package\'s internals (only its package.json "exports" are public)';
        } else {
          why = verdict(bareName(specifier), rel);
        }
        if (why) violations.push(`${relative(root, file)}: import '${specifier}': ${why}`);
      }
    }
  }
  return violations;
}

function isPublicSubpath(root, specifier) {
  const [scope, name, ...rest] = specifier.split('/');
  const pkgJsonPath = join(root, 'packages', name, 'package.json');
  if (!existsSync(pkgJsonPath)) return false;
  const exportsMap = JSON.parse(readFileSync(pkgJsonPath, 'utf8')).exports ?? {};
  return Object.hasOwn(exportsMap, `./${rest.join('/')}`) && scope === SCOPE.slice(0, -1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rootArg = process.argv.indexOf('--root');
  const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const violations = checkLayers(root);
  if (violations.length > 0) {
    console.error(`check-layers: ${violations.length} violation(s) of the DESIGN layer table:`);
    for (const v of violations) console.error(`  ${v}`);
    process.exit(1);
  }
  console.log('check-layers: every package respects the DESIGN layer table');
}
