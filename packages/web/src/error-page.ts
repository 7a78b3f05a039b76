import { xhtmlEscape } from '@tornado-ts/escape';

/** The default error page: `<html><title>404: Not Found</title>...`, the reason escaped. */
export function errorPageHtml(statusCode: number, reason: string): string {
  const message = `${statusCode}: ${xhtmlEscape(reason)}`;
  return `<html><title>${message}</title><body>${message}</body></html>`;
}

/** The text of an error and its cause chain, for `serveTraceback` (plain text, never HTML). */
export function tracebackText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('\nCaused by:\n');
  }
  return `${parts.join('')}\n`;
}
