import type { UIMethod } from './settings';
import { TemplateModule } from './template-module';
import { LinkifyModule, UIModule, XsrfFormHtmlModule, type UIModuleClass } from './ui-module';

/** The UI modules every application has (Tornado's built-ins): `linkify`, `xsrfFormHtml`, `Template`. */
export const DEFAULT_UI_MODULES: Readonly<Record<string, UIModuleClass>> = Object.freeze({
  linkify: LinkifyModule,
  xsrfFormHtml: XsrfFormHtmlModule,
  Template: TemplateModule,
});

/** What the `uiModules` and `uiMethods` settings accept: a record (or a module namespace object), or a list of them. */
export type UIRegistrySetting = Readonly<Record<string, unknown>> | readonly UIRegistrySetting[];

function isUIModuleClass(value: unknown): value is UIModuleClass {
  return typeof value === 'function' && (value === UIModule || value.prototype instanceof UIModule);
}

function collect(setting: UIRegistrySetting | undefined, add: (name: string, value: unknown) => void): void {
  if (setting === undefined || setting === null) return;
  if (Array.isArray(setting)) {
    for (const item of setting as readonly UIRegistrySetting[]) collect(item, add);
    return;
  }
  for (const name of Object.keys(setting)) add(name, (setting as Record<string, unknown>)[name]);
}

/**
 * The UI modules of an application: the defaults, then the `uiModules` setting's entries (later
 * ones win). As in Tornado, entries that are not UIModule classes are skipped, so a module
 * namespace (`import * as uiModules from './ui-modules'`) can be given as it is.
 */
export function loadUIModules(setting?: UIRegistrySetting): Record<string, UIModuleClass> {
  const modules: Record<string, UIModuleClass> = { ...DEFAULT_UI_MODULES };
  collect(setting, (name, value) => {
    if (isUIModuleClass(value)) modules[name] = value;
  });
  return modules;
}

/**
 * The UI methods of an application from the `uiMethods` setting: functions called from templates
 * with the handler first. As in Tornado, names starting with `_` or an upper-case letter and
 * values that are not functions are skipped (so a module namespace can be given as it is).
 */
export function loadUIMethods(setting?: UIRegistrySetting): Record<string, UIMethod> {
  const methods: Record<string, UIMethod> = {};
  collect(setting, (name, value) => {
    if (typeof value === 'function' && name !== '' && !name.startsWith('_') && name[0] === name[0].toLowerCase()) {
      methods[name] = value as UIMethod;
    }
  });
  return methods;
}
