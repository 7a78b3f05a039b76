import { HTTPError } from './errors';
import { RequestHandler, type HandlerKwargs } from './request-handler';

/**
 * Answers every request with `kwargs.statusCode` (Tornado's `ErrorHandler`); the application
 * uses it for 404s. Skips the XSRF check, so a POST to a missing page is a 404, not a 403.
 */
export class ErrorHandler extends RequestHandler {
  statusCode = 500;

  override initialize(kwargs: HandlerKwargs): void {
    const code = kwargs.statusCode;
    if (typeof code !== 'number') throw new TypeError('ErrorHandler needs a numeric `statusCode`');
    this.statusCode = code;
  }

  override prepare(): void {
    throw new HTTPError(this.statusCode);
  }

  override checkXsrfCookie(): void {}
}
