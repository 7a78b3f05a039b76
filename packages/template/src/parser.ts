import { ParseError } from './errors.js';
import { hasTopLevelComma, isIdentifierName, splitAsClause, splitForClause } from './js-scan.js';
import type {
  Autoescape,
  Branch,
  ExceptClause,
  ExtendsClause,
  Node,
  ParsedFile,
} from './nodes.js';
import { filterWhitespace, isWhitespaceMode, type WhitespaceMode } from './whitespace.js';

/** What a template starts with: its name, whitespace mode and autoescape setting. */
export interface ParseOptions {
  readonly name: string;
  readonly whitespace: WhitespaceMode;
  readonly autoescape: Autoescape;
}

/** The tag that ended a body: `{% end %}` or an intermediate one such as `{% else %}`. */
interface Stop {
  readonly operator: 'end' | 'else' | 'elif' | 'except' | 'finally';
  readonly suffix: string;
  readonly line: number;
}

interface Body {
  readonly nodes: Node[];
  readonly stop: Stop | null;
}

/** For each intermediate tag, the blocks it may continue. */
const INTERMEDIATE_PARENTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['else', ['if', 'for', 'while', 'try']],
  ['elif', ['if']],
  ['except', ['try']],
  ['finally', ['try']],
]);

const COMPOUND = new Set(['apply', 'block', 'try', 'if', 'for', 'while']);

function stripQuotes(text: string): string {
  return text.replace(/^"+|"+$/g, '').replace(/^'+|'+$/g, '');
}

/** Parses template source into a {@link ParsedFile}. @throws {ParseError} on bad syntax. */
export function parseTemplate(source: string, options: ParseOptions): ParsedFile {
  return new Parser(source, options).parse();
}

class Parser {
  readonly #text: string;
  readonly #name: string;
  #pos = 0;
  #line = 1;
  #whitespace: WhitespaceMode;
  #autoescape: Autoescape;
  #extends: ExtendsClause | null = null;
  /** Whether anything but blank text, comments and settings came before, at the top level. */
  #hasContent = false;

  constructor(source: string, options: ParseOptions) {
    this.#text = source;
    this.#name = options.name;
    this.#whitespace = options.whitespace;
    this.#autoescape = options.autoescape;
  }

  parse(): ParsedFile {
    const { nodes } = this.#body(null, false, 1);
    return { name: this.#name, body: nodes, extends: this.#extends };
  }

  #fail(message: string, line = this.#line): never {
    throw new ParseError(message, { filename: this.#name, lineno: line });
  }

  /** Moves to `index`, counting the newlines passed, and returns the text passed over. */
  #consumeTo(index: number): string {
    const passed = this.#text.slice(this.#pos, index);
    for (let i = passed.indexOf('\n'); i !== -1; i = passed.indexOf('\n', i + 1)) this.#line++;
    this.#pos = index;
    return passed;
  }

  #addText(nodes: Node[], text: string, topLevel: boolean): void {
    if (topLevel && text.trim() !== '') this.#hasContent = true;
    const value = text.includes('<pre>') ? text : filterWhitespace(this.#whitespace, text);
    if (value === '') return;
    const last = nodes.at(-1);
    if (last?.kind === 'text') nodes[nodes.length - 1] = { kind: 'text', value: last.value + value };
    else nodes.push({ kind: 'text', value });
  }

  /** The index of the next `{{`, `{%` or `{#` (the innermost of a run of braces), or -1. */
  #nextTag(): number {
    const text = this.#text;
    let from = this.#pos;
    for (;;) {
      const curly = text.indexOf('{', from);
      if (curly === -1 || curly + 1 === text.length) return -1;
      const next = text[curly + 1];
      if (next !== '{' && next !== '%' && next !== '#') {
        from = curly + 1;
      } else if (next === '{' && text[curly + 2] === '{') {
        from = curly + 1;
      } else {
        return curly;
      }
    }
  }

  /** The text up to the closing delimiter, trimmed; the reader moves past the delimiter. */
  #contentsUntil(close: string, what: string): string {
    const end = this.#text.indexOf(close, this.#pos);
    if (end === -1) this.#fail(`Missing end ${what} ${close}`);
    const contents = this.#consumeTo(end).trim();
    this.#consumeTo(end + close.length);
    return contents;
  }

  /**
   * Parses nodes until EOF, `{% end %}` or an intermediate tag of the enclosing block.
   * `block` is the enclosing directive (null at the top), `openLine` the line it opened on.
   */
  #body(block: string | null, inLoop: boolean, openLine: number): Body {
    const nodes: Node[] = [];
    const topLevel = block === null;
    for (;;) {
      const tag = this.#nextTag();
      if (tag === -1) {
        if (block !== null) this.#fail(`Missing {% end %} block for ${block}`, openLine);
        this.#addText(nodes, this.#consumeTo(this.#text.length), topLevel);
        return { nodes, stop: null };
      }
      if (tag > this.#pos) this.#addText(nodes, this.#consumeTo(tag), topLevel);
      const brace = this.#consumeTo(tag + 2);
      const line = this.#line;

      if (this.#text[this.#pos] === '!') {
        // `{{!`, `{%!` and `{#!` stand for the braces themselves.
        this.#consumeTo(this.#pos + 1);
        this.#addText(nodes, brace, topLevel);
        continue;
      }
      if (brace === '{#') {
        this.#contentsUntil('#}', 'comment');
        continue;
      }
      if (brace === '{{') {
        const code = this.#contentsUntil('}}', 'expression');
        if (code === '') this.#fail('Empty expression', line);
        if (topLevel) this.#hasContent = true;
        nodes.push({ kind: 'output', code, line, escape: this.#autoescape });
        continue;
      }

      const contents = this.#contentsUntil('%}', 'block');
      if (contents === '') this.#fail('Empty block tag ({% %})', line);
      const space = contents.search(/\s/);
      const operator = space === -1 ? contents : contents.slice(0, space);
      const suffix = space === -1 ? '' : contents.slice(space).trim();

      const parents = INTERMEDIATE_PARENTS.get(operator);
      if (parents !== undefined || operator === 'end') {
        if (block === null) {
          this.#fail(parents === undefined ? 'Extra {% end %} block' : `${operator} outside ${parents.join('/')} block`, line);
        }
        if (parents !== undefined && !parents.includes(block)) {
          this.#fail(`${operator} block cannot be attached to ${block} block`, line);
        }
        return { nodes, stop: { operator: operator as Stop['operator'], suffix, line } };
      }
      if (operator !== 'comment' && operator !== 'autoescape' && operator !== 'whitespace' && operator !== 'extends') {
        if (topLevel) this.#hasContent = true;
      }
      const node = COMPOUND.has(operator)
        ? this.#compound(operator, suffix, line, inLoop)
        : this.#simple(operator, suffix, line, block, inLoop);
      if (node !== null) nodes.push(node);
    }
  }

  /** A directive without a body; null for the ones that only change parser state. */
  #simple(operator: string, suffix: string, line: number, block: string | null, inLoop: boolean): Node | null {
    switch (operator) {
      case 'comment':
        return null;
      case 'extends':
        this.#parseExtends(suffix, line, block);
        return null;
      case 'include': {
        const name = stripQuotes(suffix);
        if (name === '') this.#fail('include missing file path', line);
        return { kind: 'include', name, line, template: this.#name };
      }
      case 'set':
        if (suffix === '') this.#fail('set missing statement', line);
        return { kind: 'set', code: suffix, line };
      case 'autoescape':
        if (suffix === '') this.#fail('autoescape missing function (or null)', line);
        this.#autoescape = suffix === 'null' ? null : suffix;
        return null;
      case 'whitespace':
        if (!isWhitespaceMode(suffix)) {
          this.#fail(`invalid whitespace mode ${JSON.stringify(suffix)}: expected all, single or oneline`, line);
        }
        this.#whitespace = suffix;
        return null;
      case 'raw':
        if (suffix === '') this.#fail('raw missing expression', line);
        return { kind: 'output', code: suffix, line, escape: null };
      case 'module':
        if (suffix === '') this.#fail('module missing expression', line);
        return { kind: 'output', code: `_tt_modules.${suffix}`, line, escape: null };
      case 'break':
      case 'continue':
        if (!inLoop) this.#fail(`${operator} outside for/while block`, line);
        return { kind: operator, line };
      case 'import':
      case 'from':
        return this.#fail(`{% ${operator} %} is not supported: pass modules and functions in the namespace`, line);
      default:
        return this.#fail(`unknown operator: ${JSON.stringify(operator)}`, line);
    }
  }

  #parseExtends(suffix: string, line: number, block: string | null): void {
    const name = stripQuotes(suffix);
    if (name === '') this.#fail('extends missing file path', line);
    if (block !== null) this.#fail('{% extends %} must be at the top level, not inside a block', line);
    if (this.#extends !== null) this.#fail(`a template can extend only one template (already extends ${this.#extends.name})`, line);
    if (this.#hasContent) this.#fail('{% extends %} must come before any other content', line);
    this.#extends = { name, line };
  }

  #compound(operator: string, suffix: string, line: number, inLoop: boolean): Node {
    switch (operator) {
      case 'if':
        return this.#parseIf(suffix, line, inLoop);
      case 'for':
        return this.#parseFor(suffix, line, inLoop);
      case 'while': {
        if (suffix === '') this.#fail('while missing condition', line);
        const { nodes, orElse } = this.#loopBody('while', line, inLoop);
        return { kind: 'while', test: suffix, line, body: nodes, orElse };
      }
      case 'try':
        return this.#parseTry(suffix, line, inLoop);
      case 'apply': {
        if (suffix === '') this.#fail('apply missing method name', line);
        // The body is rendered apart from the surrounding loop, so break and continue stay out.
        const body = this.#body('apply', false, line);
        return { kind: 'apply', fn: suffix, line, body: body.nodes };
      }
      default: {
        if (suffix === '') this.#fail('block missing name', line);
        const body = this.#body('block', inLoop, line);
        return { kind: 'block', name: suffix, line, body: body.nodes, template: this.#name };
      }
    }
  }

  #parseIf(suffix: string, line: number, inLoop: boolean): Node {
    if (suffix === '') this.#fail('if missing condition', line);
    const branches: Branch[] = [];
    let code: string | null = suffix;
    let branchLine = line;
    for (;;) {
      const { nodes, stop } = this.#body('if', inLoop, line);
      branches.push({ code, line: branchLine, body: nodes });
      if (stop === null || stop.operator === 'end') return { kind: 'if', branches };
      if (code === null) this.#fail(`${stop.operator} after else`, stop.line);
      if (stop.operator === 'elif' && stop.suffix === '') this.#fail('elif missing condition', stop.line);
      if (stop.operator === 'else' && stop.suffix !== '') this.#fail('else takes no condition (use elif)', stop.line);
      code = stop.operator === 'elif' ? stop.suffix : null;
      branchLine = stop.line;
    }
  }

  #parseFor(suffix: string, line: number, inLoop: boolean): Node {
    const clause = splitForClause(suffix);
    if (clause === null || clause.target === '' || clause.iterable === '') {
      this.#fail('for needs "target in iterable"', line);
    }
    let target = clause.target;
    // Python's `for k, v in pairs` unpacks; here that is an array pattern.
    if (!target.startsWith('[') && !target.startsWith('{') && hasTopLevelComma(target)) target = `[${target}]`;
    const { nodes, orElse } = this.#loopBody('for', line, inLoop);
    return { kind: 'for', target, iterable: clause.iterable, line, body: nodes, orElse };
  }

  /** The body of a loop and its optional `{% else %}`, which is not inside the loop. */
  #loopBody(operator: string, line: number, inLoop: boolean): { nodes: Node[]; orElse: Branch | null } {
    const { nodes, stop } = this.#body(operator, true, line);
    if (stop === null || stop.operator === 'end') return { nodes, orElse: null };
    if (stop.suffix !== '') this.#fail('else takes no argument', stop.line);
    const rest = this.#body(operator, inLoop, line);
    if (rest.stop !== null && rest.stop.operator !== 'end') this.#fail(`${rest.stop.operator} after else`, rest.stop.line);
    return { nodes, orElse: { code: null, line: stop.line, body: rest.nodes } };
  }

  #parseTry(suffix: string, line: number, inLoop: boolean): Node {
    if (suffix !== '') this.#fail('try takes no argument', line);
    const first = this.#body('try', inLoop, line);
    const handlers: ExceptClause[] = [];
    let orElse: Branch | null = null;
    let finalBody: Branch | null = null;
    let stop = first.stop;
    while (stop !== null && stop.operator !== 'end') {
      const { operator, line: at } = stop;
      if (finalBody !== null) this.#fail(`${operator} after finally`, at);
      const section = this.#body('try', inLoop, line);
      if (operator === 'except') {
        if (orElse !== null) this.#fail('except after else', at);
        if (handlers.at(-1)?.type === null) this.#fail('a catch-all except must be the last one', at);
        handlers.push({ ...this.#exceptClause(stop.suffix, at), line: at, body: section.nodes });
      } else {
        if (stop.suffix !== '') this.#fail(`${operator} takes no argument`, at);
        if (operator === 'else') {
          if (handlers.length === 0) this.#fail('else in a try block needs an except before it', at);
          if (orElse !== null) this.#fail('else after else', at);
          orElse = { code: null, line: at, body: section.nodes };
        } else {
          finalBody = { code: null, line: at, body: section.nodes };
        }
      }
      stop = section.stop;
    }
    if (handlers.length === 0 && finalBody === null) this.#fail('try needs an except or a finally', line);
    return { kind: 'try', line, body: first.nodes, handlers, orElse, finalBody };
  }

  /** `{% except %}`, `{% except e %}` (binds), `{% except TypeError as e %}`, `{% except errors.X %}`. */
  #exceptClause(suffix: string, line: number): { type: string | null; binding: string | null } {
    if (suffix === '') return { type: null, binding: null };
    if (isIdentifierName(suffix)) return { type: null, binding: suffix };
    const as = splitAsClause(suffix);
    if (as === null) return { type: suffix, binding: null };
    if (as.expression === '' || !isIdentifierName(as.name)) this.#fail('except needs "Class as name"', line);
    return { type: as.expression, binding: as.name };
  }
}
