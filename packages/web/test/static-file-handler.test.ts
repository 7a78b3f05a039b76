// StaticFileHandler over real sockets: Tornado's StaticFileTest, StaticDefaultFilenameTest,
// StaticFileWithPathTest and CustomStaticFileTest (tornado/test/web_test.py), in our words.
// Cache headers and versions are in static-versions.test.ts, security cases (traversal, open
// redirect, symlinks) in static-security.test.ts, large files and backpressure in
// static-streaming.test.ts.
//
// Not applicable here:
// - test_include_host_override: the `include_host` handler attribute and staticUrl's includeHost
//   option belong to RequestHandler.staticUrl (engineer A); we test includeHost through it once.
// - The ETag/version is MD5 (first 5 hex in `?v=`), not Tornado's SHA-512, so the expected hashes
//   are computed here rather than copied.
// - HostMatchingTest / DefaultHostMatchingTest: host routing is Application's (A); the static routes
//   it adds are exercised below through /static/, /robots.txt and /favicon.ico.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTimestamp } from '@tornado-ts/httputil';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Application } from '../src/application';
import { RequestHandler } from '../src/request-handler';
import type { ApplicationSettings } from '../src/settings';
import { StaticFileHandler } from '../src/static-file-handler';
import { closeAll, startServer, type TestServer } from './helpers';
import { FIXTURES, getAndHead, makeTempDir, quietAccessLog, rawRequest, STATIC_ROOT, StaticUrlHandler } from './static-helpers';

const ROBOTS = readFileSync(join(STATIC_ROOT, 'robots.txt'));
const ROBOTS_MD5 = createHash('md5').update(ROBOTS).digest('hex');
const ROBOTS_ETAG = `"${ROBOTS_MD5}"`;

async function serve(routes: ConstructorParameters<typeof Application>[0], settings: ConstructorParameters<typeof Application>[1]): Promise<TestServer> {
  return startServer(new Application(routes, settings));
}

beforeAll(quietAccessLog);
beforeEach(() => StaticFileHandler.resetCache());
afterEach(closeAll);

describe('StaticFileHandler: serving files (StaticFileTest)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await serve([
      ['/static_url/(.*)', StaticUrlHandler],
      ['/root_static/(.*)', StaticFileHandler, { path: '/' }],
    ], { staticPath: STATIC_ROOT });
  });

  it('serves /robots.txt and /static/robots.txt as text/plain', async () => {
    for (const path of ['/robots.txt', '/static/robots.txt']) {
      const response = await getAndHead(server, path);
      expect(response.status).toBe(200);
      expect(response.body.toString()).toContain('Disallow: /');
      expect(response.headers.get('content-type')).toBe('text/plain');
      expect(response.headers.get('accept-ranges')).toBe('bytes');
    }
  });

  it('serves /favicon.ico from the static directory', async () => {
    const response = await getAndHead(server, '/favicon.ico');
    expect(response.status).toBe(200);
    expect(response.body.equals(readFileSync(join(STATIC_ROOT, 'favicon.ico')))).toBe(true);
    expect(response.headers.get('content-type')).toBe('image/vnd.microsoft.icon');
  });

  it('types compressed files as archives and the plain file by its own extension', async () => {
    expect((await getAndHead(server, '/static/sample.xml.gz')).headers.get('content-type')).toBe('application/gzip');
    expect((await getAndHead(server, '/static/sample.xml.bz2')).headers.get('content-type')).toBe('application/octet-stream');
    expect((await getAndHead(server, '/static/sample.xml')).headers.get('content-type')).toBe('application/xml');
  });

  it('sends no Content-Encoding for a .gz file (it is served as the archive it is)', async () => {
    const response = await server.fetch('/static/sample.xml.gz');
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(body.equals(readFileSync(join(STATIC_ROOT, 'sample.xml.gz')))).toBe(true);
  });

  it('serves an empty file with Content-Length 0', async () => {
    const response = await getAndHead(server, '/static/empty.txt');
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
    expect(response.headers.get('content-length')).toBe('0');
  });

  it('builds versioned URLs with staticUrl: ?v= and the first 5 hex of the MD5', async () => {
    const response = await server.fetch('/static_url/robots.txt');
    expect(await response.text()).toBe(`/static/robots.txt?v=${ROBOTS_MD5.slice(0, 5)}`);
  });

  it('builds absolute URLs with includeHost', async () => {
    const response = await server.fetch('/static_url/robots.txt?include_host=1');
    expect(await response.text()).toBe(`${server.url('/static/robots.txt')}?v=${ROBOTS_MD5.slice(0, 5)}`);
  });

  it('leaves the version out with includeVersion: false (relative and absolute)', async () => {
    expect(await (await server.fetch('/static_url/robots.txt?include_version=0')).text()).toBe('/static/robots.txt');
    expect(await (await server.fetch('/static_url/robots.txt?include_version=0&include_host=1')).text()).toBe(server.url('/static/robots.txt'));
  });

  it('sends the quoted MD5 of the content as ETag, and Last-Modified from the file', async () => {
    const response = await getAndHead(server, '/static/robots.txt');
    expect(response.headers.get('etag')).toBe(ROBOTS_ETAG);
    const mtime = Math.floor(statSync(join(STATIC_ROOT, 'robots.txt')).mtimeMs / 1000) * 1000;
    expect(response.headers.get('last-modified')).toBe(formatTimestamp(mtime));
  });

  it('answers 304 without Content-Length to If-Modified-Since = Last-Modified', async () => {
    const first = await getAndHead(server, '/static/robots.txt');
    const second = await getAndHead(server, '/static/robots.txt', { 'If-Modified-Since': first.headers.get('last-modified') ?? '' });
    expect(second.status).toBe(304);
    expect(second.headers.get('content-length')).toBeNull();
    expect(second.body.length).toBe(0);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await getAndHead(server, '/static/robots.txt');
    const second = await getAndHead(server, '/static/robots.txt', { 'If-None-Match': first.headers.get('etag') ?? '' });
    expect(second.status).toBe(304);
    expect(second.headers.get('etag')).toBe(ROBOTS_ETAG);
  });

  it('answers 304 to a weak or listed If-None-Match, and 200 to another tag', async () => {
    expect((await getAndHead(server, '/static/robots.txt', { 'If-None-Match': `W/${ROBOTS_ETAG}` })).status).toBe(304);
    expect((await getAndHead(server, '/static/robots.txt', { 'If-None-Match': `"other", ${ROBOTS_ETAG}` })).status).toBe(304);
    expect((await getAndHead(server, '/static/robots.txt', { 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('lets If-None-Match decide alone: a mismatch is 200 even with a current If-Modified-Since', async () => {
    const first = await getAndHead(server, '/static/robots.txt');
    const second = await getAndHead(server, '/static/robots.txt', {
      'If-None-Match': '"MISMATCH"',
      'If-Modified-Since': first.headers.get('last-modified') ?? '',
    });
    expect(second.status).toBe(200);
  });

  it('answers 200 to an If-Modified-Since before the epoch', async () => {
    const response = await getAndHead(server, '/static/robots.txt', { 'If-Modified-Since': 'Fri, 01 Jan 1960 00:00:00 GMT' });
    expect(response.status).toBe(200);
  });

  it('compares If-Modified-Since in UTC: one second before is 200, one second after is 304', async () => {
    const mtimeMs = statSync(join(STATIC_ROOT, 'robots.txt')).mtimeMs;
    expect((await getAndHead(server, '/static/robots.txt', { 'If-Modified-Since': formatTimestamp(mtimeMs - 1000) })).status).toBe(200);
    expect((await getAndHead(server, '/static/robots.txt', { 'If-Modified-Since': formatTimestamp(mtimeMs + 1000) })).status).toBe(304);
  });

  it('ignores an invalid If-Modified-Since instead of failing (6.5.0)', async () => {
    for (const value of ['garbage', 'Sun, 31 Feb 2020 00:00:00 GMT', '1', 'Sun, 06 Nov 99999 08:49:37 GMT', '']) {
      const response = await getAndHead(server, '/static/robots.txt', { 'If-Modified-Since': value });
      expect(response.status, value).toBe(200);
      expect(response.body.equals(ROBOTS)).toBe(true);
    }
  });

  it('serves a range as 206 with Content-Range and the whole-file ETag', async () => {
    const response = await getAndHead(server, '/static/robots.txt', { Range: 'bytes=0-9' });
    expect(response.status).toBe(206);
    expect(response.body.toString()).toBe('User-agent');
    expect(response.headers.get('etag')).toBe(ROBOTS_ETAG);
    expect(response.headers.get('content-length')).toBe('10');
    expect(response.headers.get('content-range')).toBe('bytes 0-9/26');
  });

  it('answers 200 without Content-Range when the range covers the whole file', async () => {
    for (const range of ['bytes=0-', 'bytes=0-10000000', 'bytes=-1000000', 'bytes=0-25']) {
      const response = await getAndHead(server, '/static/robots.txt', { Range: range });
      expect(response.status, range).toBe(200);
      expect(response.body.equals(ROBOTS)).toBe(true);
      expect(response.headers.get('content-length')).toBe('26');
      expect(response.headers.get('content-range')).toBeNull();
    }
  });

  it('caps an end past the file: bytes=1-10000000 is 206 of 25 bytes', async () => {
    const response = await getAndHead(server, '/static/robots.txt', { Range: 'bytes=1-10000000' });
    expect(response.status).toBe(206);
    expect(response.body.equals(ROBOTS.subarray(1))).toBe(true);
    expect(response.headers.get('content-length')).toBe('25');
    expect(response.headers.get('content-range')).toBe('bytes 1-25/26');
  });

  it('serves the tail for bytes=22- and bytes=-4', async () => {
    for (const range of ['bytes=22-', 'bytes=-4']) {
      const response = await getAndHead(server, '/static/robots.txt', { Range: range });
      expect(response.status, range).toBe(206);
      expect(response.body.toString()).toBe(': /\n');
      expect(response.headers.get('content-length')).toBe('4');
      expect(response.headers.get('content-range')).toBe('bytes 22-25/26');
    }
  });

  it('serves one byte for bytes=0-0 and bytes=-1', async () => {
    const first = await getAndHead(server, '/static/robots.txt', { Range: 'bytes=0-0' });
    expect([first.status, first.body.toString(), first.headers.get('content-range')]).toEqual([206, 'U', 'bytes 0-0/26']);
    const last = await getAndHead(server, '/static/robots.txt', { Range: 'bytes=-1' });
    expect([last.status, last.body.toString(), last.headers.get('content-range')]).toEqual([206, '\n', 'bytes 25-25/26']);
  });

  it('ignores a Range header it cannot use (garbage, other units, several ranges)', async () => {
    for (const range of ['asdf', 'bytes=a-b', 'items=0-1', 'bytes=0-1,5-6', 'bytes=+1-2']) {
      const response = await getAndHead(server, '/static/robots.txt', { Range: range });
      expect(response.status, range).toBe(200);
      expect(response.body.equals(ROBOTS)).toBe(true);
      expect(response.headers.get('content-range')).toBeNull();
    }
  });

  it('answers 416 with Content-Range bytes */26 to unsatisfiable ranges', async () => {
    for (const range of ['bytes=-0', 'bytes=26', 'bytes=26-', 'bytes=10-3', 'bytes=1000-2000']) {
      const response = await getAndHead(server, '/static/robots.txt', { Range: range });
      expect(response.status, range).toBe(416);
      expect(response.headers.get('content-range')).toBe('bytes */26');
      expect(response.body.length).toBe(0);
    }
  });

  it('answers 416 to any range of an empty file, and 200 without one', async () => {
    expect((await getAndHead(server, '/static/empty.txt', { Range: 'bytes=0-' })).status).toBe(416);
    expect((await getAndHead(server, '/static/empty.txt', { Range: 'bytes=-1' })).headers.get('content-range')).toBe('bytes */0');
    expect((await getAndHead(server, '/static/empty.txt')).status).toBe(200);
  });

  it('answers HEAD with the headers and Content-Length but no body', async () => {
    const response = await server.fetch('/static/robots.txt', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(response.headers.get('content-length')).toBe('26');
    expect(response.headers.get('etag')).toBe(ROBOTS_ETAG);
  });

  it('answers a HEAD with a range as 206 with the range length', async () => {
    const response = await server.fetch('/static/robots.txt', { method: 'HEAD', headers: { Range: 'bytes=1-4' } });
    expect(response.status).toBe(206);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(response.headers.get('content-length')).toBe('4');
    expect(response.headers.get('etag')).toBe(ROBOTS_ETAG);
  });

  it('prefers 304 over 206 when If-None-Match matches', async () => {
    const response = await getAndHead(server, '/static/robots.txt', { Range: 'bytes=1-4', 'If-None-Match': ROBOTS_ETAG });
    expect(response.status).toBe(304);
    expect(response.body.length).toBe(0);
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('etag')).toBe(ROBOTS_ETAG);
  });

  it('answers 404 for missing files, below missing directories and below a file', async () => {
    for (const path of ['/static/blarg', '/static/nodir/blarg', '/static/robots.txt/x']) {
      expect((await getAndHead(server, path)).status, path).toBe(404);
    }
  });

  it('answers 403 for a directory when no defaultFilename is configured', async () => {
    await expectLog(genLog, /dir\/? is not a file/, async () => {
      expect((await getAndHead(server, '/static/dir/')).status).toBe(403);
      expect((await getAndHead(server, '/static/dir')).status).toBe(403);
    });
  });

  it('answers 405 to methods other than GET and HEAD', async () => {
    expect((await server.fetch('/static/robots.txt', { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await server.fetch('/static/robots.txt', { method: 'DELETE' })).status).toBe(405);
  });

  it('still works with a root of "/" (validation off; the path is absolute below it)', async () => {
    const absolute = join(STATIC_ROOT, 'robots.txt');
    const response = await getAndHead(server, `/root_static${encodeURI(absolute)}`);
    expect(response.status).toBe(200);
    expect(response.body.equals(ROBOTS)).toBe(true);
  });

  it('decodes percent-encoded names', async () => {
    const response = await getAndHead(server, '/static/%72obots.txt');
    expect(response.status).toBe(200);
    expect(response.body.equals(ROBOTS)).toBe(true);
  });
});

describe('StaticFileHandler: default filename (StaticDefaultFilenameTest)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await serve([], { staticPath: STATIC_ROOT, staticHandlerArgs: { defaultFilename: 'index.html' } });
  });

  it('serves the default file for a directory path ending in /', async () => {
    const response = await getAndHead(server, '/static/dir/');
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('this is the index\n');
    expect(response.headers.get('content-type')).toBe('text/html');
  });

  it('redirects a directory path without the slash permanently to the path with it', async () => {
    const response = await server.fetch('/static/dir');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/static/dir/');
  });

  it('drops the query string from the redirect and keeps the path as sent', async () => {
    const response = await server.fetch('/static/d%69r?x=1');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/static/d%69r/');
  });

  it('answers 404 for a directory without the default file', async () => {
    expect((await getAndHead(server, '/static/empty-dir/')).status).toBe(404);
  });

  it('serves the root directory itself through the default file', async () => {
    const dir = makeTempDir('static-index');
    try {
      writeFileSync(join(dir.path, 'index.html'), '<p>root</p>');
      const rootServer = await serve([['/site/(.*)', StaticFileHandler, { path: dir.path, defaultFilename: 'index.html' }]], {});
      const response = await getAndHead(rootServer, '/site/');
      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe('<p>root</p>');
    } finally {
      dir.remove();
    }
  });
});

describe('StaticFileHandler: another route and root (StaticFileWithPathTest)', () => {
  it('serves files of the path given in the route kwargs', async () => {
    const server = await serve([['/foo/(.*)', StaticFileHandler, { path: join(FIXTURES, 'templates') }]], {
      staticPath: STATIC_ROOT,
      staticHandlerArgs: { defaultFilename: 'index.html' },
    });
    const response = await getAndHead(server, '/foo/utf8.html');
    expect(response.body.equals(Buffer.from('H\xc3\xa9llo\n', 'latin1'))).toBe(true);
    expect((await getAndHead(server, '/static/robots.txt')).body.equals(ROBOTS)).toBe(true);
  });

  it('refuses kwargs without a root path, or with non-string options', () => {
    const initialize = (kwargs: Record<string, unknown>) => () => StaticFileHandler.prototype.initialize.call(Object.create(StaticFileHandler.prototype), kwargs);
    expect(initialize({})).toThrow(TypeError);
    expect(initialize({ path: '' })).toThrow(TypeError);
    expect(initialize({ path: 42 })).toThrow(TypeError);
    expect(initialize({ path: '/srv', defaultFilename: 1 })).toThrow(TypeError);
    expect(initialize({ path: '/srv', allowedSymlinkDirectory: {} })).toThrow(TypeError);
    expect(initialize({ path: '/srv', defaultFilename: null, allowedSymlinkDirectory: undefined })).not.toThrow();
  });
});

describe('StaticFileHandler: static routes and virtual hosts (next to HostMatchingTest)', () => {
  class ReplyHandler extends RequestHandler {
    get(): void {
      this.write('host route');
    }
  }

  it('serves static files for every host, also when host-specific routes exist', async () => {
    const app = new Application([], { staticPath: STATIC_ROOT });
    app.addHandlers('www\\.example\\.com', [['/foo', ReplyHandler]]);
    const server = await startServer(app);
    for (const host of ['www.example.com', 'other.example.org', '127.0.0.1']) {
      const response = await rawRequest(server, '/static/robots.txt', { host });
      expect(response.status, host).toBe(200);
      expect(response.body).toBe(ROBOTS.toString());
    }
    expect((await rawRequest(server, '/foo', { host: 'www.example.com' })).body).toBe('host route');
  });

  it('lets a host-specific route shadow the static prefix for that host only', async () => {
    const app = new Application([], { staticPath: STATIC_ROOT });
    app.addHandlers('www\\.example\\.com', [['/static/(.*)', ReplyHandler]]);
    const server = await startServer(app);
    expect((await rawRequest(server, '/static/robots.txt', { host: 'www.example.com' })).body).toBe('host route');
    expect((await rawRequest(server, '/static/robots.txt', { host: 'other.example.org' })).body).toBe(ROBOTS.toString());
  });
});

describe('StaticFileHandler: a subclass serving from elsewhere (CustomStaticFileTest)', () => {
  class MyStaticFileHandler extends StaticFileHandler {
    static override makeStaticUrl(settings: ApplicationSettings, path: string): string {
      const version = this.getVersion(settings, path);
      const dot = path.lastIndexOf('.');
      return `/static/${path.slice(0, dot)}.${version}.${path.slice(dot + 1)}`;
    }

    override parseUrlPath(urlPath: string): string {
      const extension = urlPath.lastIndexOf('.');
      const version = urlPath.lastIndexOf('.', extension - 1);
      return urlPath.slice(0, version) + urlPath.slice(extension);
    }

    static override getAbsolutePath(_root: string, path: string): string {
      return `CustomStaticFileTest:${path}`;
    }

    override async validateAbsolutePath(_root: string, absolutePath: string): Promise<string | null> {
      return absolutePath;
    }

    static override getContent(absolutePath: string, start?: number, end?: number): Buffer {
      if (start !== undefined || end !== undefined) throw new Error('no range expected');
      if (absolutePath === 'CustomStaticFileTest:foo.txt') return Buffer.from('bar');
      throw new Error(`unexpected path ${absolutePath}`);
    }

    override async getContentSize(): Promise<number> {
      if (this.absolutePath === 'CustomStaticFileTest:foo.txt') return 3;
      throw new Error(`unexpected path ${this.absolutePath}`);
    }

    override async getModifiedTime(): Promise<Date | null> {
      return null;
    }

    static override getVersion(_settings: ApplicationSettings, _path: string): string {
      return '42';
    }
  }

  let server: TestServer;
  beforeEach(async () => {
    server = await serve([['/static_url/(.*)', StaticUrlHandler]], { staticPath: 'dummy', staticHandlerClass: MyStaticFileHandler });
  });

  it('serves content from the overridden methods, hashed for the ETag, without Last-Modified', async () => {
    const response = await getAndHead(server, '/static/foo.42.txt');
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('bar');
    expect(response.headers.get('etag')).toBe(`"${createHash('md5').update('bar').digest('hex')}"`);
    expect(response.headers.get('last-modified')).toBeNull();
  });

  it('builds static URLs with the overridden makeStaticUrl', async () => {
    expect(await (await server.fetch('/static_url/foo.txt')).text()).toBe('/static/foo.42.txt');
  });

  it('ignores If-Modified-Since when there is no modification time', async () => {
    const response = await getAndHead(server, '/static/foo.42.txt', { 'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT' });
    expect(response.status).toBe(200);
  });
});
