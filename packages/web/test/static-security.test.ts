// StaticFileHandler against hostile paths: Tornado's test_path_traversal_protection and
// StaticDefaultFilenameRootTest.test_no_open_redirect, plus the SECURITY-HISTORY rows: 4.2.1
// (sibling directories whose name starts with the root's), CVE-2023-28370 (open redirect through
// `//host`), 6.5.9 (symlinks leading out of the root). Raw sockets send the paths exactly, since
// fetch would normalise `..` and `//` away.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Application } from '../src/application';
import { StaticFileHandler } from '../src/static-file-handler';
import { closeAll, startServer, type TestServer } from './helpers';
import { FIXTURES, getAndHead, makeTempDir, quietAccessLog, rawRequest, STATIC_ROOT, type RawResponse } from './static-helpers';

/** The reasons our 403s give in the log; matched so expected refusals do not clutter the output. */
const REFUSAL_LOG = /not in root static directory|links outside the root|is not a file|two initial slashes/;

/** Runs `fn`, swallowing the refusal it logs; with `required` (default) the refusal must be logged. */
function quietly<T>(fn: () => Promise<T>, required = true): Promise<T> {
  return expectLog(genLog, REFUSAL_LOG, fn, { required });
}

function expectRefused(response: RawResponse, status: number, target: string): void {
  expect(response.status, target).toBe(status);
  expect(response.headers.has('location'), `${target} must not redirect`).toBe(false);
  expect(response.body).not.toContain('beside the static root');
  expect(response.body).not.toContain('sibling directory');
  expect(response.body).not.toContain('root:');
}

beforeAll(quietAccessLog);
afterEach(closeAll);

describe('path traversal', () => {
  let server: TestServer;
  beforeEach(async () => {
    StaticFileHandler.resetCache();
    server = await startServer(new Application([], { staticPath: STATIC_ROOT }));
  });

  it('answers 403 to /static/../ (the file beside the root exists, so 404 would mean a packaging error)', async () => {
    const response = await quietly(() => rawRequest(server, '/static/../public_foo.txt'));
    expectRefused(response, 403, '/static/../public_foo.txt');
  });

  it('answers 403 to a HEAD traversal too', async () => {
    const response = await quietly(() => rawRequest(server, '/static/../public_foo.txt', { method: 'HEAD' }));
    expectRefused(response, 403, 'HEAD /static/../public_foo.txt');
  });

  it('refuses a sibling directory whose name starts with the root name (4.2.1)', async () => {
    for (const target of ['/static/../public2/secret.txt', '/static/dir/../../public2/secret.txt']) {
      expectRefused(await quietly(() => rawRequest(server, target)), 403, target);
    }
  });

  it('refuses percent-encoded dots and slashes (%2e%2e, %2f), in any case', async () => {
    for (const target of [
      '/static/%2e%2e/public_foo.txt',
      '/static/%2E%2E/public_foo.txt',
      '/static/%2e%2e%2fpublic_foo.txt',
      '/static/..%2fpublic2%2fsecret.txt',
      '/static/dir%2f..%2f..%2fpublic_foo.txt',
      '/static/.%2e/public_foo.txt',
    ]) {
      expectRefused(await quietly(() => rawRequest(server, target)), 403, target);
    }
  });

  it('refuses absolute paths, plain or encoded', async () => {
    const outside = join(FIXTURES, 'public_foo.txt');
    for (const target of [
      '/static//etc/passwd',
      '/static/%2fetc%2fpasswd',
      `/static/${encodeURIComponent(outside)}`,
      `/static/${outside}`,
    ]) {
      expectRefused(await quietly(() => rawRequest(server, target)), 403, target);
    }
  });

  it('answers 404, not a crash, to a NUL byte in the path', async () => {
    expectRefused(await rawRequest(server, '/static/robots.txt%00.png'), 404, 'NUL');
    expectRefused(await rawRequest(server, '/static/%00'), 404, 'NUL alone');
  });

  it('treats backslashes as part of a name on POSIX (nothing to traverse)', async () => {
    expectRefused(await rawRequest(server, '/static/..%5cpublic_foo.txt'), 404, 'backslash');
  });

  it('still serves a path whose .. stays inside the root', async () => {
    const response = await rawRequest(server, '/static/dir/../robots.txt');
    expect(response.status).toBe(200);
    expect(response.body).toContain('Disallow: /');
  });
});

describe('defaultFilename that climbs out of the root', () => {
  it('answers 403 rather than serving a file beside the root', async () => {
    const server = await startServer(new Application([
      ['/site/(.*)', StaticFileHandler, { path: STATIC_ROOT, defaultFilename: '../public_foo.txt' }],
    ]));
    const response = await quietly(() => rawRequest(server, '/site/'));
    expectRefused(response, 403, '/site/ with defaultFilename ../public_foo.txt');
  });
});

describe('open redirect through a protocol-relative path (CVE-2023-28370)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(new Application([], {
      staticPath: STATIC_ROOT,
      staticUrlPrefix: '/',
      staticHandlerArgs: { defaultFilename: 'index.html' },
    }));
  });

  it('answers 403 to //evil.com/../<root>/dir and never sends Location: //...', async () => {
    const target = `//evil.com/../${STATIC_ROOT}/dir`;
    const response = await expectLog(genLog, /two initial slashes/, () => rawRequest(server, target));
    expectRefused(response, 403, target);
  });

  it('answers 403 to the backslash form /\\evil.com/../dir, which browsers read as //', async () => {
    const target = '/\\evil.com/../dir';
    const response = await quietly(() => rawRequest(server, target));
    expectRefused(response, 403, target);
  });

  it('redirects an encoded backslash (/%5C...), which browsers keep inside the path', async () => {
    const response = await rawRequest(server, '/%5Cevil.com/../dir');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/%5Cevil.com/../dir/');
  });

  it('still redirects an ordinary directory path to add the slash', async () => {
    const response = await rawRequest(server, '/dir');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/dir/');
  });

  it('serves the directory index when the slash is already there', async () => {
    const response = await getAndHead(server, '/dir/');
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('this is the index\n');
  });
});

describe('symlinks (6.5.9)', () => {
  const dir = makeTempDir('static-symlinks');
  const root = join(dir.path, 'root');
  const outside = join(dir.path, 'outside');
  const shared = join(dir.path, 'shared');
  let server: TestServer;

  beforeAll(() => {
    for (const path of [root, outside, shared, join(root, 'sub')]) mkdirSync(path);
    writeFileSync(join(root, 'inside.txt'), 'inside');
    writeFileSync(join(outside, 'secret.txt'), 'root: outside secret');
    writeFileSync(join(shared, 'shared.txt'), 'shared');
    symlinkSync(join(root, 'inside.txt'), join(root, 'link-inside.txt'));
    symlinkSync('../outside/secret.txt', join(root, 'link-out.txt'));
    symlinkSync(outside, join(root, 'link-dir-out'));
    symlinkSync(join(shared, 'shared.txt'), join(root, 'link-shared.txt'));
    symlinkSync(join(dir.path, 'nowhere.txt'), join(root, 'dangling.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'sub', 'index.html'));
    symlinkSync(root, join(dir.path, 'root-link'));
  });

  afterAll(() => dir.remove());

  beforeEach(async () => {
    server = await startServer(new Application([
      ['/plain/(.*)', StaticFileHandler, { path: root }],
      ['/shared/(.*)', StaticFileHandler, { path: root, allowedSymlinkDirectory: shared }],
      ['/index/(.*)', StaticFileHandler, { path: root, defaultFilename: 'index.html' }],
      ['/via-link/(.*)', StaticFileHandler, { path: join(dir.path, 'root-link') }],
    ]));
  });

  async function fetchQuietly(path: string, refused = false): Promise<{ status: number; body: string }> {
    const response = await quietly(() => server.fetch(path), refused);
    return { status: response.status, body: await response.text() };
  }

  it('serves files and links that stay inside the root', async () => {
    expect(await fetchQuietly('/plain/inside.txt')).toEqual({ status: 200, body: 'inside' });
    expect(await fetchQuietly('/plain/link-inside.txt')).toEqual({ status: 200, body: 'inside' });
  });

  it('answers 403 to a file link or a directory link leading out of the root', async () => {
    for (const path of ['/plain/link-out.txt', '/plain/link-dir-out/secret.txt', '/shared/link-out.txt']) {
      const response = await fetchQuietly(path, true);
      expect(response.status, path).toBe(403);
      expect(response.body).not.toContain('outside secret');
    }
  });

  it('answers 403 to a HEAD of an escaping link (no Content-Length of the secret either)', async () => {
    const response = await quietly(() => server.fetch('/plain/link-out.txt', { method: 'HEAD' }));
    expect(response.status).toBe(403);
    expect(response.headers.get('content-length')).not.toBe(String('root: outside secret'.length));
  });

  it('serves a link into allowedSymlinkDirectory only where that directory is configured', async () => {
    expect((await fetchQuietly('/plain/link-shared.txt', true)).status).toBe(403);
    expect(await fetchQuietly('/shared/link-shared.txt')).toEqual({ status: 200, body: 'shared' });
  });

  it('answers 403 when the default file of a directory links out of the root', async () => {
    const response = await fetchQuietly('/index/sub/', true);
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('outside secret');
  });

  it('answers 404 to a dangling link', async () => {
    expect((await fetchQuietly('/plain/dangling.txt')).status).toBe(404);
  });

  it('accepts a root that is itself a symlink', async () => {
    expect(await fetchQuietly('/via-link/inside.txt')).toEqual({ status: 200, body: 'inside' });
  });
});
