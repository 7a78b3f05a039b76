/**
 * Just enough of a JavaScript lexer to split directive arguments at their top level (the `in` of a
 * `for`, the `=` of a `set`, the `as` of an `except`) and to list the identifiers an expression
 * mentions. Strings, template literals, comments and regular expressions are skipped over.
 */

/** A token outside any bracket: an identifier, keyword or punctuator, with its offsets. */
interface TopToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const IDENTIFIER_START = /[\p{ID_Start}$_\\]/u;
const IDENTIFIER_PART = /[\p{ID_Continue}$\u200c\u200d\\]/u;
const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=',
  '&=', '|=', '^=', '**', '<<', '>>',
];
// After these keywords a `/` starts a regular expression rather than a division.
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);

class Lexer {
  readonly #src: string;
  #pos = 0;
  #depth = 0;
  /** For each open `${` of a template literal, the bracket depth at which it closes. */
  readonly #templateDepths: number[] = [];
  #regexAllowed = true;

  constructor(src: string) {
    this.#src = src;
  }

  /** Every token at bracket depth 0, in order. */
  topLevel(): TopToken[] {
    const tokens: TopToken[] = [];
    for (;;) {
      const token = this.#next();
      if (token === null) return tokens;
      if (token.depth === 0) tokens.push(token);
    }
  }

  #next(): (TopToken & { depth: number }) | null {
    const src = this.#src;
    while (this.#pos < src.length) {
      const start = this.#pos;
      const char = src[start];
      if (/\s/.test(char)) {
        this.#pos++;
      } else if (src.startsWith('//', start)) {
        const end = src.indexOf('\n', start);
        this.#pos = end === -1 ? src.length : end;
      } else if (src.startsWith('/*', start)) {
        const end = src.indexOf('*/', start + 2);
        this.#pos = end === -1 ? src.length : end + 2;
      } else if (char === '"' || char === "'") {
        this.#skipString(char);
        this.#regexAllowed = false;
      } else if (char === '`') {
        this.#pos++;
        this.#skipTemplateText();
        this.#regexAllowed = false;
      } else if (char === '/' && this.#regexAllowed) {
        this.#skipRegex();
        this.#regexAllowed = false;
      } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(src[start + 1] ?? ''))) {
        while (this.#pos < src.length && /[\w.]/.test(src[this.#pos])) this.#pos++;
        this.#regexAllowed = false;
      } else if (char === '}' && this.#templateDepths.at(-1) === this.#depth) {
        // The `}` that closes a `${ ... }` substitution: back into the template literal's text.
        this.#templateDepths.pop();
        this.#depth--;
        this.#pos++;
        this.#skipTemplateText();
        this.#regexAllowed = false;
      } else if (IDENTIFIER_START.test(char)) {
        this.#pos++;
        while (this.#pos < src.length && IDENTIFIER_PART.test(src[this.#pos])) this.#pos++;
        const text = src.slice(start, this.#pos);
        this.#regexAllowed = KEYWORDS_BEFORE_EXPRESSION.has(text);
        return { text, start, end: this.#pos, depth: this.#depth };
      } else {
        return this.#punctuator(start);
      }
    }
    return null;
  }

  #punctuator(start: number): TopToken & { depth: number } {
    const src = this.#src;
    const text = PUNCTUATORS.find((p) => src.startsWith(p, start)) ?? src[start];
    this.#pos = start + text.length;
    const closing = text === ')' || text === ']' || text === '}';
    if (closing) this.#depth--;
    const depth = this.#depth;
    if (text === '(' || text === '[' || text === '{') this.#depth++;
    this.#regexAllowed = !closing && text !== '++' && text !== '--';
    return { text, start, end: this.#pos, depth };
  }

  #skipString(quote: string): void {
    const src = this.#src;
    this.#pos++;
    while (this.#pos < src.length && src[this.#pos] !== quote) {
      this.#pos += src[this.#pos] === '\\' ? 2 : 1;
    }
    this.#pos++;
  }

  /** Skips template-literal text up to its closing backtick or the next `${`. */
  #skipTemplateText(): void {
    const src = this.#src;
    while (this.#pos < src.length) {
      const char = src[this.#pos];
      if (char === '\\') {
        this.#pos += 2;
      } else if (char === '`') {
        this.#pos++;
        return;
      } else if (char === '$' && src[this.#pos + 1] === '{') {
        this.#pos += 2;
        this.#depth++;
        this.#templateDepths.push(this.#depth);
        this.#regexAllowed = true;
        return;
      } else {
        this.#pos++;
      }
    }
  }

  #skipRegex(): void {
    const src = this.#src;
    let inClass = false;
    this.#pos++;
    while (this.#pos < src.length) {
      const char = src[this.#pos];
      if (char === '\\') this.#pos++;
      else if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      else if (char === '/' && !inClass) break;
      else if (char === '\n') break;
      this.#pos++;
    }
    this.#pos++;
    while (this.#pos < src.length && /[a-z]/i.test(src[this.#pos])) this.#pos++;
  }
}

function topLevelTokens(src: string): TopToken[] {
  return new Lexer(src).topLevel();
}

/** Splits `target in iterable` at its first top-level `in`; null when there is none. */
export function splitForClause(src: string): { target: string; iterable: string } | null {
  const token = topLevelTokens(src).find((t) => t.text === 'in');
  if (token === undefined) return null;
  return { target: src.slice(0, token.start).trim(), iterable: src.slice(token.end).trim() };
}

/** Splits `expression as name` at its last top-level `as`; null when there is none. */
export function splitAsClause(src: string): { expression: string; name: string } | null {
  const token = topLevelTokens(src).findLast((t) => t.text === 'as');
  if (token === undefined) return null;
  return { expression: src.slice(0, token.start).trim(), name: src.slice(token.end).trim() };
}

/** Whether `src` has a comma outside any brackets (`k, v` in a Python-style loop target). */
export function hasTopLevelComma(src: string): boolean {
  return topLevelTokens(src).some((t) => t.text === ',');
}

/**
 * Splits a plain assignment (`x = 1`, `[a, b] = pair`, `{ a } = o`) at its first top-level `=`;
 * null when the statement is something else (`x += 1`, a call).
 */
export function splitAssignment(src: string): { target: string; value: string } | null {
  const token = topLevelTokens(src).find((t) => t.text === '=');
  if (token === undefined) return null;
  return { target: src.slice(0, token.start).trim(), value: src.slice(token.end).trim() };
}

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
const IDENTIFIER_TOKENS = /(\.{1,3})?\s*([\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*)/gu;

/** Whether `text` is a single JavaScript identifier name (keywords included). */
export function isIdentifierName(text: string): boolean {
  return IDENTIFIER.test(text);
}

/**
 * Adds to `into` every identifier `code` may read as a variable: all identifier-like words except
 * property names after a single `.` (`item.name` adds `item`). Words inside strings are added too;
 * the list is used only to decide which namespace entries to bind, where extra names cost nothing.
 */
export function collectIdentifiers(code: string, into: Set<string>): void {
  for (const match of code.matchAll(IDENTIFIER_TOKENS)) {
    const dots = match[1];
    if (dots === '.' || dots === '..') continue;
    into.add(match[2]);
  }
}
