// Cache headers and content versions of StaticFileHandler: Tornado's get_cache_time (10 years for a
// `v` argument), static_hash_cache and make_static_url/get_version, in our words (the staticUrl
// cases of StaticFileTest are in static-file-handler.test.ts). Versions are MD5 here (the
// first 5 hex in `?v=`), not Tornado's SHA-512, so expected values are computed, not copied.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Application } from '../src/application';
import type { ApplicationSettings } from '../src/settings';
import { StaticFileHandler } from '../src/static-file-handler';
import { closeAll, startServer, type TestServer } from './helpers';
import { getAndHead, makeTempDir, quietAccessLog, STATIC_ROOT, StaticUrlHandler } from './static-helpers';

const ROBOTS = readFileSync(join(STATIC_ROOT, 'robots.txt'));
const ROBOTS_MD5 = createHash('md5').update(ROBOTS).digest('hex');
const TEN_YEARS_S = 315360000;

async function serve(routes: ConstructorParameters<typeof Application>[0], settings: ConstructorParameters<typeof Application>[1]): Promise<TestServer> {
  return startServer(new Application(routes, settings));
}

beforeAll(quietAccessLog);
beforeEach(() => StaticFileHandler.resetCache());
afterEach(closeAll);

describe('StaticFileHandler: caching headers and versions', () => {
  it('sends Expires +10 years and Cache-Control max-age=315360000 for a versioned URL only', async () => {
    const server = await serve([], { staticPath: STATIC_ROOT });
    const versioned = await getAndHead(server, '/static/robots.txt?v=whatever');
    expect(versioned.headers.get('cache-control')).toBe(`max-age=${TEN_YEARS_S}`);
    const expires = Date.parse(versioned.headers.get('expires') ?? '');
    expect(Math.abs(expires - (Date.now() + TEN_YEARS_S * 1000))).toBeLessThan(60_000);
    const plain = await getAndHead(server, '/static/robots.txt');
    expect(plain.headers.get('cache-control')).toBeNull();
    expect(plain.headers.get('expires')).toBeNull();
  });

  it('uses getCacheTime (milliseconds) and setExtraHeaders of a subclass', async () => {
    class HourlyHandler extends StaticFileHandler {
      override getCacheTime(): number {
        return 3_600_000;
      }

      override setExtraHeaders(path: string): void {
        this.setHeader('X-Static-Path', path);
      }
    }
    const server = await serve([['/hourly/(.*)', HourlyHandler, { path: STATIC_ROOT }]], {});
    const response = await getAndHead(server, '/hourly/robots.txt');
    expect(response.headers.get('cache-control')).toBe('max-age=3600');
    expect(response.headers.get('x-static-path')).toBe('robots.txt');
  });

  it('caches versions per path until resetCache(), with staticHashCache on (the default)', async () => {
    const dir = makeTempDir('static-version');
    try {
      writeFileSync(join(dir.path, 'app.js'), 'one');
      const server = await serve([['/static_url/(.*)', StaticUrlHandler]], { staticPath: dir.path });
      const first = await (await server.fetch('/static_url/app.js')).text();
      writeFileSync(join(dir.path, 'app.js'), 'two');
      expect(await (await server.fetch('/static_url/app.js')).text()).toBe(first);
      StaticFileHandler.resetCache();
      const md5Two = createHash('md5').update('two').digest('hex');
      expect(await (await server.fetch('/static_url/app.js')).text()).toBe(`/static/app.js?v=${md5Two.slice(0, 5)}`);
    } finally {
      dir.remove();
    }
  });

  it('recomputes versions and ETags on every request with staticHashCache: false', async () => {
    const dir = makeTempDir('static-nocache');
    try {
      writeFileSync(join(dir.path, 'app.js'), 'one');
      const server = await serve([['/static_url/(.*)', StaticUrlHandler]], { staticPath: dir.path, staticHashCache: false });
      const md5 = (text: string) => createHash('md5').update(text).digest('hex');
      expect(await (await server.fetch('/static_url/app.js')).text()).toBe(`/static/app.js?v=${md5('one').slice(0, 5)}`);
      expect((await server.fetch('/static/app.js')).headers.get('etag')).toBe(`"${md5('one')}"`);
      writeFileSync(join(dir.path, 'app.js'), 'two');
      expect(await (await server.fetch('/static_url/app.js')).text()).toBe(`/static/app.js?v=${md5('two').slice(0, 5)}`);
      expect((await server.fetch('/static/app.js')).headers.get('etag')).toBe(`"${md5('two')}"`);
    } finally {
      dir.remove();
    }
  });

  it('leaves ?v= out (and logs) when the file cannot be read', async () => {
    const server = await serve([['/static_url/(.*)', StaticUrlHandler]], { staticPath: STATIC_ROOT });
    const text = await expectLog(genLog, /Could not open static file/, async () => (await server.fetch('/static_url/missing.js')).text());
    expect(text).toBe('/static/missing.js');
  });

  it('makeStaticUrl and getVersion work from settings alone, with the configured prefix', () => {
    const settings = { staticPath: STATIC_ROOT, staticUrlPrefix: '/assets/', staticHashCache: true } as unknown as ApplicationSettings;
    expect(StaticFileHandler.getVersion(settings, 'robots.txt')).toBe(ROBOTS_MD5.slice(0, 5));
    expect(StaticFileHandler.makeStaticUrl(settings, 'robots.txt')).toBe(`/assets/robots.txt?v=${ROBOTS_MD5.slice(0, 5)}`);
    expect(StaticFileHandler.makeStaticUrl(settings, 'robots.txt', false)).toBe('/assets/robots.txt');
  });

  it('getVersion without staticPath is a MissingSettingError', () => {
    expect(() => StaticFileHandler.getVersion({} as ApplicationSettings, 'x')).toThrow(expect.objectContaining({ name: 'MissingSettingError' }));
  });
});
