import { readFileSync, statSync, type Stats } from 'node:fs';
import { posix, resolve, sep } from 'node:path';
import { ParseError, TemplateNotFoundError, TemplatePathError } from './errors.js';
import type { Namespace } from './namespace.js';
import type { Autoescape } from './nodes.js';
import { Template, type TemplateLoader } from './template.js';
import { checkWhitespaceMode, type WhitespaceMode } from './whitespace.js';

/** Settings a loader gives every template it loads. */
export interface LoaderOptions {
  /** How `{{ }}` is escaped: a function's name in the namespace, a function, or null; default `xhtmlEscape`. */
  autoescape?: Autoescape;
  /** Entries every template sees, over the defaults; read when each template is compiled. */
  namespace?: Namespace;
  /** Whitespace mode for every template; default by name (`single` for .html/.js, else `all`). */
  whitespace?: WhitespaceMode | null;
}

/** Options of a {@link Loader}. */
export interface FileLoaderOptions extends LoaderOptions {
  /** Stat each template's files on every load and recompile when one changed (for debug mode). */
  checkMtime?: boolean;
}

/**
 * Loads templates by name and keeps them compiled, so each file is parsed and compiled once.
 * Names are `/`-separated and relative to the loader's root; inside a template, `extends` and
 * `include` names are relative to that template's directory. No name can leave the root.
 */
export abstract class BaseLoader implements TemplateLoader {
  readonly autoescape: Autoescape;
  readonly namespace: Namespace;
  readonly whitespace: WhitespaceMode | null;
  readonly #templates = new Map<string, Template>();
  /** The names being compiled right now, in order: a name met again is a cycle. */
  readonly #loading = new Set<string>();

  constructor(options: LoaderOptions = {}) {
    this.autoescape = options.autoescape === undefined ? 'xhtmlEscape' : options.autoescape;
    this.namespace = options.namespace ?? {};
    this.whitespace = options.whitespace == null ? null : checkWhitespaceMode(options.whitespace);
  }

  /** Forgets every compiled template, so the next load reads and compiles afresh. */
  reset(): void {
    this.#templates.clear();
  }

  /**
   * Turns a template name, relative to the template `parentPath` when given, into the loader's
   * normalized name for it.
   * @throws {TemplatePathError} for empty or absolute names, backslashes, NUL, or leaving the root.
   */
  resolvePath(name: string, parentPath?: string): string {
    if (typeof name !== 'string' || name === '') throw new TemplatePathError(String(name), 'it is empty');
    if (name.includes('\0') || name.includes('\\')) {
      throw new TemplatePathError(name, 'it contains a backslash or NUL byte');
    }
    if (name.startsWith('/')) throw new TemplatePathError(name, 'absolute names are not allowed');
    const relative =
      parentPath !== undefined && parentPath !== '' && !parentPath.startsWith('<')
        ? posix.join(posix.dirname(parentPath), name)
        : name;
    const normalized = posix.normalize(relative);
    if (normalized === '..' || normalized.startsWith('../')) {
      throw new TemplatePathError(name, `it resolves outside the template root (${normalized})`);
    }
    if (normalized === '.' || normalized.endsWith('/')) throw new TemplatePathError(name, 'it names a directory');
    return normalized;
  }

  /**
   * The compiled template called `name` (relative to `parentPath`, a template name), compiled on
   * first use and cached.
   * @throws {TemplateNotFoundError} when there is no such template.
   * @throws {TemplatePathError} when the name is refused.
   * @throws {ParseError} when it (or a template it extends or includes) does not parse.
   */
  load(name: string, parentPath?: string): Template {
    return this.loadResolved(this.resolvePath(name, parentPath));
  }

  /** Loads a name already resolved by {@link resolvePath}. */
  protected loadResolved(name: string): Template {
    const cached = this.#templates.get(name);
    if (cached !== undefined) return cached;
    if (this.#loading.has(name)) {
      const chain = [...this.#loading];
      throw new ParseError(`circular extends or include: ${[...chain.slice(chain.indexOf(name)), name].join(' -> ')}`);
    }
    this.#loading.add(name);
    let template: Template;
    try {
      template = this.createTemplate(name);
    } finally {
      this.#loading.delete(name);
    }
    this.#templates.set(name, template);
    return template;
  }

  /** The cached template called `name` (a resolved name), if any. */
  protected cached(name: string): Template | undefined {
    return this.#templates.get(name);
  }

  /** Drops one template from the cache. */
  protected forget(name: string): void {
    this.#templates.delete(name);
  }

  /** Reads and compiles the template called `name` (resolved): `new Template(source, { name, loader: this })`. */
  protected abstract createTemplate(name: string): Template;
}

/** Loads templates from an object of sources by name (tests, embedded templates). */
export class DictLoader extends BaseLoader {
  readonly #sources: Readonly<Record<string, string | Uint8Array>>;

  constructor(sources: Readonly<Record<string, string | Uint8Array>>, options?: LoaderOptions) {
    super(options);
    this.#sources = sources;
  }

  protected createTemplate(name: string): Template {
    if (!Object.hasOwn(this.#sources, name)) throw new TemplateNotFoundError(name);
    return new Template(this.#sources[name], { name, loader: this });
  }
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** What a template was compiled from: each file's modification time and size when it was read. */
type Stamp = readonly (readonly [name: string, mtimeMs: number, size: number])[];

/**
 * Loads templates from files under one root directory (synchronously, as Tornado does), read as
 * UTF-8. With `checkMtime`, a template whose file or whose parents' or includes' files changed is
 * recompiled on its next load.
 */
export class Loader extends BaseLoader {
  /** The absolute root directory. */
  readonly root: string;
  readonly #checkMtime: boolean;
  /** Above 0 while reloadIfChanged runs: dependencies are checked too. */
  #checking = 0;
  readonly #fileStats = new WeakMap<Template, Stats>();
  readonly #stamps = new WeakMap<Template, Stamp>();

  constructor(root: string, options: FileLoaderOptions = {}) {
    super(options);
    this.root = resolve(root);
    this.#checkMtime = options.checkMtime ?? false;
  }

  override load(name: string, parentPath?: string): Template {
    const resolved = this.resolvePath(name, parentPath);
    if (this.#checkMtime || this.#checking > 0) this.#forgetIfChanged(resolved);
    return this.loadResolved(resolved);
  }

  /**
   * Loads a template, first recompiling it if its file, or a file it extends or includes, changed
   * since it was compiled (what `checkMtime` does on every load).
   */
  reloadIfChanged(name: string, parentPath?: string): Template {
    this.#checking++;
    try {
      return this.load(name, parentPath);
    } finally {
      this.#checking--;
    }
  }

  /** The file a resolved name stands for. @throws {TemplatePathError} if it would leave the root. */
  pathOf(name: string): string {
    const file = resolve(this.root, ...name.split('/'));
    if (!file.startsWith(this.root + sep)) throw new TemplatePathError(name, 'it resolves outside the template root');
    return file;
  }

  protected createTemplate(name: string): Template {
    const file = this.pathOf(name);
    let stats: Stats;
    let source: Buffer;
    try {
      stats = statSync(file);
      source = readFileSync(file);
    } catch (error) {
      if (MISSING.has((error as NodeJS.ErrnoException).code ?? '')) throw new TemplateNotFoundError(name, { cause: error });
      throw error;
    }
    const template = new Template(source, { name, loader: this });
    this.#fileStats.set(template, stats);
    // Every dependency was loaded (and so is cached) while the template compiled.
    const stamp: [string, number, number][] = [[name, stats.mtimeMs, stats.size]];
    for (const dependency of template.dependencies) {
      const cached = this.cached(dependency);
      const depStats = cached === undefined ? undefined : this.#fileStats.get(cached);
      stamp.push([dependency, depStats?.mtimeMs ?? -1, depStats?.size ?? -1]);
    }
    this.#stamps.set(template, stamp);
    return template;
  }

  #forgetIfChanged(name: string): void {
    const template = this.cached(name);
    if (template === undefined) return;
    const stamp = this.#stamps.get(template) ?? [];
    for (const [file, mtimeMs, size] of stamp) {
      let stats: Stats | undefined;
      try {
        stats = statSync(this.pathOf(file));
      } catch {
        stats = undefined;
      }
      if (stats === undefined || stats.mtimeMs !== mtimeMs || stats.size !== size) {
        this.forget(name);
        return;
      }
    }
  }
}
