export { HTTPInputError, HTTPOutputError, type HTTPInputErrorOptions } from './errors';
export { HTTPHeaders, validateOutgoingHeader, type HTTPHeadersInit } from './http-headers';
export { normalizeHeaderName } from './header-names';
export { parseRequestStartLine, parseResponseStartLine } from './start-line';
export type {
  RequestStartLine,
  ResponseStartLine,
  HTTPRequestContext,
  HTTPConnection,
  HTTPMessageDelegate,
  HTTPServerConnectionDelegate,
} from './delegates';
export { HTTPServerRequest, type HTTPServerRequestInit } from './http-server-request';
export {
  parseQueryString,
  qsToQsl,
  DEFAULT_MAX_ARGUMENTS,
  type ArgumentMap,
  type ParseQueryStringOptions,
} from './query-string';
export { parseBodyArguments, type ParseBodyOptions } from './body-arguments';
export {
  parseMultipartFormData,
  DEFAULT_MAX_PARTS,
  type HTTPFile,
  type FileMap,
  type ParseMultipartOptions,
} from './multipart';
export { parseHeaderParameters } from './header-params';
export { parseCookie, unquoteCookieValue } from './cookies';
export { urlConcat, splitHostAndPort, type UrlArguments } from './url';
export { formatTimestamp } from './format-timestamp';
export { STATUS_REASONS, statusReason } from './status-reasons';
export { isValidIp } from './is-valid-ip';
export { parseHostHeader } from './host';
// HTTP/1.x codec
export { HTTP1Connection } from './http1-connection';
export { HTTP1ServerConnection } from './http1-server-connection';
export { HTTP1ConnectionParameters, type HTTP1ConnectionOptions } from './http1-parameters';
export { GzipMessageDelegate, type GzipMessageDelegateOptions } from './gzip-message-delegate';
