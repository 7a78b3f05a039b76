// Keeps the guides in docs/*.md honest against the real packages, two ways:
// 1. every name a ```ts/```js block imports from a tornado-ts package is exported by that package
//    (type-only imports excepted: they leave no trace at run time);
// 2. every ```ts block right after a `<!-- runnable -->` line is written to a temp file and run with
//    tsx from the packages' sources (the `@tornado-ts/source` condition, as ProcessFixture does); it
//    must exit 0 within a time bound, and each `// prints: text` comment in it must appear in its stdout.
// Only self-contained snippets are marked runnable (no fixed ports, no forks, no certificates).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../..');
const docsDir = join(repoRoot, 'docs');
const packagesDir = join(repoRoot, 'packages');
const RUN_TIMEOUT_MS = 30_000;

interface CodeBlock {
  doc: string;
  line: number;
  lang: string;
  code: string;
  runnable: boolean;
}

interface WorkspacePackage {
  name: string;
  dir: string;
  /** Subpath ('.', './executor') to the source file the `@tornado-ts/source` condition names. */
  sources: Map<string, string>;
}

/** The fenced code blocks of one markdown file, each marked runnable when a `<!-- runnable -->` line precedes it. */
function codeBlocks(doc: string): CodeBlock[] {
  const lines = readFileSync(join(docsDir, doc), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let marked = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (text === '<!-- runnable -->') {
      marked = true;
      continue;
    }
    const fence = /^```(\w*)/.exec(text);
    if (fence === null) {
      if (text !== '') marked = false;
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i]);
    blocks.push({ doc, line: start + 1, lang: fence[1], code: body.join('\n'), runnable: marked });
    marked = false;
  }
  return blocks;
}

function workspacePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const entry of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, entry);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      exports?: Record<string, { '@tornado-ts/source'?: string } | string>;
    };
    const sources = new Map<string, string>();
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'object' ? target['@tornado-ts/source'] : undefined;
      if (source !== undefined) sources.set(subpath, join(dir, source));
    }
    found.push({ name: manifest.name, dir, sources });
  }
  return found;
}

interface NamedImport {
  specifier: string;
  names: string[];
}

/** `import { a, b as c, type T } from 'x'` statements (type-only names and statements left out). */
function namedImports(code: string): NamedImport[] {
  const found: NamedImport[] = [];
  for (const match of code.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    if (match[1] !== undefined) continue;
    const names = match[2]
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '' && !part.startsWith('type '))
      .map((part) => part.split(/\s+as\s+/)[0].trim());
    found.push({ specifier: match[3], names });
  }
  return found;
}

function sourceFor(specifier: string, packages: readonly WorkspacePackage[]): string | null {
  for (const pkg of packages) {
    if (specifier === pkg.name) return pkg.sources.get('.') ?? null;
    if (specifier.startsWith(`${pkg.name}/`)) return pkg.sources.get(`.${specifier.slice(pkg.name.length)}`) ?? null;
  }
  return null;
}

const docs = readdirSync(docsDir)
  .filter((name) => name.endsWith('.md'))
  .sort();
const blocks = docs.flatMap(codeBlocks);
const packages = workspacePackages();
const runnable = blocks.filter((block) => block.runnable);
const scriptBlocks = blocks.filter((block) => ['ts', 'js', 'typescript', 'javascript'].includes(block.lang));

describe('docs code blocks', () => {
  it('finds runnable snippets, each a ts block', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    for (const block of runnable) expect(block.lang, `${block.doc}:${block.line}`).toBe('ts');
  });

  const imports = scriptBlocks.flatMap((block) =>
    namedImports(block.code)
      .filter(({ specifier }) => specifier === 'tornado-ts' || specifier.startsWith('@tornado-ts/'))
      .map((imported) => [`${block.doc}:${block.line} imports from ${imported.specifier}`, imported] as const),
  );

  it.each(imports)('%s: every name exists', async (_, { specifier, names }) => {
    const source = sourceFor(specifier, packages);
    // A package still being written (no source yet) is skipped here; the runnable snippets catch it.
    if (source === null || !existsSync(source)) return;
    const module = (await import(source)) as Record<string, unknown>;
    const missing = names.filter((name) => !(name in module));
    expect(missing, `not exported by ${specifier}`).toEqual([]);
  });
});

// Names in code spans of the migration tables that are not ours to export: JavaScript and Node
// globals, placeholders (`Handler`, `Impl`), a static member, a header, a signal, an env variable.
const NOT_OURS = new Set([
  ...['Promise', 'Buffer', 'AbortSignal', 'AddressInfo', 'Duplex', 'Server', 'TypeError', 'RangeError', 'Object', 'Error'],
  ...['Handler', 'Impl', 'SUPPORTED_METHODS', 'Authorization', 'SIGUSR1', 'TORNADO_LOG_LEVEL'],
]);

describe('migration guide tables', () => {
  // Every class, type or constant named in the tornado-ts column of docs/from-tornado.md's tables
  // must appear in some package's public face (src/index.ts, including type exports).
  const publicFaces = packages
    .flatMap((pkg) => [...pkg.sources.values()])
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const rows = readFileSync(join(docsDir, 'from-tornado.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('|---'));
  const names = new Set<string>();
  for (const row of rows) {
    const ours = row.split(/(?<!\\)\|/)[2] ?? '';
    for (const span of ours.matchAll(/`([^`]+)`/g)) {
      for (const [name] of span[1].matchAll(/\b[A-Z][A-Za-z0-9_]*\b/g)) {
        if (!NOT_OURS.has(name) && !name.startsWith('TORNADO_ERR_')) names.add(name);
      }
    }
  }

  it('names enough of them to mean something', () => {
    expect(names.size).toBeGreaterThan(60);
  });

  it.each([...names].sort())('%s is exported by a package', (name) => {
    expect(publicFaces).toMatch(new RegExp(`\\b${name}\\b`));
  });
});

describe('runnable docs snippets', () => {
  let workDir = '';

  beforeAll(() => {
    // A scratch project whose node_modules point at the workspace packages (and the third-party
    // packages they install, such as zod and ws), so snippets import them by their public names.
    workDir = mkdtempSync(join(tmpdir(), 'docs-examples-'));
    writeFileSync(join(workDir, 'package.json'), JSON.stringify({ name: 'docs-examples', private: true, type: 'module' }));
    const modules = join(workDir, 'node_modules');
    mkdirSync(join(modules, '@tornado-ts'), { recursive: true });
    const linked = new Set<string>();
    const link = (name: string, target: string) => {
      if (linked.has(name)) return;
      linked.add(name);
      if (name.includes('/')) mkdirSync(join(modules, name.split('/')[0]), { recursive: true });
      symlinkSync(target, join(modules, name), 'dir');
    };
    for (const pkg of packages) link(pkg.name, pkg.dir);
    for (const pkg of packages) {
      const own = join(pkg.dir, 'node_modules');
      if (!existsSync(own)) continue;
      for (const entry of readdirSync(own)) {
        if (entry.startsWith('.') || entry === '@tornado-ts' || entry === '@types') continue;
        if (entry.startsWith('@')) {
          for (const scoped of readdirSync(join(own, entry))) link(`${entry}/${scoped}`, join(own, entry, scoped));
        } else {
          link(entry, join(own, entry));
        }
      }
    }
  });

  afterAll(() => {
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  it.each(runnable.map((block) => [`${block.doc}:${block.line}`, block] as const))(
    '%s runs',
    async (_, block) => {
      const file = join(workDir, `${block.doc.replace(/\.md$/, '')}-${block.line}.ts`);
      writeFileSync(file, `${block.code}\n`);
      const result = await runSnippet(file);
      const context = `${block.doc}:${block.line}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.timedOut, `did not exit within ${RUN_TIMEOUT_MS} ms: ${context}`).toBe(false);
      expect(result.code, context).toBe(0);
      for (const match of block.code.matchAll(/\/\/ prints: (.+)$/gm)) {
        expect(result.stdout, context).toContain(match[1].trim());
      }
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});

interface SnippetResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runSnippet(file: string): Promise<SnippetResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--conditions=@tornado-ts/source', '--import', 'tsx', file], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolveResult) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveResult({ code, stdout, stderr, timedOut });
    });
  });
}
