import type { RequestHandler } from './request-handler';

/**
 * Class decorator (TC39) marking a handler as streaming its request body: the body is not
 * buffered but handed to `dataReceived(chunk)` as it arrives, after `prepare()`. Same as
 * `static streamRequestBody = true`.
 */
export function streamRequestBody<T extends typeof RequestHandler>(handlerClass: T, _context?: ClassDecoratorContext<T>): T {
  Object.defineProperty(handlerClass, 'streamRequestBody', { value: true, writable: true, configurable: true, enumerable: true });
  return handlerClass;
}
