import { jsonEncode, linkify, squeeze, urlEscape, xhtmlEscape } from '@tornado-ts/escape';
import { isIdentifierName } from './js-scan.js';

/** The variables a template sees by name: keys are identifiers, values anything. */
export type Namespace = Readonly<Record<string, unknown>>;

/**
 * What every template sees unless its loader's or its render's namespace says otherwise: Tornado's
 * escape helpers. Dates need no helper: `Date` and `Intl` are globals, as is everything else global.
 */
export const DEFAULT_NAMESPACE: Namespace = Object.freeze({
  escape: xhtmlEscape,
  xhtmlEscape,
  urlEscape,
  jsonEncode,
  squeeze,
  linkify,
});

// Words that cannot name a variable in strict-mode code, so namespace keys spelt so are not bound.
const RESERVED = new Set([
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements', 'import',
  'in', 'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private', 'protected', 'public',
  'return', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while',
  'with', 'yield', 'arguments', 'eval',
]);

/** The one `_tt_` name a namespace may supply: Tornado's hook for `{% module %}`. */
export const MODULES_NAME = '_tt_modules';

/**
 * Whether a namespace key can be seen by a template as a variable: an identifier that is not a
 * reserved word and not one of the compiler's own `_tt_` names (`_tt_modules` excepted).
 */
export function isBindableName(key: string): boolean {
  if (key.startsWith('_tt_')) return key === MODULES_NAME;
  return isIdentifierName(key) && !RESERVED.has(key);
}
