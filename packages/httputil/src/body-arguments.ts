import { HTTPInputError } from './errors';
import type { HTTPHeaders } from './http-headers';
import { trimHttpWhitespace } from './http-grammar';
import { parseMultipartFormData, type FileMap } from './multipart';
import { appendArgument, DEFAULT_MAX_ARGUMENTS, forEachFormField, type ArgumentMap } from './query-string';

/** Limits for {@link parseBodyArguments}. */
export interface ParseBodyOptions {
  /** The most urlencoded fields accepted (default 1000); more is a 400. */
  maxArguments?: number;
  /** The most multipart parts accepted (default 100); more is a 400. */
  maxParts?: number;
}

function checkContentEncoding(headers: HTTPHeaders | null | undefined): void {
  const encoding = headers?.get('Content-Encoding');
  if (encoding !== undefined && trimHttpWhitespace(encoding).toLowerCase() !== 'identity') {
    throw new HTTPInputError(`Unsupported Content-Encoding: ${encoding}`);
  }
}

/**
 * Parses a form body into `args` and `files` (Tornado's `parse_body_arguments`):
 * `application/x-www-form-urlencoded` and `multipart/form-data` (with a quoted or bare
 * `boundary`); other content types are left alone. A `Content-Encoding` other than `identity`
 * is refused (a decompressing delegate removes it first). Nothing is added when parsing fails.
 * @throws {HTTPInputError} (400) on the first problem found.
 */
export function parseBodyArguments(
  contentType: string,
  body: Buffer,
  args: ArgumentMap,
  files: FileMap,
  headers?: HTTPHeaders | null,
  options: ParseBodyOptions = {},
): void {
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    checkContentEncoding(headers);
    const pairs: [string, Buffer][] = [];
    forEachFormField(body, options.maxArguments ?? DEFAULT_MAX_ARGUMENTS, (name, value) => {
      pairs.push([name.toString('utf8'), value]);
    });
    for (const [name, value] of pairs) appendArgument(args, name, value);
  } else if (contentType.startsWith('multipart/form-data')) {
    checkContentEncoding(headers);
    for (const field of contentType.split(';')) {
      const trimmed = trimHttpWhitespace(field);
      const eq = trimmed.indexOf('=');
      if (eq !== -1 && trimmed.slice(0, eq) === 'boundary' && eq < trimmed.length - 1) {
        parseMultipartFormData(trimmed.slice(eq + 1), body, args, files, { maxParts: options.maxParts });
        return;
      }
    }
    throw new HTTPInputError('Invalid multipart/form-data: boundary not found');
  }
}
