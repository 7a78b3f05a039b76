/**
 * The syntax tree a template parses into. The compiler turns it into JavaScript; nothing reads it
 * at render time. Every node that runs code keeps its 1-based line for error messages.
 */

/** A function that escapes the text of an expression: takes a string, returns a string. */
export type EscapeFunction = (text: string) => unknown;

/**
 * How `{{ }}` output is escaped: the name (or any JavaScript expression) of a function visible to
 * the template, a function, or `null` for no escaping.
 */
export type Autoescape = string | EscapeFunction | null;

export interface TextNode {
  readonly kind: 'text';
  readonly value: string;
}

/** `{{ expr }}`, `{% raw expr %}` (escape null) and `{% module expr %}`. */
export interface OutputNode {
  readonly kind: 'output';
  readonly code: string;
  readonly line: number;
  readonly escape: Autoescape;
}

/** `{% set ... %}`. */
export interface SetNode {
  readonly kind: 'set';
  readonly code: string;
  readonly line: number;
}

export interface JumpNode {
  readonly kind: 'break' | 'continue';
  readonly line: number;
}

/** One section of a compound directive: its condition or clause (if any), line and body. */
export interface Branch {
  readonly code: string | null;
  readonly line: number;
  readonly body: readonly Node[];
}

/** `{% if %}`, then any `{% elif %}`, then at most one `{% else %}` (code null). */
export interface IfNode {
  readonly kind: 'if';
  readonly branches: readonly Branch[];
}

/** `{% for target in iterable %}` with Python's optional `{% else %}` (runs unless the loop broke). */
export interface ForNode {
  readonly kind: 'for';
  readonly target: string;
  readonly iterable: string;
  readonly line: number;
  readonly body: readonly Node[];
  readonly orElse: Branch | null;
}

/** `{% while test %}` with Python's optional `{% else %}`. */
export interface WhileNode {
  readonly kind: 'while';
  readonly test: string;
  readonly line: number;
  readonly body: readonly Node[];
  readonly orElse: Branch | null;
}

/** One `{% except %}` clause: an optional class to match with instanceof and an optional binding. */
export interface ExceptClause {
  readonly type: string | null;
  readonly binding: string | null;
  readonly line: number;
  readonly body: readonly Node[];
}

/** `{% try %}` with `except` clauses, an optional `else` and an optional `finally`. */
export interface TryNode {
  readonly kind: 'try';
  readonly line: number;
  readonly body: readonly Node[];
  readonly handlers: readonly ExceptClause[];
  readonly orElse: Branch | null;
  readonly finalBody: Branch | null;
}

/** `{% apply fn %}...{% end %}`: fn receives the rendered body. */
export interface ApplyNode {
  readonly kind: 'apply';
  readonly fn: string;
  readonly line: number;
  readonly body: readonly Node[];
}

/** `{% block name %}`; `template` is the file that defined this body. */
export interface BlockNode {
  readonly kind: 'block';
  readonly name: string;
  readonly line: number;
  readonly body: readonly Node[];
  readonly template: string;
}

/** `{% include name %}`; `template` is the including file, which relative names resolve against. */
export interface IncludeNode {
  readonly kind: 'include';
  readonly name: string;
  readonly line: number;
  readonly template: string;
}

export type Node =
  | TextNode
  | OutputNode
  | SetNode
  | JumpNode
  | IfNode
  | ForNode
  | WhileNode
  | TryNode
  | ApplyNode
  | BlockNode
  | IncludeNode;

/** `{% extends name %}` of a file. */
export interface ExtendsClause {
  readonly name: string;
  readonly line: number;
}

/** A parsed template file. */
export interface ParsedFile {
  readonly name: string;
  readonly body: readonly Node[];
  readonly extends: ExtendsClause | null;
}
