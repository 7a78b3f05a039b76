import { UIModuleError } from './template-errors';
import { UIModule, type ResourceFiles } from './ui-module';

/** What a template rendered by {@link TemplateModule} may ask for with `setResources({...})`. */
export interface TemplateResources {
  embeddedJavascript?: string;
  javascriptFiles?: ResourceFiles;
  embeddedCss?: string;
  cssFiles?: ResourceFiles;
  htmlHead?: string;
  htmlBody?: string;
}

type ResourceKey = keyof TemplateResources;

const TEXT_KEYS: ReadonlySet<string> = new Set(['embeddedJavascript', 'embeddedCss', 'htmlHead', 'htmlBody']);
const FILE_KEYS: ReadonlySet<string> = new Set(['javascriptFiles', 'cssFiles']);

function isFiles(value: unknown): value is ResourceFiles {
  return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

/** Checks what a template passed to `setResources` and copies it (so later changes to it do not count). */
function checkResources(path: string, resources: unknown): TemplateResources {
  if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) {
    throw new UIModuleError(`setResources() in ${path} expects an object such as { cssFiles: 'x.css' }`);
  }
  const checked: Record<string, string | readonly string[]> = {};
  for (const [key, value] of Object.entries(resources)) {
    if (TEXT_KEYS.has(key) ? typeof value !== 'string' : FILE_KEYS.has(key) ? !isFiles(value) : true) {
      const expected = TEXT_KEYS.has(key) || FILE_KEYS.has(key) ? 'a wrong type of value for' : 'an unknown key';
      throw new UIModuleError(
        `setResources() in ${path} got ${expected} ${JSON.stringify(key)} ` +
          '(embeddedJavascript, embeddedCss, htmlHead, htmlBody: strings; javascriptFiles, cssFiles: a string or strings)',
      );
    }
    checked[key] = Array.isArray(value) ? Object.freeze([...value]) : (value as string);
  }
  return checked as TemplateResources;
}

function sameFiles(a: ResourceFiles, b: ResourceFiles): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function sameResources(a: TemplateResources, b: TemplateResources): boolean {
  const keys = Object.keys(a) as ResourceKey[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const left = a[key];
    const right = b[key];
    return left !== undefined && right !== undefined && sameFiles(left, right);
  });
}

/**
 * `{% module Template('box.html', { title: 'x' }) %}` renders another template with the handler's
 * namespace plus the given entries (not the calling template's variables, unlike `include`). That
 * template may call `{{ setResources({ cssFiles: 'box.css', embeddedJavascript: '...' }) }}` to add
 * CSS and JavaScript to the page: once per template file, however often it is rendered.
 */
export class TemplateModule extends UIModule {
  /** Resources by template name, in the order the templates first asked. */
  readonly #resources = new Map<string, TemplateResources>();

  /**
   * Renders the template `path` with `namespace` and `setResources` added to the handler's namespace.
   * @throws {UIModuleError} when the template calls `setResources` with bad or changing resources.
   */
  override render(path: string, namespace?: Record<string, unknown>): string {
    const setResources = (resources: TemplateResources): string => {
      this.#setResources(path, resources);
      return '';
    };
    return this.renderString(path, { ...namespace, setResources });
  }

  #setResources(path: string, resources: unknown): void {
    const checked = checkResources(path, resources);
    const known = this.#resources.get(path);
    if (known === undefined) this.#resources.set(path, checked);
    else if (!sameResources(known, checked)) {
      throw new UIModuleError(`setResources() was called with different resources for the same template ${path}`);
    }
  }

  #texts(key: 'embeddedJavascript' | 'embeddedCss' | 'htmlHead' | 'htmlBody', separator: string): string {
    const parts: string[] = [];
    for (const resources of this.#resources.values()) {
      const value = resources[key];
      if (value !== undefined) parts.push(value);
    }
    return parts.join(separator);
  }

  #files(key: 'javascriptFiles' | 'cssFiles'): string[] {
    const files: string[] = [];
    for (const resources of this.#resources.values()) {
      const value = resources[key];
      if (typeof value === 'string') files.push(value);
      else if (value !== undefined) files.push(...value);
    }
    return files;
  }

  override embeddedJavascript(): string {
    return this.#texts('embeddedJavascript', '\n');
  }

  override javascriptFiles(): string[] {
    return this.#files('javascriptFiles');
  }

  override embeddedCss(): string {
    return this.#texts('embeddedCss', '\n');
  }

  override cssFiles(): string[] {
    return this.#files('cssFiles');
  }

  override htmlHead(): string {
    return this.#texts('htmlHead', '');
  }

  override htmlBody(): string {
    return this.#texts('htmlBody', '');
  }
}
