import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasNulByte,
  isInsideDirectory,
  isMissingFileError,
  isProtocolRelativePath,
  realPathIsInside,
  resolveStaticPath,
} from '../src/static-path';

// The pure path checks behind StaticFileHandler.validateAbsolutePath (SECURITY-HISTORY rows 4.2.1,
// CVE-2023-28370 and 6.5.9). The handler-level tests are in static-file-handler.test.ts.

describe('resolveStaticPath', () => {
  it('joins and collapses . and ..', () => {
    expect(resolveStaticPath('/srv/static', 'a/b.txt')).toBe('/srv/static/a/b.txt');
    expect(resolveStaticPath('/srv/static', './a/../b.txt')).toBe('/srv/static/b.txt');
    expect(resolveStaticPath('/srv/static', '../static2/x')).toBe('/srv/static2/x');
    expect(resolveStaticPath('/srv/static', '')).toBe('/srv/static');
  });

  it('lets an absolute path replace the root (so validation must refuse it)', () => {
    expect(resolveStaticPath('/srv/static', '/etc/passwd')).toBe('/etc/passwd');
    expect(resolveStaticPath('/srv/static', '//etc/passwd')).toBe('/etc/passwd');
  });
});

describe('isInsideDirectory', () => {
  it('accepts the directory itself and anything below it', () => {
    expect(isInsideDirectory('/srv/static', '/srv/static')).toBe(true);
    expect(isInsideDirectory('/srv/static', '/srv/static/a/b.txt')).toBe(true);
    expect(isInsideDirectory('/srv/static/', '/srv/static/a')).toBe(true);
  });

  it('refuses a sibling whose name starts with the directory name (Tornado 4.2.1)', () => {
    expect(isInsideDirectory('/srv/static', '/srv/static2/x')).toBe(false);
    expect(isInsideDirectory('/srv/static', '/srv/static_foo.txt')).toBe(false);
    expect(isInsideDirectory('/srv/static', '/srv/staticx')).toBe(false);
  });

  it('refuses parents and unrelated paths', () => {
    expect(isInsideDirectory('/srv/static', '/srv')).toBe(false);
    expect(isInsideDirectory('/srv/static', '/etc/passwd')).toBe(false);
    expect(isInsideDirectory('/srv/static', '/')).toBe(false);
  });

  it('accepts everything under / (a root of "/" turns the check off, as in Tornado)', () => {
    expect(isInsideDirectory('/', '/etc/passwd')).toBe(true);
    expect(isInsideDirectory('/', '/')).toBe(true);
  });

  it('normalises a relative or dotted directory first', () => {
    expect(isInsideDirectory('/srv/x/../static', '/srv/static/a')).toBe(true);
    expect(isInsideDirectory('.', join(process.cwd(), 'a'))).toBe(true);
  });
});

describe('isProtocolRelativePath', () => {
  it('flags paths a browser would read as another host', () => {
    expect(isProtocolRelativePath('//evil.com/x')).toBe(true);
    expect(isProtocolRelativePath('//')).toBe(true);
    expect(isProtocolRelativePath('/\\evil.com/x')).toBe(true);
  });

  it('lets ordinary paths through', () => {
    expect(isProtocolRelativePath('/static/dir')).toBe(false);
    expect(isProtocolRelativePath('/')).toBe(false);
    expect(isProtocolRelativePath('')).toBe(false);
    expect(isProtocolRelativePath('/a//b')).toBe(false);
  });
});

describe('hasNulByte and isMissingFileError', () => {
  it('spots a NUL anywhere', () => {
    expect(hasNulByte('/srv/a\0.txt')).toBe(true);
    expect(hasNulByte('/srv/a.txt')).toBe(false);
  });

  it('knows the "no such file" family of errno codes', () => {
    for (const code of ['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP']) {
      expect(isMissingFileError(Object.assign(new Error(code), { code }))).toBe(true);
    }
    expect(isMissingFileError(Object.assign(new Error('EACCES'), { code: 'EACCES' }))).toBe(false);
    expect(isMissingFileError(null)).toBe(false);
  });
});

describe('realPathIsInside', () => {
  let base: string;
  let root: string;
  let outside: string;
  let allowed: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tornado-static-path-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    allowed = join(base, 'allowed');
    for (const dir of [root, outside, allowed]) mkdirSync(dir);
    writeFileSync(join(root, 'plain.txt'), 'plain');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    writeFileSync(join(allowed, 'shared.txt'), 'shared');
    symlinkSync(join(root, 'plain.txt'), join(root, 'inner-link.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'escape.txt'));
    symlinkSync(outside, join(root, 'escape-dir'));
    symlinkSync(join(allowed, 'shared.txt'), join(root, 'shared.txt'));
    symlinkSync(join(base, 'nowhere'), join(root, 'dangling.txt'));
    symlinkSync(root, join(base, 'root-link'));
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('accepts plain files and links that stay inside', async () => {
    expect(await realPathIsInside(join(root, 'plain.txt'), [root])).toBe(true);
    expect(await realPathIsInside(join(root, 'inner-link.txt'), [root])).toBe(true);
  });

  it('refuses a file link or a directory link leading outside', async () => {
    expect(await realPathIsInside(join(root, 'escape.txt'), [root])).toBe(false);
    expect(await realPathIsInside(join(root, 'escape-dir', 'secret.txt'), [root])).toBe(false);
  });

  it('accepts a link into an allowed directory', async () => {
    expect(await realPathIsInside(join(root, 'shared.txt'), [root])).toBe(false);
    expect(await realPathIsInside(join(root, 'shared.txt'), [root, allowed])).toBe(true);
  });

  it('returns null for a missing path or a dangling link', async () => {
    expect(await realPathIsInside(join(root, 'missing.txt'), [root])).toBeNull();
    expect(await realPathIsInside(join(root, 'dangling.txt'), [root])).toBeNull();
  });

  it('resolves a root that is itself a symlink', async () => {
    expect(await realPathIsInside(join(base, 'root-link', 'plain.txt'), [join(base, 'root-link')])).toBe(true);
  });

  it('skips an allowed directory that does not exist', async () => {
    expect(await realPathIsInside(join(root, 'plain.txt'), [join(base, 'gone'), root])).toBe(true);
  });
});
