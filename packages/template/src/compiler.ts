import { CodeWriter, endCode, LOC } from './code-writer.js';
import { ParseError, type TemplateLocation } from './errors.js';
import { collectIdentifiers, isIdentifierName, splitAssignment } from './js-scan.js';
import type {
  Autoescape,
  BlockNode,
  ForNode,
  IfNode,
  IncludeNode,
  Node,
  OutputNode,
  ParsedFile,
  TryNode,
  WhileNode,
} from './nodes.js';

/** What the compiler needs of a loader: templates by name, and the parsed file of each. */
export interface CompilerLoader {
  load(name: string, parentPath?: string): object;
}

/** Finds the parsed file of a Template the loader returned. */
export type ParsedFileOf = (template: object) => ParsedFile;

/** A piece of template code with the location it came from, to pin a syntax error on. */
export interface Fragment {
  /** A self-contained statement holding the code, as it is placed in the generated function. */
  readonly check: string;
  readonly location: number;
}

/**
 * A template compiled to the statements of its render function, before the namespace is bound.
 * `escapes[i]` is the autoescape setting the helper `_tt_e{i}` stands for.
 */
export interface CompiledBody {
  readonly code: string;
  /** Location chains (innermost first) by index; index 0 is the template itself, line unknown. */
  readonly locations: readonly (readonly TemplateLocation[])[];
  readonly escapes: readonly Exclude<Autoescape, null>[];
  /** Every identifier the template's code mentions (a superset of the variables it reads). */
  readonly referenced: ReadonlySet<string>;
  /** Plain names the template assigns with set, for or except. */
  readonly declared: ReadonlySet<string>;
  /** The other templates whose code was inlined (parents and includes), by resolved name. */
  readonly dependencies: readonly string[];
  readonly fragments: readonly Fragment[];
}

/** Above this size (characters) a loop body is not written twice for the array fast path. */
const MAX_DUPLICATED_BODY = 32_768;

/** Compiles a parsed template, with its parents' blocks and its includes inlined. @throws {ParseError} */
export function compileTemplate(file: ParsedFile, loader: CompilerLoader | null, parsedFileOf: ParsedFileOf): CompiledBody {
  return new Compiler(file, loader, parsedFileOf).compile();
}

class Compiler {
  readonly #file: ParsedFile;
  readonly #loader: CompilerLoader | null;
  readonly #parsedFileOf: ParsedFileOf;
  readonly #w = new CodeWriter(1);
  readonly #blocks = new Map<string, BlockNode>();
  readonly #locations: TemplateLocation[][] = [];
  readonly #locationIndex = new Map<string, number>();
  readonly #escapes: Exclude<Autoescape, null>[] = [];
  readonly #referenced = new Set<string>();
  readonly #declared = new Set<string>();
  readonly #dependencies = new Set<string>();
  readonly #fragments: Fragment[] = [];
  /** Includes and blocks being inlined, outermost first: where each was placed. */
  readonly #via: TemplateLocation[] = [];
  readonly #activeBlocks: string[] = [];
  /** Enclosing loops: the flag a `break` sets when the loop has an else, or null. */
  readonly #loops: (string | null)[] = [];
  #current: string;
  #counter = 0;

  constructor(file: ParsedFile, loader: CompilerLoader | null, parsedFileOf: ParsedFileOf) {
    this.#file = file;
    this.#loader = loader;
    this.#parsedFileOf = parsedFileOf;
    this.#current = file.name;
    this.#locations.push([{ filename: file.name, lineno: 0 }]);
  }

  compile(): CompiledBody {
    const ancestors = this.#ancestors();
    const root = ancestors[ancestors.length - 1];
    for (let i = ancestors.length - 1; i >= 0; i--) this.#findBlocks(ancestors[i].body);
    this.#current = root.name;
    this.#nodes(root.body);
    return {
      code: this.#w.toString(),
      locations: this.#locations,
      escapes: this.#escapes,
      referenced: this.#referenced,
      declared: this.#declared,
      dependencies: [...this.#dependencies],
      fragments: this.#fragments,
    };
  }

  #fail(message: string, line: number, cause?: unknown): never {
    throw new ParseError(message, { filename: this.#current, lineno: line, cause });
  }

  /** Loads another template for an extends or include at `line` of the current file. */
  #load(what: string, name: string, parent: string, line: number): ParsedFile {
    if (this.#loader === null) this.#fail(`{% ${what} %} found, but no template loader`, line);
    let template: object;
    try {
      template = this.#loader.load(name, parent);
    } catch (error) {
      // Errors of the other template name it already; the rest happened here.
      if (error instanceof ParseError && error.filename !== null) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.#fail(`{% ${what} ${name} %}: ${message}`, line, error);
    }
    const file = this.#parsedFileOf(template);
    this.#dependencies.add(file.name);
    return file;
  }

  /** This file, its parent, the parent's parent and so on. */
  #ancestors(): ParsedFile[] {
    const chain = [this.#file];
    for (let file = this.#file; file.extends !== null; ) {
      this.#current = file.name;
      const parent = this.#load('extends', file.extends.name, file.name, file.extends.line);
      if (chain.some((f) => f.name === parent.name)) {
        this.#fail(`circular extends: ${[...chain.map((f) => f.name), parent.name].join(' -> ')}`, file.extends.line);
      }
      chain.push(parent);
      file = parent;
    }
    return chain;
  }

  /** Registers the blocks of `nodes` (and of the files they include); later ones win. */
  #findBlocks(nodes: readonly Node[]): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'block':
          this.#blocks.set(node.name, node);
          this.#findBlocks(node.body);
          break;
        case 'include': {
          const saved = this.#current;
          this.#current = node.template;
          const included = this.#load('include', node.name, node.template, node.line);
          this.#current = saved;
          this.#findBlocks(included.body);
          break;
        }
        case 'if':
          for (const branch of node.branches) this.#findBlocks(branch.body);
          break;
        case 'for':
        case 'while':
          this.#findBlocks(node.body);
          if (node.orElse !== null) this.#findBlocks(node.orElse.body);
          break;
        case 'try':
          this.#findBlocks(node.body);
          for (const handler of node.handlers) this.#findBlocks(handler.body);
          if (node.orElse !== null) this.#findBlocks(node.orElse.body);
          if (node.finalBody !== null) this.#findBlocks(node.finalBody.body);
          break;
        case 'apply':
          this.#findBlocks(node.body);
          break;
        default:
          break;
      }
    }
  }

  /** The index of the location chain for `line` of the current file, through the inlining stack. */
  #location(line: number): number {
    const chain: TemplateLocation[] = [{ filename: this.#current, lineno: line }];
    for (let i = this.#via.length - 1; i >= 0; i--) chain.push(this.#via[i]);
    const key = chain.map((l) => `${l.lineno}:${l.filename}`).join('\n');
    let index = this.#locationIndex.get(key);
    if (index === undefined) {
      index = this.#locations.length;
      this.#locations.push(chain);
      this.#locationIndex.set(key, index);
    }
    return index;
  }

  /** Records user code: its identifiers, and a statement to check its syntax with. */
  #code(code: string, location: number, check = `(${endCode(code)});`): string {
    collectIdentifiers(code, this.#referenced);
    this.#fragments.push({ check, location });
    return endCode(code);
  }

  #tmp(prefix: string): string {
    return `_tt_${prefix}${this.#counter++}`;
  }

  #escapeHelper(escape: Exclude<Autoescape, null>): string {
    let index = this.#escapes.indexOf(escape);
    if (index === -1) {
      index = this.#escapes.length;
      this.#escapes.push(escape);
      if (typeof escape === 'string') collectIdentifiers(escape, this.#referenced);
    }
    return `_tt_e${index}`;
  }

  #nodes(nodes: readonly Node[]): void {
    for (const node of nodes) this.#node(node);
  }

  #node(node: Node): void {
    switch (node.kind) {
      case 'text':
        return this.#w.text(node.value);
      case 'output':
        return this.#output(node);
      case 'set':
        return this.#set(node.code, node.line);
      case 'break':
      case 'continue':
        return this.#jump(node.kind, node.line);
      case 'if':
        return this.#if(node);
      case 'for':
        return this.#for(node);
      case 'while':
        return this.#while(node);
      case 'try':
        return this.#try(node);
      case 'apply':
        return this.#apply(node.fn, node.line, node.body);
      case 'block':
        return this.#block(node);
      case 'include':
        return this.#include(node);
    }
  }

  #output(node: OutputNode): void {
    const location = this.#location(node.line);
    const code = this.#code(node.code, location);
    if (typeof node.escape === 'string') this.#fragments.push({ check: `(${endCode(node.escape)});`, location });
    const helper = node.escape === null ? '_tt_s' : this.#escapeHelper(node.escape);
    this.#w.value(`${helper}(${code})`, location);
  }

  /** The declaring form of an assignment target: `var x`, `var [a, b]`, or the target itself (`o.x`). */
  #declare(target: string): string {
    if (isIdentifierName(target)) {
      this.#declared.add(target);
      return `var ${target}`;
    }
    if (target.startsWith('[') || target.startsWith('{')) return `var ${target}`;
    return target;
  }

  #set(code: string, line: number): void {
    const location = this.#location(line);
    const assignment = splitAssignment(code);
    const declares =
      assignment !== null &&
      (isIdentifierName(assignment.target) || assignment.target.startsWith('[') || assignment.target.startsWith('{'));
    const statement = declares ? `${this.#declare(assignment.target)} = ${endCode(assignment.value)};` : `${endCode(code)};`;
    this.#code(code, location, statement);
    this.#w.location(location);
    this.#w.line(statement);
  }

  #jump(kind: 'break' | 'continue', line: number): void {
    if (this.#loops.length === 0) this.#fail(`${kind} outside a loop (a block placed outside its loop?)`, line);
    const flag = this.#loops[this.#loops.length - 1];
    if (kind === 'break' && flag !== null) this.#w.line(`${flag} = true;`);
    this.#w.line(`${kind};`);
  }

  #if(node: IfNode): void {
    const w = this.#w;
    let previous = -1;
    node.branches.forEach((branch, i) => {
      if (branch.code === null) {
        w.next('} else {', previous);
      } else {
        const location = this.#location(branch.line);
        const test = this.#code(branch.code, location);
        if (i === 0) {
          w.location(location);
          w.open(`if (${test}) {`, location);
        } else {
          const store = location === previous ? '' : `${LOC} = ${location}, `;
          w.next(`} else if (${store}${test}) {`, location);
        }
        previous = location;
      }
      this.#nodes(branch.body);
    });
    w.close();
  }

  /** Writes a loop body with `break` bound to `flag`, the optional else after the loop. */
  #loop(flag: string | null, write: () => void): void {
    this.#loops.push(flag);
    try {
      write();
    } finally {
      this.#loops.pop();
    }
  }

  #for(node: ForNode): void {
    const w = this.#w;
    const location = this.#location(node.line);
    const iterable = this.#code(node.iterable, location);
    const simple = isIdentifierName(node.target);
    const declared = this.#declare(node.target);
    this.#code(node.target, location, `for (${declared} of []);`);
    const flag = node.orElse === null ? null : this.#tmp('broke');
    const items = this.#tmp('items');
    const value = this.#tmp('value');
    const index = this.#tmp('i');
    // A destructuring or member target can throw, so it is assigned in the body, after a location store.
    const bind = (from: string): void => {
      if (!simple) {
        w.location(location);
        w.line(`${declared} = ${from};`);
      }
    };
    const body = w.capture(() => this.#loop(flag, () => this.#nodes(node.body)), simple ? -1 : location, 3);
    const duplicate = body.reduce((size, line) => size + line.length, 0) <= MAX_DUPLICATED_BODY;

    if (flag !== null) w.line(`let ${flag} = false;`);
    w.location(location);
    w.open('{', location);
    w.line(`const ${items} = (${iterable});`);
    if (duplicate) {
      w.open(`if (Array.isArray(${items})) {`, location);
      w.open(`for (let ${index} = 0; ${index} < ${items}.length; ${index}++) {`);
      w.line(simple ? `${declared} = ${items}[${index}];` : `const ${value} = ${items}[${index}];`);
      bind(value);
      w.lines(body);
      w.close();
      w.next('} else {', location);
    }
    w.open(simple ? `for (${declared} of ${items}) {` : `for (const ${value} of ${items}) {`);
    bind(value);
    w.lines(body);
    w.close();
    if (duplicate) w.close();
    w.close();
    this.#orElse(flag, node.orElse);
  }

  #orElse(flag: string | null, orElse: ForNode['orElse']): void {
    if (flag === null || orElse === null) return;
    this.#w.open(`if (!${flag}) {`);
    this.#nodes(orElse.body);
    this.#w.close();
  }

  #while(node: WhileNode): void {
    const w = this.#w;
    const location = this.#location(node.line);
    const test = this.#code(node.test, location);
    const flag = node.orElse === null ? null : this.#tmp('broke');
    if (flag !== null) w.line(`let ${flag} = false;`);
    w.open(`while ((${LOC} = ${location}, ${test})) {`, location);
    this.#loop(flag, () => this.#nodes(node.body));
    w.close();
    this.#orElse(flag, node.orElse);
  }

  #try(node: TryNode): void {
    const w = this.#w;
    const completed = node.orElse === null ? null : this.#tmp('ok');
    const caught = this.#tmp('err');
    const hasFinally = node.finalBody !== null;
    if (completed !== null) w.line(`let ${completed} = false;`);
    if (hasFinally) w.open('try {');
    if (node.handlers.length > 0) w.open('try {');
    w.exact(() => this.#nodes(node.body));
    if (completed !== null) w.line(`${completed} = true;`);
    if (node.handlers.length > 0) {
      w.next(`} catch (${caught}) {`);
      this.#handlers(node, caught);
      w.close();
    }
    if (completed !== null && node.orElse !== null) {
      w.open(`if (${completed}) {`);
      this.#nodes(node.orElse.body);
      w.close();
    }
    if (node.finalBody !== null) {
      // The finally body moves the location; an error passing through keeps the one it had.
      const saved = this.#tmp('loc');
      w.next('} finally {');
      w.line(`const ${saved} = ${LOC};`);
      this.#nodes(node.finalBody.body);
      w.line(`${LOC} = ${saved};`);
      w.close();
    }
  }

  #handlers(node: TryNode, caught: string): void {
    const w = this.#w;
    const saved = this.#tmp('loc');
    const catchAll = node.handlers[node.handlers.length - 1].type === null;
    if (!catchAll) w.line(`const ${saved} = ${LOC};`);
    node.handlers.forEach((handler, i) => {
      const bind = (): void => {
        if (handler.binding !== null) w.line(`${this.#declare(handler.binding)} = ${caught};`);
      };
      if (handler.type === null) {
        if (i > 0) w.next('} else {');
        bind();
        this.#nodes(handler.body);
        return;
      }
      const location = this.#location(handler.line);
      const type = this.#code(handler.type, location);
      const test = `(${LOC} = ${location}, ${caught} instanceof (${type}))`;
      if (i === 0) w.open(`if ${test} {`, location);
      else w.next(`} else if ${test} {`, location);
      bind();
      this.#nodes(handler.body);
    });
    if (catchAll) {
      if (node.handlers.length > 1) w.close();
      return;
    }
    w.next('} else {');
    w.line(`${LOC} = ${saved};`);
    w.line(`throw ${caught};`);
    w.close();
  }

  #apply(fn: string, line: number, body: readonly Node[]): void {
    const w = this.#w;
    const location = this.#location(line);
    const code = this.#code(fn, location);
    const out = this.#tmp('out');
    w.open('{');
    w.line(`let ${out} = '';`);
    w.into(out, () => this.#nodes(body));
    w.value(`_tt_s((${code})(${out}))`, location);
    w.close();
  }

  /** Runs `write` with `file` as the current template, placed at `line` of the present one. */
  #inlined(file: string, line: number, write: () => void): void {
    const saved = this.#current;
    const moved = file !== saved;
    if (moved) this.#via.push({ filename: saved, lineno: line });
    this.#current = file;
    try {
      write();
    } finally {
      this.#current = saved;
      if (moved) this.#via.pop();
    }
  }

  #block(node: BlockNode): void {
    if (this.#activeBlocks.includes(node.name)) this.#fail(`block ${node.name} contains itself`, node.line);
    const chosen = this.#blocks.get(node.name) ?? node;
    this.#activeBlocks.push(node.name);
    try {
      this.#inlined(chosen.template, node.line, () => this.#nodes(chosen.body));
    } finally {
      this.#activeBlocks.pop();
    }
  }

  #include(node: IncludeNode): void {
    const file = this.#load('include', node.name, node.template, node.line);
    if (file.extends !== null) {
      this.#fail(`cannot include ${file.name}: it extends ${file.extends.name} (render it through a module instead)`, node.line);
    }
    if (file.name === this.#current || this.#via.some((place) => place.filename === file.name)) {
      this.#fail(`circular include of ${file.name}`, node.line);
    }
    this.#inlined(file.name, node.line, () => this.#nodes(file.body));
  }
}
