import type { RequestHandler } from './request-handler';
import { UIModuleError } from './template-errors';
import { DEFAULT_UI_MODULES } from './template-ui-registry';
import type { UIModule, UIModuleClass } from './ui-module';

/** The UI module instances each handler has used, by name, in first-use order (Tornado's `_active_modules`). */
const activeByHandler = new WeakMap<RequestHandler, Map<string, UIModule>>();
/** The `modules` object templates of each handler see. */
const namespaceByHandler = new WeakMap<RequestHandler, Readonly<Record<string, (...args: unknown[]) => string>>>();

function moduleClass(handler: RequestHandler, name: string): UIModuleClass | undefined {
  const modules = handler.application.uiModules;
  if (Object.hasOwn(modules, name)) return modules[name];
  return Object.hasOwn(DEFAULT_UI_MODULES, name) ? DEFAULT_UI_MODULES[name] : undefined;
}

/**
 * Renders UI module `name` for `handler` with `args`: the module is created on its first use in
 * the request and reused after, so its resources are put in the page once.
 * @throws {UIModuleError} when the application has no module of that name.
 */
export function renderUIModule(handler: RequestHandler, name: string, args: readonly unknown[]): string {
  let active = activeByHandler.get(handler);
  if (active === undefined) {
    active = new Map();
    activeByHandler.set(handler, active);
  }
  let module = active.get(name);
  if (module === undefined) {
    const ModuleClass = moduleClass(handler, name);
    if (ModuleClass === undefined) throw new UIModuleError(`There is no UI module named ${JSON.stringify(name)}`);
    module = new ModuleClass(handler);
    active.set(name, module);
  }
  return module.render(...args);
}

/** The UI modules `handler` has rendered so far, in first-use order. */
export function activeUIModules(handler: RequestHandler): Iterable<UIModule> {
  return activeByHandler.get(handler)?.values() ?? [];
}

interface Target {
  readonly handler: RequestHandler;
}

// A Proxy looks module names up when a template uses them, so modules added to
// `application.uiModules` later are seen, and a request builds no function per module.
const traps: ProxyHandler<Target> = {
  get(target, key) {
    if (typeof key !== 'string' || moduleClass(target.handler, key) === undefined) return undefined;
    return (...args: unknown[]) => renderUIModule(target.handler, key, args);
  },
  has(target, key) {
    return typeof key === 'string' && moduleClass(target.handler, key) !== undefined;
  },
  ownKeys(target) {
    return [...new Set([...Object.keys(DEFAULT_UI_MODULES), ...Object.keys(target.handler.application.uiModules)])];
  },
  getOwnPropertyDescriptor(target, key) {
    const value = traps.get?.(target, key, target) as unknown;
    return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
  },
};

/**
 * The object templates see as `modules` and `_tt_modules`: `modules.Name(...args)` renders UI
 * module `Name` for `handler` (what `{% module Name(...args) %}` compiles to).
 */
export function uiModuleNamespace(handler: RequestHandler): Readonly<Record<string, (...args: unknown[]) => string>> {
  let namespace = namespaceByHandler.get(handler);
  if (namespace === undefined) {
    namespace = new Proxy({ handler }, traps) as unknown as Record<string, (...args: unknown[]) => string>;
    namespaceByHandler.set(handler, namespace);
  }
  return namespace;
}
