import { linkify, type LinkifyOptions } from '@tornado-ts/escape';
import type { HTTPServerRequest } from '@tornado-ts/httputil';
import type { Locale } from './locale';
import type { RequestHandler } from './request-handler';
import { UIModuleError } from './template-errors';

/** One or more URLs of script or style files: relative ones go through `staticUrl`. */
export type ResourceFiles = string | readonly string[];

/**
 * A reusable piece of a page, written into templates with `{% module Name(args) %}`. One
 * instance serves every use of `Name` during a request; the CSS and JavaScript it asks for are
 * put into the page once by `render()`.
 */
export class UIModule {
  /** The handler of the request whose page is being rendered. */
  readonly handler: RequestHandler;
  /** The request being answered. */
  readonly request: HTTPServerRequest;

  constructor(handler: RequestHandler) {
    this.handler = handler;
    this.request = handler.request;
  }

  /** The handler's current user (computed on first use, as on the handler). */
  get currentUser(): unknown {
    return this.handler.currentUser;
  }

  /** The handler's locale. */
  get locale(): Locale {
    return this.handler.locale;
  }

  /**
   * The HTML this module writes where the template calls it (not escaped). Subclasses override it.
   * @throws {UIModuleError} when not overridden.
   */
  render(..._args: unknown[]): string {
    throw new UIModuleError(`${this.constructor.name} does not override render()`);
  }

  /** JavaScript to put in the page's one inline script, before `</body>`. */
  embeddedJavascript(): string | null {
    return null;
  }

  /** Script files this module needs, linked before `</body>` (relative paths through `staticUrl`). */
  javascriptFiles(): ResourceFiles | null {
    return null;
  }

  /** CSS to put in the page's one inline style, before `</head>`. */
  embeddedCss(): string | null {
    return null;
  }

  /** Style sheets this module needs, linked before `</head>` (relative paths through `staticUrl`). */
  cssFiles(): ResourceFiles | null {
    return null;
  }

  /** HTML to put at the end of `<head>`. */
  htmlHead(): string | null {
    return null;
  }

  /** HTML to put at the end of `<body>`. */
  htmlBody(): string | null {
    return null;
  }

  /** Renders a template with the handler's namespace (plus `namespace`) and returns the HTML. */
  renderString(path: string, namespace?: Record<string, unknown>): string {
    return this.handler.renderString(path, namespace);
  }
}

/** A UIModule class as `uiModules` names it. */
export type UIModuleClass = typeof UIModule;

/** `{% module linkify(text, options?) %}`: the text escaped, with its URLs made links (Tornado's `linkify` module). */
export class LinkifyModule extends UIModule {
  override render(text: string, options?: LinkifyOptions): string {
    return linkify(text, options);
  }
}

/** `{% module xsrfFormHtml() %}`: the hidden `_xsrf` form field (Tornado's `xsrf_form_html` module). */
export class XsrfFormHtmlModule extends UIModule {
  override render(): string {
    return this.handler.xsrfFormHtml();
  }
}
