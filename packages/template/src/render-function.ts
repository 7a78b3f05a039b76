import { xhtmlEscape } from '@tornado-ts/escape';
import { endCode, LOC, OUT } from './code-writer.js';
import type { CompiledBody } from './compiler.js';
import { ParseError } from './errors.js';
import { isIdentifierName } from './js-scan.js';
import { isBindableName, type Namespace } from './namespace.js';
import { RUNTIME } from './runtime.js';

/** A compiled template bound to one set of namespace keys: takes the namespace, returns the output. */
export type RenderFunction = (namespace: Namespace) => string;

type Factory = (
  runtime: typeof RUNTIME,
  fixed: Namespace,
  functions: readonly unknown[],
  locations: CompiledBody['locations'],
) => RenderFunction;

/**
 * Builds the render function of a compiled template for one set of render-time keys (the
 * namespace keys the template mentions, sorted). The generated code binds those keys from the
 * render's namespace and every other name it mentions from `fixed` (the defaults and the loader's
 * namespace) as plain local variables, so expressions read them as bare identifiers without `with`.
 * Called once per template and key set; never while rendering.
 * @throws {ParseError} when the template's JavaScript does not compile, naming the line at fault.
 */
export function buildRenderFunction(
  name: string,
  compiled: CompiledBody,
  fixed: Namespace,
  renderKeys: readonly string[],
): RenderFunction {
  const fromRender = new Set(renderKeys);
  const outer: string[] = ["'use strict';", 'const _tt_s = _tt_rt.str;', 'const _tt_fail = _tt_rt.fail;'];
  const inner: string[] = [];
  for (const key of compiled.referenced) {
    if (!fromRender.has(key) && Object.hasOwn(fixed, key) && isBindableName(key)) {
      outer.push(`const ${key} = _tt_fixed[${JSON.stringify(key)}];`);
    }
  }
  const functions: unknown[] = [];
  compiled.escapes.forEach((escape, i) => {
    const helper = `_tt_e${i}`;
    if (typeof escape === 'function') {
      if (escape === xhtmlEscape) {
        outer.push(`const ${helper} = _tt_rt.esc;`);
      } else {
        outer.push(`const ${helper} = (v) => _tt_s(_tt_fns[${functions.length}](_tt_s(v)));`);
        functions.push(escape);
      }
    } else if (isFastEscape(escape, compiled, fixed, fromRender)) {
      outer.push(`const ${helper} = _tt_rt.esc;`);
    } else {
      // Looked up on each use, as Tornado does, so a namespace or `set` can supply it.
      inner.push(`const ${helper} = (v) => _tt_s((${endCode(escape)})(_tt_s(v)));`);
    }
  });
  const bindings = renderKeys.map((key) => `${key} = _tt_ns[${JSON.stringify(key)}]`);
  // The body has no try/catch of its own (one there cost about 5% of render speed on Node 20):
  // the location lives in a closure slot, and a thin wrapper turns errors into
  // TemplateRuntimeErrors and restores the slot for renders that re-enter the same function.
  const source = [
    ...outer,
    `let ${LOC} = 0;`,
    'function _tt_body(_tt_ns) {',
    ...(bindings.length > 0 ? [`  var ${bindings.join(', ')};`] : []),
    ...inner.map((line) => `  ${line}`),
    `  let ${OUT} = '';`,
    compiled.code,
    `  return ${OUT};`,
    '}',
    'return function render(_tt_ns) {',
    `  const _tt_caller = ${LOC};`,
    '  try {',
    '    return _tt_body(_tt_ns);',
    '  } catch (_tt_error) {',
    `    throw _tt_fail(_tt_error, _tt_locs[${LOC}]);`,
    '  } finally {',
    `    ${LOC} = _tt_caller;`,
    '  }',
    '};',
  ].join('\n');
  let factory: Factory;
  try {
    factory = new Function('_tt_rt', '_tt_fixed', '_tt_fns', '_tt_locs', source) as Factory;
  } catch (error) {
    throw locateSyntaxError(name, compiled, error);
  }
  return factory(RUNTIME, fixed, functions, compiled.locations);
}

/** Whether an autoescape name resolves to the default xhtmlEscape, so the fused helper can stand in. */
function isFastEscape(escape: string, compiled: CompiledBody, fixed: Namespace, fromRender: ReadonlySet<string>): boolean {
  return (
    isIdentifierName(escape) &&
    !fromRender.has(escape) &&
    !compiled.declared.has(escape) &&
    Object.hasOwn(fixed, escape) &&
    fixed[escape] === xhtmlEscape
  );
}

/** Finds the template line whose code does not compile, by compiling each piece on its own. */
function locateSyntaxError(name: string, compiled: CompiledBody, error: unknown): unknown {
  if (!(error instanceof SyntaxError)) return error;
  for (const fragment of compiled.fragments) {
    try {
      new Function(`'use strict';\n${fragment.check}`);
    } catch (fragmentError) {
      const [where] = compiled.locations[fragment.location];
      const message = fragmentError instanceof Error ? fragmentError.message : String(fragmentError);
      return new ParseError(`Invalid JavaScript: ${message}`, { filename: where.filename, lineno: where.lineno, cause: fragmentError });
    }
  }
  return new ParseError(`Invalid JavaScript: ${error.message}`, { filename: name, lineno: 0, cause: error });
}
