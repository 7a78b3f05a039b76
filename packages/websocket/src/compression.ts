import type { PerMessageDeflateOptions } from 'ws';

/**
 * permessage-deflate settings (RFC 7692), for `getCompressionOptions()` on the server and
 * `compressionOptions` of `websocketConnect`. An empty object enables compression with defaults;
 * the extension is used only when both sides ask for it.
 */
export interface CompressionOptions {
  /** zlib level for outgoing messages, 0-9 (Tornado's `compression_level`; zlib's default 6). */
  compressionLevel?: number;
  /** zlib memory level, 1-9 (Tornado's `mem_level`; zlib's default 8). */
  memLevel?: number;
  /**
   * With no context takeover on the sending side, messages under this many bytes go uncompressed
   * (default 1024). With context takeover (the default) ws compresses every message, as Tornado does.
   */
  threshold?: number;
  /** Reset the server's compression context after every message (less memory, less compression). */
  serverNoContextTakeover?: boolean;
  /** Reset the client's compression context after every message. */
  clientNoContextTakeover?: boolean;
  /** Largest LZ77 window the server may use, as a power of two (8-15). */
  serverMaxWindowBits?: number;
  /** Largest LZ77 window the client may use, as a power of two (8-15). */
  clientMaxWindowBits?: number;
}

/** ws's own default: compressing tiny messages costs more than it saves. */
const DEFAULT_THRESHOLD = 1024;

/** Our options in ws's terms; `false` (no compression) for null. */
export function toPerMessageDeflate(options: CompressionOptions | null | undefined): PerMessageDeflateOptions | false {
  if (options === null || options === undefined) return false;
  const zlibDeflateOptions: { level?: number; memLevel?: number } = {};
  if (options.compressionLevel !== undefined) zlibDeflateOptions.level = options.compressionLevel;
  if (options.memLevel !== undefined) zlibDeflateOptions.memLevel = options.memLevel;
  const result: PerMessageDeflateOptions = { zlibDeflateOptions, threshold: options.threshold ?? DEFAULT_THRESHOLD };
  if (options.serverNoContextTakeover !== undefined) result.serverNoContextTakeover = options.serverNoContextTakeover;
  if (options.clientNoContextTakeover !== undefined) result.clientNoContextTakeover = options.clientNoContextTakeover;
  if (options.serverMaxWindowBits !== undefined) result.serverMaxWindowBits = options.serverMaxWindowBits;
  if (options.clientMaxWindowBits !== undefined) result.clientMaxWindowBits = options.clientMaxWindowBits;
  return result;
}
