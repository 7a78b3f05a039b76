export { AsyncHTTPClient, type AsyncHTTPClientOptions, type AsyncHTTPClientClass, type FetchOptions } from './async-http-client';
export { SimpleAsyncHTTPClient, DEFAULT_USER_AGENT, type SimpleAsyncHTTPClientOptions } from './simple-async-http-client';
export {
  HTTPRequest,
  REQUEST_DEFAULTS,
  type HTTPRequestOptions,
  type HTTPRequestSettings,
  type HeaderCallback,
  type StreamingCallback,
  type PEMInput,
} from './http-request';
export { HTTPResponse, type HTTPResponseInit, type TimeInfo } from './http-response';
export { HTTPClientError, HTTPTimeoutError, HTTPStreamClosedError, type HTTPClientErrorOptions } from './errors';
export type { BodyProducer, BodyWriter } from './body-producer';
