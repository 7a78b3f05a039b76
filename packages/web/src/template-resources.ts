import { xhtmlEscape } from '@tornado-ts/escape';
import type { RequestHandler } from './request-handler';
import { UIModuleError } from './template-errors';
import type { ResourceFiles, UIModule } from './ui-module';

/** What the UI modules of a page asked for, in the order the modules were first used. */
export interface PageResources {
  readonly javascriptFiles: string[];
  readonly embeddedJavascript: string[];
  readonly cssFiles: string[];
  readonly embeddedCss: string[];
  readonly htmlHead: string[];
  readonly htmlBody: string[];
}

/**
 * How a handler may change the markup of the resources (Tornado's `render_linked_js`,
 * `render_embed_js`, `render_linked_css`, `render_embed_css`): define any of these methods on the
 * handler class and `render()` uses it instead of the default below.
 */
export interface ResourceMarkup {
  renderLinkedJs(files: readonly string[]): string;
  renderEmbedJs(parts: readonly string[]): string;
  renderLinkedCss(files: readonly string[]): string;
  renderEmbedCss(parts: readonly string[]): string;
}

function addFiles(into: string[], files: ResourceFiles | null | undefined): void {
  if (typeof files === 'string') {
    if (files !== '') into.push(files);
  } else if (files != null) {
    into.push(...files);
  }
}

function addText(into: string[], text: string | null | undefined): void {
  if (text) into.push(text);
}

/** Gathers the resources of `modules` (each module asked once), or returns null when there are none. */
export function collectPageResources(modules: Iterable<UIModule>): PageResources | null {
  let resources: PageResources | null = null;
  for (const module of modules) {
    resources ??= { javascriptFiles: [], embeddedJavascript: [], cssFiles: [], embeddedCss: [], htmlHead: [], htmlBody: [] };
    addText(resources.embeddedJavascript, module.embeddedJavascript());
    addFiles(resources.javascriptFiles, module.javascriptFiles());
    addText(resources.embeddedCss, module.embeddedCss());
    addFiles(resources.cssFiles, module.cssFiles());
    addText(resources.htmlHead, module.htmlHead());
    addText(resources.htmlBody, module.htmlBody());
  }
  return resources;
}

/** Whether a resource path is used as it is rather than through `staticUrl` (Tornado's `is_absolute`). */
export function isAbsoluteResource(path: string): boolean {
  return path.startsWith('/') || path.startsWith('http:') || path.startsWith('https:');
}

/** The URLs of `files`, relative ones through `handler.staticUrl`, each once in first-use order. */
export function resourceUrls(handler: RequestHandler, files: readonly string[]): string[] {
  const urls = new Set<string>();
  for (const file of files) urls.add(isAbsoluteResource(file) ? file : handler.staticUrl(file));
  return [...urls];
}

/** The default markup of linked scripts: one `<script src>` per distinct URL. */
export function renderLinkedJs(handler: RequestHandler, files: readonly string[]): string {
  let html = '';
  for (const url of resourceUrls(handler, files)) html += `<script src="${xhtmlEscape(url)}" type="text/javascript"></script>`;
  return html;
}

/** The default markup of inline scripts: all of them in one `<script>`. */
export function renderEmbedJs(parts: readonly string[]): string {
  return `<script type="text/javascript">\n//<![CDATA[\n${parts.join('\n')}\n//]]>\n</script>`;
}

/** The default markup of linked style sheets: one `<link rel="stylesheet">` per distinct URL. */
export function renderLinkedCss(handler: RequestHandler, files: readonly string[]): string {
  let html = '';
  for (const url of resourceUrls(handler, files)) html += `<link href="${xhtmlEscape(url)}" type="text/css" rel="stylesheet"/>`;
  return html;
}

/** The default markup of inline CSS: all of it in one `<style>`. */
export function renderEmbedCss(parts: readonly string[]): string {
  return `<style type="text/css">\n${parts.join('\n')}\n</style>`;
}

function markerIndex(html: string, marker: string, last: boolean, what: string): number {
  const index = last ? html.lastIndexOf(marker) : html.indexOf(marker);
  if (index < 0) throw new UIModuleError(`The page has no ${marker} to put the UI modules' ${what} before`);
  return index;
}

/**
 * `html` with `resources` inserted as Tornado does: linked then inline scripts before the last
 * `</body>`, linked then inline CSS and the `htmlHead` parts before the first `</head>`, and
 * the `htmlBody` parts before the first `</body>`; each followed by a newline.
 * @throws {UIModuleError} when a needed `</head>` or `</body>` is missing.
 */
export function injectPageResources(handler: RequestHandler, html: string, resources: PageResources): string {
  const markup = handler as Partial<ResourceMarkup>;
  // Positions are found in the page as rendered, so inserted text can never be mistaken for a marker.
  const inserts: [position: number, text: string][] = [];
  let head = '';
  if (resources.cssFiles.length > 0) {
    head += `${markup.renderLinkedCss?.(resources.cssFiles) ?? renderLinkedCss(handler, resources.cssFiles)}\n`;
  }
  if (resources.embeddedCss.length > 0) {
    head += `${markup.renderEmbedCss?.(resources.embeddedCss) ?? renderEmbedCss(resources.embeddedCss)}\n`;
  }
  if (resources.htmlHead.length > 0) head += `${resources.htmlHead.join('')}\n`;
  if (head !== '') inserts.push([markerIndex(html, '</head>', false, 'CSS and head HTML'), head]);
  let scripts = '';
  if (resources.javascriptFiles.length > 0) {
    scripts += `${markup.renderLinkedJs?.(resources.javascriptFiles) ?? renderLinkedJs(handler, resources.javascriptFiles)}\n`;
  }
  if (resources.embeddedJavascript.length > 0) {
    scripts += `${markup.renderEmbedJs?.(resources.embeddedJavascript) ?? renderEmbedJs(resources.embeddedJavascript)}\n`;
  }
  if (scripts !== '') inserts.push([markerIndex(html, '</body>', true, 'JavaScript'), scripts]);
  if (resources.htmlBody.length > 0) {
    inserts.push([markerIndex(html, '</body>', false, 'body HTML'), `${resources.htmlBody.join('')}\n`]);
  }
  if (inserts.length === 0) return html;
  // Stable sort: at one position, the scripts come before the body HTML, as in Tornado.
  inserts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let from = 0;
  for (const [position, text] of inserts) {
    out += html.slice(from, position) + text;
    from = position;
  }
  return out + html.slice(from);
}
