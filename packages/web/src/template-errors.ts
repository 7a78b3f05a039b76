/**
 * A UI module was misused: `render()` not overridden, `setResources` given unknown keys or
 * different resources for the same template, or a page lacks the `</head>`/`</body>` its
 * modules' resources go before.
 */
export class UIModuleError extends Error {
  override name = 'UIModuleError';
  readonly code = 'TORNADO_ERR_UI_MODULE';
}
