// Content types for static files, by file extension. A compact table of the types web servers
// commonly serve (the values Python's `mimetypes` gives, which Tornado uses), so no dependency and
// no system mime.types file are involved.

/** The type for a file whose extension the table does not know. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const TYPES_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  // text
  ['.html', 'text/html'], ['.htm', 'text/html'], ['.css', 'text/css'], ['.txt', 'text/plain'],
  ['.text', 'text/plain'], ['.csv', 'text/csv'], ['.md', 'text/markdown'], ['.ics', 'text/calendar'],
  ['.js', 'text/javascript'], ['.mjs', 'text/javascript'], ['.vtt', 'text/vtt'],
  // structured data
  ['.json', 'application/json'], ['.map', 'application/json'], ['.jsonld', 'application/ld+json'],
  ['.webmanifest', 'application/manifest+json'], ['.xml', 'application/xml'], ['.xsl', 'application/xml'],
  ['.xhtml', 'application/xhtml+xml'], ['.atom', 'application/atom+xml'], ['.rss', 'application/rss+xml'],
  ['.wasm', 'application/wasm'], ['.pdf', 'application/pdf'], ['.rtf', 'application/rtf'],
  // archives (`.gz`, `.br`, ... are content encodings, handled below)
  ['.zip', 'application/zip'], ['.tar', 'application/x-tar'], ['.7z', 'application/x-7z-compressed'],
  // images
  ['.png', 'image/png'], ['.jpg', 'image/jpeg'], ['.jpeg', 'image/jpeg'], ['.gif', 'image/gif'],
  ['.webp', 'image/webp'], ['.avif', 'image/avif'], ['.svg', 'image/svg+xml'], ['.bmp', 'image/bmp'],
  ['.ico', 'image/vnd.microsoft.icon'], ['.tif', 'image/tiff'], ['.tiff', 'image/tiff'],
  ['.heic', 'image/heic'],
  // fonts
  ['.woff', 'font/woff'], ['.woff2', 'font/woff2'], ['.ttf', 'font/ttf'], ['.otf', 'font/otf'],
  ['.eot', 'application/vnd.ms-fontobject'],
  // audio and video
  ['.mp3', 'audio/mpeg'], ['.ogg', 'audio/ogg'], ['.oga', 'audio/ogg'], ['.wav', 'audio/x-wav'],
  ['.flac', 'audio/flac'], ['.m4a', 'audio/mp4'], ['.aac', 'audio/aac'], ['.opus', 'audio/opus'],
  ['.mp4', 'video/mp4'], ['.m4v', 'video/mp4'], ['.webm', 'video/webm'], ['.ogv', 'video/ogg'],
  ['.mov', 'video/quicktime'], ['.avi', 'video/x-msvideo'], ['.mpeg', 'video/mpeg'],
]);

/** Extensions that mean "compressed": the name's inner extension does not describe the bytes sent. */
const ENCODING_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['.gz', 'gzip'], ['.tgz', 'gzip'], ['.br', 'br'], ['.bz2', 'bzip2'], ['.tbz2', 'bzip2'],
  ['.xz', 'xz'], ['.txz', 'xz'], ['.z', 'compress'],
]);

/** The extension of the last path segment, lower-cased, with its dot; '' when none (`.profile` has none). */
function lastExtension(filePath: string): string {
  const slash = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  const dot = filePath.lastIndexOf('.');
  // A dot that starts the name (a hidden file) is not an extension.
  if (dot <= slash + 1) return '';
  return filePath.slice(dot).toLowerCase();
}

/**
 * The `Content-Type` to send for a file, from its name, as Tornado chooses it: a gzip-compressed
 * file (`.gz`, `.tgz`) is `application/gzip` (RFC 6713), any other compressed file and any unknown
 * extension `application/octet-stream`. No charset is added, as Tornado adds none.
 */
export function contentTypeForPath(filePath: string): string {
  const extension = lastExtension(filePath);
  if (extension === '') return DEFAULT_CONTENT_TYPE;
  const encoding = ENCODING_BY_EXTENSION.get(extension);
  if (encoding !== undefined) return encoding === 'gzip' ? 'application/gzip' : DEFAULT_CONTENT_TYPE;
  return TYPES_BY_EXTENSION.get(extension) ?? DEFAULT_CONTENT_TYPE;
}
