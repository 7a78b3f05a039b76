import { HTTPInputError } from './errors';
import { parseHeaderParameters } from './header-params';
import { HTTPHeaders } from './http-headers';
import { appendArgument, type ArgumentMap } from './query-string';

/** A file uploaded through a `multipart/form-data` form. */
export interface HTTPFile {
  /** The client's file name (RFC 2231 `filename*=` decoded when present). */
  filename: string;
  /** The part's `Content-Type`, `application/unknown` when it had none. */
  contentType: string;
  /** The file's bytes: a view into the request body, not a copy. */
  body: Buffer;
}

/** Uploaded files by form field name. */
export type FileMap = Record<string, HTTPFile[]>;

/** Limits for multipart parsing. */
export interface ParseMultipartOptions {
  /** The most parts accepted (Tornado 6.5.5: 100); one more is a 400, found before any part is parsed. */
  maxParts?: number;
}

/** The default limit on multipart parts. */
export const DEFAULT_MAX_PARTS = 100;

const CRLF = Buffer.from('\r\n');
const END_OF_HEADERS = Buffer.from('\r\n\r\n');
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function fail(message: string): never {
  throw new HTTPInputError(`Invalid multipart/form-data: ${message}`);
}

function parsePartHeaders(bytes: Buffer): HTTPHeaders {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    fail('part headers are not valid UTF-8');
  }
  const headers = new HTTPHeaders();
  for (const line of text.split('\r\n')) {
    // Lines end in CRLF only: a bare CR or LF inside a part header is an error (Tornado 6.5.5).
    if (line.includes('\r') || line.includes('\n')) fail('CR or LF inside a part header');
    headers.parseLine(line);
  }
  return headers;
}

type Parsed = { kind: 'arg'; name: string; value: Buffer } | { kind: 'file'; name: string; file: HTTPFile };

/**
 * Parses a `multipart/form-data` body into `args` and `files` (Tornado's
 * `parse_multipart_form_data`). The final boundary is required, every part needs headers, a
 * `form-data` disposition and a `name`. Nothing is added unless the whole body parses.
 * @throws {HTTPInputError} (400) on the first problem found, including more than `maxParts` parts.
 */
export function parseMultipartFormData(
  boundary: string | Buffer,
  data: Buffer,
  args: ArgumentMap,
  files: FileMap,
  options: ParseMultipartOptions = {},
): void {
  let b = typeof boundary === 'string' ? Buffer.from(boundary, 'utf8') : boundary;
  // The boundary may be quoted in the Content-Type header.
  if (b.length >= 2 && b[0] === 0x22 && b[b.length - 1] === 0x22) b = b.subarray(1, -1);
  if (b.length === 0) fail('empty boundary');
  const maxParts = options.maxParts ?? DEFAULT_MAX_PARTS;

  const finalIndex = data.lastIndexOf(Buffer.concat([Buffer.from('--'), b, Buffer.from('--')]));
  if (finalIndex === -1) fail('no final boundary found');
  const region = data.subarray(0, finalIndex);
  const delimiter = Buffer.concat([Buffer.from('--'), b, CRLF]);

  // Locate (and count) every part before parsing any of them.
  const bounds: number[] = [0];
  for (let at = region.indexOf(delimiter); at !== -1; at = region.indexOf(delimiter, at + delimiter.length)) {
    if (bounds.length / 2 >= maxParts) {
      throw new HTTPInputError(`Invalid multipart/form-data: too many parts (more than ${maxParts})`);
    }
    bounds.push(at, at + delimiter.length);
  }
  bounds.push(region.length);

  const parsed: Parsed[] = [];
  for (let i = 0; i < bounds.length; i += 2) {
    const part = region.subarray(bounds[i], bounds[i + 1]);
    if (part.length === 0) continue;
    const eoh = part.indexOf(END_OF_HEADERS);
    if (eoh === -1) fail('missing headers');
    const headers = parsePartHeaders(part.subarray(0, eoh));
    const [disposition, params] = parseHeaderParameters(headers.get('Content-Disposition', ''));
    const endsWithCrlf = part.length >= 2 && part[part.length - 2] === 0x0d && part[part.length - 1] === 0x0a;
    if (disposition !== 'form-data' || !endsWithCrlf) fail('bad Content-Disposition or part ending');
    const value = part.subarray(Math.min(eoh + 4, part.length - 2), part.length - 2);
    const name = params.name;
    if (!name) fail('missing name');
    const filename = params.filename;
    if (filename) {
      const contentType = headers.get('Content-Type', 'application/unknown');
      parsed.push({ kind: 'file', name, file: { filename, contentType, body: value } });
    } else {
      parsed.push({ kind: 'arg', name, value });
    }
  }
  for (const item of parsed) {
    if (item.kind === 'file') appendArgument(files, item.name, item.file);
    else appendArgument(args, item.name, item.value);
  }
}
