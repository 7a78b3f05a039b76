export {
  ParseError,
  TemplateNotFoundError,
  TemplateOptionError,
  TemplatePathError,
  TemplateRuntimeError,
  type ParseErrorOptions,
  type TemplateLocation,
} from './errors.js';
export { BaseLoader, DictLoader, Loader, type FileLoaderOptions, type LoaderOptions } from './loader.js';
export { DEFAULT_NAMESPACE, type Namespace } from './namespace.js';
export type { Autoescape, EscapeFunction } from './nodes.js';
export { stringify } from './runtime.js';
export { Template, type TemplateLoader, type TemplateOptions } from './template.js';
export { filterWhitespace, whitespaceForName, type WhitespaceMode } from './whitespace.js';
