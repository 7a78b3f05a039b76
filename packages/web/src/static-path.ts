// Pure path checks for StaticFileHandler: where a requested path points, whether it stays inside
// the static root, and whether a redirect to it would leave the site.
import { realpath } from 'node:fs/promises';
import * as nodePath from 'node:path';

/** The absolute filesystem location of `relativePath` under `root` (`..` and `.` resolved lexically). */
export function resolveStaticPath(root: string, relativePath: string): string {
  return nodePath.resolve(root, relativePath);
}

/**
 * True when `candidate` (absolute, normalised) is `directory` itself or lies below it. The
 * separator is appended to both so that a sibling whose name merely starts with the directory's
 * name (`/srv/static2` against `/srv/static`) does not count (Tornado 4.2.1).
 */
export function isInsideDirectory(directory: string, candidate: string): boolean {
  let prefix = nodePath.resolve(directory);
  // resolve() keeps the separator only for the filesystem root; `path: '/'` must still accept all.
  if (!prefix.endsWith(nodePath.sep)) prefix += nodePath.sep;
  return (candidate + nodePath.sep).startsWith(prefix);
}

/**
 * True when redirecting to `requestPath` (plus a slash) would send the browser to another host:
 * `//evil.com/...` is protocol-relative, and browsers read `/\evil.com` the same way
 * (CVE-2023-28370).
 */
export function isProtocolRelativePath(requestPath: string): boolean {
  return requestPath.length >= 2 && requestPath[0] === '/' && (requestPath[1] === '/' || requestPath[1] === '\\');
}

/** True for a path no file can have: a NUL byte, which node:fs refuses with a TypeError. */
export function hasNulByte(filePath: string): boolean {
  return filePath.includes('\0');
}

/**
 * Follows symlinks in `absolutePath` and tells whether the real location lies inside one of
 * `allowedDirectories` (themselves resolved through symlinks); null when the path does not exist.
 */
export async function realPathIsInside(absolutePath: string, allowedDirectories: readonly string[]): Promise<boolean | null> {
  let real: string;
  try {
    real = await realpath(absolutePath);
  } catch (error) {
    if (isMissingFileError(error)) return null;
    throw error;
  }
  // The common case costs no further syscall: the real path lies under a directory as configured.
  for (const directory of allowedDirectories) if (isInsideDirectory(directory, real)) return true;
  // Otherwise a directory may itself be (or sit below) a symlink: compare with its real location.
  for (const directory of allowedDirectories) {
    let realDirectory: string;
    try {
      realDirectory = await realpath(directory);
    } catch (error) {
      if (isMissingFileError(error)) continue;
      throw error;
    }
    if (isInsideDirectory(realDirectory, real)) return true;
  }
  return false;
}

/** True for the errors node:fs raises when a path (or one of its parents) does not exist or is not a directory. */
export function isMissingFileError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'ELOOP';
}
