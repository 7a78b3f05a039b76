import { Loader, type BaseLoader, type FileLoaderOptions, type Template } from '@tornado-ts/template';
import type { Application } from './application';
import { MissingSettingError } from './errors';
import type { RequestHandler } from './request-handler';

/** The loaders of each application, by template path ('' when there is none), made once each. */
const loadersByApplication = new WeakMap<Application, Map<string, BaseLoader>>();
/** Handlers whose (non-file) loaders were already emptied for this request in no-cache mode. */
const resetForHandler = new WeakSet<RequestHandler>();

/** A handler that overrides loader creation (Tornado's `create_template_loader`). */
interface LoaderFactory {
  createTemplateLoader(templatePath: string | undefined): BaseLoader;
}

/**
 * A new loader for `templatePath` (Tornado's `create_template_loader`): the `templateLoader`
 * setting if given, else a file {@link Loader} with the `autoescape` and `templateWhitespace`
 * settings, which recompiles changed files when `compiledTemplateCache` is false (debug mode).
 * @throws {MissingSettingError} when there is neither a template path nor a `templateLoader`.
 */
export function createTemplateLoader(handler: RequestHandler, templatePath: string | undefined): BaseLoader {
  const settings = handler.settings;
  if (settings.templateLoader !== undefined) return settings.templateLoader;
  if (templatePath === undefined || templatePath === '') {
    throw new MissingSettingError(
      `${handler.constructor.name} renders a template, which needs the 'templatePath' or 'templateLoader' setting (or getTemplatePath())`,
    );
  }
  const options: FileLoaderOptions = { checkMtime: settings.compiledTemplateCache === false };
  // Only an autoescape that was given counts: null is a choice (no escaping), undefined is not.
  if (settings.autoescape !== undefined) options.autoescape = settings.autoescape;
  if (settings.templateWhitespace !== undefined) options.whitespace = settings.templateWhitespace;
  return new Loader(templatePath, options);
}

/**
 * The loader of `handler`'s template path (`getTemplatePath()`), made on first use (through the
 * handler's `createTemplateLoader` when it has one) and kept per application and path.
 */
export function handlerTemplateLoader(handler: RequestHandler): BaseLoader {
  const path = handler.getTemplatePath();
  const key = path ?? '';
  let loaders = loadersByApplication.get(handler.application);
  if (loaders === undefined) {
    loaders = new Map();
    loadersByApplication.set(handler.application, loaders);
  }
  let loader = loaders.get(key);
  if (loader === undefined) {
    const factory = (handler as Partial<LoaderFactory>).createTemplateLoader;
    loader = typeof factory === 'function' ? factory.call(handler, path) : createTemplateLoader(handler, path);
    loaders.set(key, loader);
  }
  return loader;
}

/**
 * The compiled template `name` for `handler`. With `compiledTemplateCache: false` a file loader
 * recompiles templates whose files changed, and any other loader is emptied once per request.
 */
export function loadHandlerTemplate(handler: RequestHandler, name: string): Template {
  const loader = handlerTemplateLoader(handler);
  if (handler.settings.compiledTemplateCache === false) {
    if (loader instanceof Loader) return loader.reloadIfChanged(name);
    if (!resetForHandler.has(handler) && typeof loader.reset === 'function') {
      resetForHandler.add(handler);
      loader.reset();
    }
  }
  return loader.load(name);
}
