import { TemplateRuntimeError } from '@tornado-ts/template';
import { Finish, HandlerUsageError, HTTPError } from './errors';
import type { RequestHandler } from './request-handler';
import { loadHandlerTemplate } from './template-loaders';
import { activeUIModules, uiModuleNamespace } from './template-module-namespace';
import { collectPageResources, injectPageResources } from './template-resources';

/** Sets `key` as a plain entry; an existing entry is redefined, since it may be a lazy one (a getter). */
function setEntry(namespace: Record<string, unknown>, key: string, value: unknown): void {
  if (Object.hasOwn(namespace, key)) {
    Object.defineProperty(namespace, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    namespace[key] = value;
  }
}

/**
 * The names every template rendered by `handler` sees (Tornado's `get_template_namespace`):
 * `handler`, `request`, `currentUser`, `locale`, `_`, `pgettext`, `staticUrl`, `xsrfFormHtml`,
 * `reverseUrl`, the application's UI methods bound to the handler, and `modules` (with
 * `_tt_modules`, which `{% module %}` uses). The escape helpers come from the template package.
 * `currentUser`, `locale` and the functions are getters, so only what a template uses is computed.
 */
export function buildTemplateNamespace(handler: RequestHandler): Record<string, unknown> {
  const modules = uiModuleNamespace(handler);
  const namespace: Record<string, unknown> = {
    handler,
    request: handler.request,
    get currentUser(): unknown {
      return handler.currentUser;
    },
    get locale(): unknown {
      return handler.locale;
    },
    get _(): unknown {
      const locale = handler.locale;
      return (message: string, pluralMessage?: string, count?: number) => locale.translate(message, pluralMessage, count);
    },
    get pgettext(): unknown {
      const locale = handler.locale;
      return (context: string, message: string, pluralMessage?: string, count?: number) =>
        locale.pgettext(context, message, pluralMessage, count);
    },
    get staticUrl(): unknown {
      return (path: string, options?: { includeHost?: boolean; includeVersion?: boolean }) => handler.staticUrl(path, options);
    },
    get xsrfFormHtml(): unknown {
      return () => handler.xsrfFormHtml();
    },
    get reverseUrl(): unknown {
      return (name: string, ...args: unknown[]) => handler.reverseUrl(name, ...args);
    },
  };
  // As in Tornado, UI methods may shadow the names above, and `modules` shadows a UI method.
  const methods = handler.application.uiMethods;
  for (const name of Object.keys(methods)) {
    const method = methods[name] as (handler: RequestHandler, ...args: unknown[]) => unknown;
    setEntry(namespace, name, (...args: unknown[]) => method(handler, ...args));
  }
  setEntry(namespace, '_tt_modules', modules);
  setEntry(namespace, 'modules', modules);
  return namespace;
}

/**
 * Renders the template `templateName` from `handler`'s loader with `handler.getTemplateNamespace()`
 * and `namespace` over it (Tornado's `render_string`). An `HTTPError` or `Finish` thrown by
 * template code or a UI module is rethrown as it is, so it has its usual effect on the response.
 * @throws {TemplateRuntimeError} for other errors of the template's code, naming template and line.
 */
export function renderHandlerString(
  handler: RequestHandler,
  templateName: string,
  namespace?: Record<string, unknown>,
): string {
  const template = loadHandlerTemplate(handler, templateName);
  const entries = handler.getTemplateNamespace();
  if (namespace !== undefined && namespace !== null) {
    for (const key of Object.keys(namespace)) setEntry(entries, key, namespace[key]);
  }
  try {
    return template.generate(entries);
  } catch (error) {
    if (error instanceof TemplateRuntimeError && (error.cause instanceof HTTPError || error.cause instanceof Finish)) {
      throw error.cause;
    }
    throw error;
  }
}

/**
 * Renders a whole page for `handler` (Tornado's `render` before `finish`): `handler.renderString`,
 * then the CSS, JavaScript and head/body HTML of the UI modules used on it put in place.
 * @throws {HandlerUsageError} when the handler has already finished.
 * @throws {UIModuleError} when modules need a `</head>` or `</body>` the page lacks.
 */
export function renderHandlerTemplate(
  handler: RequestHandler,
  templateName: string,
  namespace?: Record<string, unknown>,
): string {
  if (handler.finished) throw new HandlerUsageError('Cannot render() after finish()');
  const html = handler.renderString(templateName, namespace);
  const resources = collectPageResources(activeUIModules(handler));
  return resources === null ? html : injectPageResources(handler, html, resources);
}
