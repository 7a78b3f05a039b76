// Core: application, routing, handlers
export { Application, type HandlerRoute } from './application';
export type { ApplicationRouter } from './application-router';
export { URLSpec, url, type RouteSpec, type HandlerClass, type RouteMatch } from './routing';
export {
  Router,
  ReversibleRouter,
  RuleRouter,
  ReversibleRuleRouter,
  Rule,
  type RuleSpec,
  type RuleTarget,
} from './routing-rule-router';
export { AnyMatches, HostMatches, DefaultHostMatches, NO_GROUPS, type Matcher, type DefaultHostSource } from './routing-matchers';
export { PathMatches } from './routing-path-matches';
export type { TargetParams, RouteCallback } from './routing-delegates';
export { addslash, removeslash } from './slash-decorators';
export {
  RequestHandler,
  type HandlerKwargs,
  type ResponseChunk,
  type ErrorDetails,
} from './request-handler';
export type { HeaderValue } from './header-values';
export type { SignedCookieOptions, GetSignedCookieOptions } from './handler-cookies';
export {
  settingsSchema,
  parseSettings,
  type ApplicationSettings,
  type ApplicationSettingsInput,
  type RequestHandlerClass,
  type LogFunction,
  type UIMethod,
} from './settings';
export {
  HTTPError,
  MissingArgumentError,
  Finish,
  MissingSettingError,
  SettingsError,
  HandlerUsageError,
  ReverseUrlError,
  type HTTPErrorOptions,
} from './errors';
export { RedirectHandler } from './redirect-handler';
export { ErrorHandler } from './error-handler';
export { authenticated } from './authenticated';
export { streamRequestBody } from './stream-request-body';
export { OutputTransform, GZipContentEncoding, type OutputTransformClass } from './output-transform';
export { startAutoreload, stopAutoreload, watchFile, restartProcess, type AutoreloadOptions } from './autoreload';
// Cookies, signed values, XSRF tokens
export { CookieError, formatSetCookie, type CookieOptions } from './cookie-header';
export {
  createSignedValue,
  decodeSignedValue,
  getSignatureKeyVersion,
  type CookieSecret,
  type CreateSignedValueOptions,
  type DecodeSignedValueOptions,
} from './signed-value';
export { newXsrfTokenBytes, encodeXsrfToken, decodeXsrfToken, xsrfTokensEqual, type DecodedXsrfToken } from './xsrf-token';
// Static files
export { StaticFileHandler, type StaticFileHandlerKwargs } from './static-file-handler';
export type { StaticContent } from './static-content';
// Locale
export {
  Locale,
  CSVLocale,
  GettextLocale,
  GettextCatalog,
  CONTEXT_SEPARATOR,
  LOCALE_NAMES,
  loadTranslations,
  loadGettextTranslations,
  setDefaultLocale,
  getSupportedLocales,
  resetLocaleState,
  parseAcceptLanguage,
  parseMoFile,
  interpolate,
  type CsvTranslations,
  type PluralIndicator,
  type FormatDateOptions,
  type FormatDayOptions,
  type LocaleName,
} from './locale';
// Templates and UI modules
export { UIModule, LinkifyModule, XsrfFormHtmlModule, type UIModuleClass, type ResourceFiles } from './ui-module';
export { TemplateModule, type TemplateResources } from './template-module';
export { DEFAULT_UI_MODULES, loadUIModules, loadUIMethods, type UIRegistrySetting } from './template-ui-registry';
export { createTemplateLoader } from './template-loaders';
export {
  renderLinkedJs,
  renderEmbedJs,
  renderLinkedCss,
  renderEmbedCss,
  isAbsoluteResource,
  type ResourceMarkup,
  type PageResources,
} from './template-resources';
export { UIModuleError } from './template-errors';
