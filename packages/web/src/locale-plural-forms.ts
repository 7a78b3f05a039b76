/**
 * Evaluates the C expression of a gettext `Plural-Forms` header (`plural=(n != 1);`) without
 * `eval`: a small precedence-climbing parser that builds a tree of closures once per catalog.
 */

/** Maps a count to the index of the plural form to use. */
export type PluralSelector = (n: number) => number;

type Node = (n: number) => number;

const MAX_EXPRESSION_LENGTH = 1000;
const MAX_DEPTH = 64;
const TOKEN = /\s*(?:(\d+)|(n)|(\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()]))/y;

/** The rule when a catalog has no Plural-Forms header: the second form for every count but 1. */
export const germanicPlural: PluralSelector = (n) => (n !== 1 ? 1 : 0);

const BINARY: Readonly<Record<string, { precedence: number; apply: (a: number, b: number) => number }>> = {
  '||': { precedence: 1, apply: (a, b) => (a !== 0 || b !== 0 ? 1 : 0) },
  '&&': { precedence: 2, apply: (a, b) => (a !== 0 && b !== 0 ? 1 : 0) },
  '==': { precedence: 3, apply: (a, b) => (a === b ? 1 : 0) },
  '!=': { precedence: 3, apply: (a, b) => (a !== b ? 1 : 0) },
  '<': { precedence: 4, apply: (a, b) => (a < b ? 1 : 0) },
  '>': { precedence: 4, apply: (a, b) => (a > b ? 1 : 0) },
  '<=': { precedence: 4, apply: (a, b) => (a <= b ? 1 : 0) },
  '>=': { precedence: 4, apply: (a, b) => (a >= b ? 1 : 0) },
  '+': { precedence: 5, apply: (a, b) => a + b },
  '-': { precedence: 5, apply: (a, b) => a - b },
  '*': { precedence: 6, apply: (a, b) => a * b },
  // C integer division; a zero divisor gives 0 rather than an error at lookup time.
  '/': { precedence: 6, apply: (a, b) => (b === 0 ? 0 : Math.trunc(a / b)) },
  '%': { precedence: 6, apply: (a, b) => (b === 0 ? 0 : a % b) },
};

function tokenize(expression: string): string[] {
  const source = expression.trimEnd();
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const match = TOKEN.exec(source);
    if (match === null) throw new SyntaxError(`Unexpected character in plural expression: ${JSON.stringify(source.slice(0, 40))}`);
    tokens.push(match[1] ?? match[2] ?? match[3]);
  }
  return tokens;
}

/**
 * Compiles a Plural-Forms expression (`n`, integers, `! * / % + - < > <= >= == != && || ?: ( )`)
 * into a selector.
 * @throws {SyntaxError} when the expression is malformed, too long or nested too deeply
 */
export function compilePluralExpression(source: string): PluralSelector {
  if (source.length > MAX_EXPRESSION_LENGTH) throw new SyntaxError('Plural expression is too long');
  const tokens = tokenize(source);
  let pos = 0;

  const expect = (token: string): void => {
    if (tokens[pos] !== token) throw new SyntaxError(`Expected '${token}' in plural expression`);
    pos++;
  };

  const parsePrimary = (depth: number): Node => {
    if (depth > MAX_DEPTH) throw new SyntaxError('Plural expression is nested too deeply');
    const token = tokens[pos++];
    if (token === undefined) throw new SyntaxError('Unexpected end of plural expression');
    if (token === 'n') return (n) => n;
    if (/^\d+$/.test(token)) {
      const value = Number(token);
      return () => value;
    }
    if (token === '!') {
      const operand = parsePrimary(depth + 1);
      return (n) => (operand(n) === 0 ? 1 : 0);
    }
    if (token === '(') {
      const inner = parseConditional(depth + 1);
      expect(')');
      return inner;
    }
    throw new SyntaxError(`Unexpected '${token}' in plural expression`);
  };

  const parseBinary = (minPrecedence: number, depth: number): Node => {
    let left = parsePrimary(depth);
    for (;;) {
      const op = BINARY[tokens[pos]];
      if (op === undefined || op.precedence < minPrecedence) return left;
      pos++;
      const right = parseBinary(op.precedence + 1, depth + 1);
      const lhs = left;
      left = (n) => op.apply(lhs(n), right(n));
    }
  };

  const parseConditional = (depth: number): Node => {
    if (depth > MAX_DEPTH) throw new SyntaxError('Plural expression is nested too deeply');
    const condition = parseBinary(1, depth);
    if (tokens[pos] !== '?') return condition;
    pos++;
    const whenTrue = parseConditional(depth + 1);
    expect(':');
    const whenFalse = parseConditional(depth + 1);
    return (n) => (condition(n) !== 0 ? whenTrue(n) : whenFalse(n));
  };

  const root = parseConditional(0);
  if (pos !== tokens.length) throw new SyntaxError(`Unexpected '${tokens[pos]}' in plural expression`);
  return (n) => root(n);
}
