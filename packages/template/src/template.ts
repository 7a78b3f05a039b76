import { toUnicode } from '@tornado-ts/escape';
import { compileTemplate, type CompiledBody } from './compiler.js';
import { TemplateOptionError } from './errors.js';
import { DEFAULT_NAMESPACE, isBindableName, type Namespace } from './namespace.js';
import type { Autoescape, ParsedFile } from './nodes.js';
import { parseTemplate } from './parser.js';
import { buildRenderFunction, type RenderFunction } from './render-function.js';
import { checkWhitespaceMode, whitespaceForName, type WhitespaceMode } from './whitespace.js';

/** What a Template needs of the loader that made it: settings, a namespace and other templates. */
export interface TemplateLoader {
  readonly autoescape: Autoescape;
  readonly whitespace: WhitespaceMode | null;
  readonly namespace: Namespace;
  load(name: string, parentPath?: string): Template;
}

/** Options of a {@link Template}; a loader's settings apply where these are left out. */
export interface TemplateOptions {
  /** Used in error messages and to resolve `extends`/`include`; default `<string>`. */
  name?: string;
  /** Resolves `extends` and `include`, and gives its autoescape, whitespace and namespace. */
  loader?: TemplateLoader | null;
  /** Tornado's older switch: true is `whitespace: 'single'`, false is `'all'`. */
  compressWhitespace?: boolean;
  /** How `{{ }}` is escaped: a function's name in the namespace, a function, or null; default `xhtmlEscape`. */
  autoescape?: Autoescape;
  /** Default: the loader's, else `single` for `.html` and `.js` names and `all` for others. */
  whitespace?: WhitespaceMode;
}

/** The namespace `generate()` uses when given none. */
const EMPTY: Namespace = Object.freeze({});
/** How many functions (one per distinct set of namespace keys) a template keeps. */
const MAX_RENDER_FUNCTIONS = 32;
/** How many recent key orders generate() compares a namespace with before looking further. */
const RECENT_SHAPES = 4;

/** A key order seen recently and the function that serves it. */
interface Shape {
  readonly keys: readonly string[];
  readonly render: RenderFunction;
}

/** Whether `namespace` has exactly `keys`, in that order (no allocation: this runs per render). */
function hasKeys(namespace: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in namespace) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}

const parsedFiles = new WeakMap<object, ParsedFile>();

function parsedFileOf(template: object): ParsedFile {
  const file = parsedFiles.get(template);
  if (file === undefined) throw new TypeError('A template loader returned something that is not a Template');
  return file;
}

function resolveWhitespace(options: TemplateOptions, name: string): WhitespaceMode {
  if (options.compressWhitespace !== undefined) {
    if (options.whitespace !== undefined) {
      throw new TemplateOptionError('Set whitespace or compressWhitespace, not both');
    }
    return options.compressWhitespace ? 'single' : 'all';
  }
  if (options.whitespace !== undefined) return checkWhitespaceMode(options.whitespace);
  return options.loader?.whitespace ?? whitespaceForName(name);
}

function resolveAutoescape(options: TemplateOptions): Autoescape {
  let value: Autoescape = 'xhtmlEscape';
  if (options.autoescape !== undefined) value = options.autoescape;
  else if (options.loader != null) value = options.loader.autoescape;
  if (value !== null && typeof value !== 'string' && typeof value !== 'function') {
    throw new TemplateOptionError('autoescape must be a function, the name of one, or null');
  }
  if (value === '') throw new TemplateOptionError('autoescape must not be empty (use null to turn it off)');
  return value;
}

/**
 * A compiled template. The source is parsed and compiled once, here, to a JavaScript function
 * (parents' blocks and includes inlined); {@link generate} only runs that function.
 * @throws {ParseError} on bad syntax, naming the template and line.
 */
export class Template {
  /** The name used in errors and to resolve relative `extends`/`include` names. */
  readonly name: string;
  /** The loader that made this template, or null. */
  readonly loader: TemplateLoader | null;
  /** The autoescape setting the template starts with (`{% autoescape %}` changes it from there). */
  readonly autoescape: Autoescape;
  /** The whitespace mode the template starts with. */
  readonly whitespace: WhitespaceMode;
  /** Names of the other templates compiled into this one (its parents and includes). */
  readonly dependencies: readonly string[];
  readonly #compiled: CompiledBody;
  readonly #fixed: Namespace;
  /** Namespace keys that could be bound: mentioned by the template and usable as variables. */
  readonly #bindable: ReadonlySet<string>;
  readonly #functions = new Map<string, RenderFunction>();
  /** The key orders of the latest namespaces, most recent first: the fast path of generate(). */
  // #private kept in this hot path: an A/B against plain fields on the page benchmark gave
  // 1.011/1.008 vs 1.016/1.005 of the hand-written function's speed (Node 20), i.e. no difference.
  readonly #shapes: Shape[];

  constructor(source: string | Uint8Array, options: TemplateOptions = {}) {
    this.name = options.name ?? '<string>';
    this.loader = options.loader ?? null;
    this.whitespace = resolveWhitespace(options, this.name);
    this.autoescape = resolveAutoescape(options);
    this.#fixed = Object.freeze({ ...DEFAULT_NAMESPACE, ...this.loader?.namespace });
    const file = parseTemplate(toUnicode(source), {
      name: this.name,
      whitespace: this.whitespace,
      autoescape: this.autoescape,
    });
    parsedFiles.set(this, file);
    this.#compiled = compileTemplate(file, this.loader, parsedFileOf);
    this.dependencies = this.#compiled.dependencies;
    this.#bindable = new Set([...this.#compiled.referenced].filter(isBindableName));
    // Built now for a namespace with none of the template's names: checks the JavaScript early.
    const render = buildRenderFunction(this.name, this.#compiled, this.#fixed, []);
    this.#functions.set('', render);
    this.#shapes = [{ keys: [], render }];
  }

  /** The body of the generated function, for debugging. */
  get code(): string {
    return this.#compiled.code;
  }

  /**
   * Renders the template with `namespace`'s enumerable entries as variables (over the defaults
   * and the loader's namespace) and returns the output.
   * @throws {TemplateRuntimeError} when the template's code throws, naming the template and line.
   */
  generate(namespace: object = EMPTY): string {
    const shapes = this.#shapes;
    for (let i = 0; i < shapes.length; i++) {
      const shape = shapes[i];
      if (hasKeys(namespace, shape.keys)) {
        if (i > 0) {
          shapes.splice(i, 1);
          shapes.unshift(shape);
        }
        return shape.render(namespace as Namespace);
      }
    }
    return this.#functionFor(namespace)(namespace as Namespace);
  }

  /** The function for a key order not seen lately: looked up by the keys the template mentions, built on first use. */
  #functionFor(namespace: object): RenderFunction {
    const keys: string[] = [];
    const bound: string[] = [];
    for (const key in namespace) {
      keys.push(key);
      if (this.#bindable.has(key)) bound.push(key);
    }
    bound.sort();
    const signature = bound.join(',');
    let render = this.#functions.get(signature);
    if (render === undefined) {
      render = buildRenderFunction(this.name, this.#compiled, this.#fixed, bound);
      if (this.#functions.size >= MAX_RENDER_FUNCTIONS) {
        const [oldest] = this.#functions.keys();
        this.#functions.delete(oldest);
      }
    } else {
      this.#functions.delete(signature);
    }
    this.#functions.set(signature, render);
    this.#shapes.unshift({ keys, render });
    if (this.#shapes.length > RECENT_SHAPES) this.#shapes.pop();
    return render;
  }
}
