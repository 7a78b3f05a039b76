import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { genLog } from '@tornado-ts/ioloop';
import { StreamClosedError } from '@tornado-ts/iostream';
import { HTTPError, MissingSettingError } from './errors';
import { formatContentRange, formatUnsatisfiedContentRange, parseRangeHeader, planByteRange } from './http-range';
import { contentTypeForPath } from './mime-types';
import { type HandlerKwargs, RequestHandler } from './request-handler';
import type { ApplicationSettings } from './settings';
import { computeFileVersion, hashSyncContent, readFileRange, type StaticContent } from './static-content';
import { parseHttpDate } from './static-http-date';
import { hasNulByte, isInsideDirectory, isMissingFileError, isProtocolRelativePath, realPathIsInside, resolveStaticPath } from './static-path';

/** What a route passes to {@link StaticFileHandler} (Application adds `path: staticPath` itself). */
export interface StaticFileHandlerKwargs {
  /** The root directory served. */
  path: string;
  /** File served for a directory (e.g. `index.html`); without it directories are 403. */
  defaultFilename?: string | null;
  /** A directory that symlinks under the root may point into; any other target outside the root is 403. */
  allowedSymlinkDirectory?: string | null;
}

/** Cached content versions, one map per handler class (a subclass may compute versions differently). */
let versionCaches = new WeakMap<object, Map<string, string | null>>();

/** The content version of `absolutePath` as `handlerClass` computes it, cached unless `useCache` is false. */
function cachedVersion(handlerClass: typeof StaticFileHandler, absolutePath: string, useCache: boolean): string | null {
  let cache = versionCaches.get(handlerClass);
  if (useCache && cache?.has(absolutePath)) return cache.get(absolutePath) ?? null;
  let version: string | null;
  try {
    version = handlerClass.getContentVersion(absolutePath) || null;
  } catch (error) {
    genLog.error('Could not open static file %s', JSON.stringify(absolutePath), error);
    version = null;
  }
  if (useCache) {
    if (cache === undefined) versionCaches.set(handlerClass, (cache = new Map()));
    cache.set(absolutePath, version);
  }
  return version;
}

function ignore(): void {}

function usesHashCache(settings: ApplicationSettings): boolean {
  return settings.staticHashCache !== false;
}

function optionalString(kwargs: HandlerKwargs, name: string): string | null {
  const value = kwargs[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`StaticFileHandler: ${name} must be a string`);
  return value;
}

/**
 * Serves the files of a directory (Tornado's `StaticFileHandler`): ETag and Last-Modified with 304s,
 * single byte ranges (206/416), HEAD, long caching for versioned URLs (`?v=`), and streaming in
 * 64 KiB chunks with backpressure. Paths outside the root, and symlinks leading out of it, are 403.
 * Subclasses change where content comes from through the overridable methods below.
 */
export class StaticFileHandler extends RequestHandler {
  /** Cache lifetime of versioned URLs, in milliseconds (10 years). */
  static CACHE_MAX_AGE = 10 * 365 * 24 * 60 * 60 * 1000;
  /** How many characters of the content version `makeStaticUrl` puts in `?v=`. */
  static URL_VERSION_LENGTH = 5;

  /** The configured root directory. */
  root = '';
  /** File served for a directory request, or null. */
  defaultFilename: string | null = null;
  /** Where symlinks may lead outside the root, or null. */
  allowedSymlinkDirectory: string | null = null;
  /** The requested path relative to the root (after `parseUrlPath`). */
  path = '';
  /** The validated location of the content, set before the content methods run. */
  absolutePath: string | null = null;
  /** The content's modification time (whole seconds), or null when unknown. */
  modified: Date | null = null;
  #stats: Stats | null = null;

  override initialize(kwargs: HandlerKwargs): void {
    const root = kwargs.path;
    if (typeof root !== 'string' || root === '') throw new TypeError('StaticFileHandler needs a `path` (the root directory)');
    this.root = root;
    this.defaultFilename = optionalString(kwargs, 'defaultFilename');
    this.allowedSymlinkDirectory = optionalString(kwargs, 'allowedSymlinkDirectory');
  }

  /** Forgets cached content versions (of every handler class when called on StaticFileHandler itself). */
  static resetCache(): void {
    if (this === StaticFileHandler) versionCaches = new WeakMap();
    else versionCaches.delete(this);
  }

  /** Sends the file at `path` (the route's captured group). */
  get(path: string): Promise<void> {
    return this.#serve(path ?? '', true);
  }

  /** Sends the headers GET would send, without the body. */
  head(path: string): Promise<void> {
    return this.#serve(path ?? '', false);
  }

  async #serve(urlPath: string, includeBody: boolean): Promise<void> {
    const handlerClass = this.constructor as typeof StaticFileHandler;
    this.path = this.parseUrlPath(urlPath);
    const absolutePath = handlerClass.getAbsolutePath(this.root, this.path);
    this.absolutePath = await this.validateAbsolutePath(this.root, absolutePath);
    if (this.absolutePath === null) return;

    this.modified = await this.getModifiedTime();
    this.setHeaders();
    if (this.shouldReturn304()) {
      this.setStatus(304);
      return;
    }

    const size = await this.getContentSize();
    const rangeHeader = this.request.headers.get('Range');
    // An unparseable Range header is ignored, as RFC 9110 allows.
    const plan = planByteRange(rangeHeader ? parseRangeHeader(rangeHeader) : null, size);
    if (plan.kind === 'unsatisfiable') {
      this.setStatus(416);
      this.setHeader('Content-Type', 'text/plain');
      this.setHeader('Content-Range', formatUnsatisfiedContentRange(size));
      return;
    }
    if (plan.kind === 'partial') {
      this.setStatus(206);
      this.setHeader('Content-Range', formatContentRange(plan.start, plan.end, size));
    }
    this.setHeader('Content-Length', plan.end - plan.start);
    if (!includeBody) return;

    const content = plan.kind === 'partial'
      ? handlerClass.getContent(this.absolutePath, plan.start, plan.end)
      : handlerClass.getContent(this.absolutePath);
    await this.#send(content, plan.end - plan.start);
  }

  /**
   * Writes `content` chunk by chunk, waiting for each to reach the socket, and no more than `length`
   * bytes of it (a file that grew since its stat must not overrun Content-Length). Stops quietly if
   * the client left.
   */
  async #send(content: StaticContent, length: number): Promise<void> {
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      this.write(content);
      return;
    }
    let remaining = length;
    try {
      for await (const piece of content) {
        const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
        if (chunk.length >= remaining) {
          this.write(chunk.length === remaining ? chunk : chunk.subarray(0, remaining));
          await this.flush();
          break;
        }
        remaining -= chunk.length;
        this.write(chunk);
        await this.flush();
      }
    } catch (error) {
      if (!(error instanceof StreamClosedError)) throw error;
      // The client left: end the response here, so that nothing reports the closed stream as an error.
      this.#finishQuietly();
    }
  }

  #finishQuietly(): void {
    if (this.finished) return;
    try {
      this.finish().catch(ignore);
    } catch {
      // finish() on a closed connection may also fail synchronously; the request is over either way.
    }
  }

  /** Sets Accept-Ranges, ETag, Last-Modified, Content-Type and the caching headers. */
  setHeaders(): void {
    this.setHeader('Accept-Ranges', 'bytes');
    this.setEtagHeader();
    if (this.modified !== null) this.setHeader('Last-Modified', this.modified);
    const contentType = this.getContentType();
    if (contentType) this.setHeader('Content-Type', contentType);
    const cacheTime = this.getCacheTime(this.path, this.modified, contentType);
    if (cacheTime > 0) {
      this.setHeader('Expires', new Date(Date.now() + cacheTime));
      this.setHeader('Cache-Control', `max-age=${Math.floor(cacheTime / 1000)}`);
    }
    this.setExtraHeaders(this.path);
  }

  /** The ETag: the quoted content version, the same for a whole file and any range of it. */
  override computeEtag(): string | null {
    if (this.absolutePath === null) return null;
    const version = cachedVersion(this.constructor as typeof StaticFileHandler, this.absolutePath, usesHashCache(this.settings));
    return version === null ? null : `"${version}"`;
  }

  /**
   * True when the client's copy is current: by `If-None-Match` when sent (then `If-Modified-Since`
   * is not consulted), else by `If-Modified-Since` (an unparseable date is ignored).
   */
  shouldReturn304(): boolean {
    if (this.request.headers.get('If-None-Match')) return this.checkEtagHeader();
    const since = this.request.headers.get('If-Modified-Since');
    if (since === undefined || this.modified === null) return false;
    const sinceMs = parseHttpDate(since);
    return sinceMs !== null && sinceMs >= this.modified.getTime();
  }

  /**
   * Where `path` (relative to `root`) lives; may be any string a subclass's `getContent` understands.
   * The default resolves it on the filesystem (`..` collapsed, so validation sees the real target).
   */
  static getAbsolutePath(root: string, path: string): string {
    return resolveStaticPath(root, path);
  }

  /**
   * Checks that `absolutePath` may be served and returns what to serve (the default file for a
   * directory), or null after answering itself (the trailing-slash redirect).
   * @throws {HTTPError} 403 outside the root, for a symlink leading out of it, a directory or a
   * non-regular file; 404 when missing.
   */
  async validateAbsolutePath(root: string, absolutePath: string): Promise<string | null> {
    if (!isInsideDirectory(root, absolutePath)) {
      throw new HTTPError(403, '%s is not in root static directory', this.path);
    }
    if (hasNulByte(absolutePath)) throw new HTTPError(404);
    let target = absolutePath;
    let stats = await this.#checkedStat(root, target);
    if (stats !== null && stats.isDirectory() && this.defaultFilename !== null) {
      // The routing may have cut a prefix off the path: the request's own path says whether it ends in /.
      const requestPath = this.request.path;
      if (!requestPath.endsWith('/')) {
        // Location: //host/... (or /\host/...) would send the browser to another site (CVE-2023-28370).
        if (isProtocolRelativePath(requestPath)) throw new HTTPError(403, 'cannot redirect path with two initial slashes');
        this.redirect(`${requestPath}/`, true);
        return null;
      }
      target = nodePath.join(target, this.defaultFilename);
      if (!isInsideDirectory(root, target)) throw new HTTPError(403, '%s is not in root static directory', this.path);
      stats = await this.#checkedStat(root, target);
    }
    if (stats === null) throw new HTTPError(404);
    if (!stats.isFile()) throw new HTTPError(403, '%s is not a file', this.path);
    this.#stats = stats;
    return target;
  }

  /** stat() of `target`, null when missing; 403 when symlinks take it out of the root and the allowed directory. */
  async #checkedStat(root: string, target: string): Promise<Stats | null> {
    let stats: Stats;
    try {
      stats = await stat(target);
    } catch (error) {
      if (isMissingFileError(error)) return null;
      throw error;
    }
    const allowed = this.allowedSymlinkDirectory === null ? [root] : [root, this.allowedSymlinkDirectory];
    const inside = await realPathIsInside(target, allowed);
    if (inside === null) return null;
    if (!inside) throw new HTTPError(403, '%s links outside the root static directory', this.path);
    return stats;
  }

  /**
   * The content of `absolutePath`, or of its slice `[start, end)`: a Buffer, a string, or an
   * (async) iterable of chunks, which is preferred for large files. The default streams the file
   * in 64 KiB reads.
   */
  static getContent(absolutePath: string, start?: number, end?: number): StaticContent {
    return readFileRange(absolutePath, start, end);
  }

  /**
   * A string that changes whenever the content does, used for the ETag and `?v=`: the MD5 hex digest
   * of the content. Synchronous because `staticUrl()` is; the result is cached. A subclass whose
   * `getContent` is asynchronous and not file-based overrides this (or `getVersion`) too.
   */
  static getContentVersion(absolutePath: string): string {
    const content = this.getContent(absolutePath);
    // Content a subclass gives synchronously is hashed as given; the default (asynchronous) file
    // reader is not started, and the file is hashed directly instead.
    return hashSyncContent(content) ?? computeFileVersion(absolutePath);
  }

  /** The size of the content in bytes (from the stat taken during validation). */
  async getContentSize(): Promise<number> {
    return (await this.#statOfContent()).size;
  }

  /** The content's modification time, truncated to whole seconds as HTTP dates are; null if unknown. */
  async getModifiedTime(): Promise<Date | null> {
    const stats = await this.#statOfContent();
    return new Date(Math.floor(stats.mtimeMs / 1000) * 1000);
  }

  async #statOfContent(): Promise<Stats> {
    if (this.#stats === null) {
      if (this.absolutePath === null) throw new Error('StaticFileHandler: no content path validated yet');
      this.#stats = await stat(this.absolutePath);
    }
    return this.#stats;
  }

  /** The `Content-Type` to send, guessed from the file name (`application/octet-stream` when unknown). */
  getContentType(): string {
    return contentTypeForPath(this.absolutePath ?? this.path);
  }

  /** Hook for subclasses to add headers to every response (called after the standard ones). */
  setExtraHeaders(_path: string): void {}

  /**
   * How long, in milliseconds, clients may cache the response: {@link StaticFileHandler.CACHE_MAX_AGE}
   * for versioned URLs (a `v` argument), else 0 (no Expires / Cache-Control sent).
   */
  getCacheTime(_path: string, _modified: Date | null, _contentType: string): number {
    return this.request.arguments.v !== undefined ? (this.constructor as typeof StaticFileHandler).CACHE_MAX_AGE : 0;
  }

  /** Maps the URL path captured by the route to a path relative to the root (inverse of `makeStaticUrl`). */
  parseUrlPath(urlPath: string): string {
    return nodePath.sep === '/' ? urlPath : urlPath.split('/').join(nodePath.sep);
  }

  /**
   * The URL of static file `path`: `staticUrlPrefix + path`, plus `?v=<version>` unless
   * `includeVersion` is false or no version is known. Relative to the host.
   */
  static makeStaticUrl(settings: ApplicationSettings, path: string, includeVersion = true): string {
    const url = (settings.staticUrlPrefix ?? '/static/') + path;
    if (!includeVersion) return url;
    const version = this.getVersion(settings, path);
    return version ? `${url}?v=${version}` : url;
  }

  /**
   * The version put in static URLs for `path`: the first {@link StaticFileHandler.URL_VERSION_LENGTH}
   * characters of the content version, or null when the file cannot be read.
   * @throws {MissingSettingError} when `staticPath` is not set.
   */
  static getVersion(settings: ApplicationSettings, path: string): string | null {
    const staticPath = settings.staticPath;
    if (typeof staticPath !== 'string') throw new MissingSettingError('staticUrl needs the staticPath setting');
    const absolutePath = this.getAbsolutePath(staticPath, path);
    const version = cachedVersion(this, absolutePath, usesHashCache(settings));
    return version === null ? null : version.slice(0, this.URL_VERSION_LENGTH);
  }
}
