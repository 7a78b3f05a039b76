// The umbrella package: each namespace is the very module of its package (not a copy), every
// package with an entry point is present, and each subpath (`tornado-ts/web`) matches its package.
// The built package (dist, ESM and CJS) is checked too: when it or a package it re-exports was
// never built (a fresh clone running `pnpm test`), they are built first (`pnpm --filter tornado-ts... run build`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as escapePkg from '@tornado-ts/escape';
import * as httpclientPkg from '@tornado-ts/httpclient';
import * as httpserverPkg from '@tornado-ts/httpserver';
import * as httputilPkg from '@tornado-ts/httputil';
import * as ioloopPkg from '@tornado-ts/ioloop';
import * as iostreamPkg from '@tornado-ts/iostream';
import * as locksPkg from '@tornado-ts/locks';
import * as optionsPkg from '@tornado-ts/options';
import * as queuesPkg from '@tornado-ts/queues';
import * as tcpclientPkg from '@tornado-ts/tcpclient';
import * as tcpserverPkg from '@tornado-ts/tcpserver';
import * as templatePkg from '@tornado-ts/template';
import * as testingPkg from '@tornado-ts/testing';
import * as webPkg from '@tornado-ts/web';
import * as websocketPkg from '@tornado-ts/websocket';
import * as tornado from '../src/index';
import { escape, httpclient, httpserver, httputil, ioloop, iostream, locks, options, queues, tcpclient, tcpserver, template, testing, web, websocket } from '../src/index';

const packageDir = resolve(__dirname, '..');
const packagesDir = resolve(packageDir, '..');

/** Package modules by the umbrella's namespace name, with one key export each. */
const expected: Record<string, { module: Record<string, unknown>; key: string }> = {
  escape: { module: escapePkg, key: 'xhtmlEscape' },
  options: { module: optionsPkg, key: 'define' },
  ioloop: { module: ioloopPkg, key: 'IOLoop' },
  locks: { module: locksPkg, key: 'Condition' },
  queues: { module: queuesPkg, key: 'Queue' },
  iostream: { module: iostreamPkg, key: 'IOStream' },
  tcpserver: { module: tcpserverPkg, key: 'TCPServer' },
  tcpclient: { module: tcpclientPkg, key: 'TCPClient' },
  httputil: { module: httputilPkg, key: 'HTTPHeaders' },
  httpserver: { module: httpserverPkg, key: 'HTTPServer' },
  httpclient: { module: httpclientPkg, key: 'AsyncHTTPClient' },
  template: { module: templatePkg, key: 'Template' },
  web: { module: webPkg, key: 'Application' },
  websocket: { module: websocketPkg, key: 'WebSocketHandler' },
  testing: { module: testingPkg, key: 'startTestServer' },
};

describe('tornado-ts', () => {
  it('names each package by its Tornado module, and each namespace is the package itself', () => {
    const namespaces = tornado as unknown as Record<string, Record<string, unknown>>;
    for (const [name, { module, key }] of Object.entries(expected)) {
      expect(typeof namespaces[name][key], `${name}.${key}`).toBe('function');
      expect(namespaces[name][key], `${name}.${key}`).toBe(module[key]);
      expect(Object.keys(namespaces[name]).sort(), name).toEqual(Object.keys(module).sort());
    }
  });

  it('offers the names a Tornado user reaches for', async () => {
    expect(new web.Application([]).settings).toBeDefined();
    expect(ioloop.IOLoop.current()).toBeInstanceOf(ioloop.IOLoop);
    expect(escape.xhtmlEscape('<a>')).toBe('&lt;a&gt;');
    expect(new template.Template('{{ x }}!').generate({ x: 'hi' })).toBe('hi!');
    expect(new httputil.HTTPHeaders({ A: '1' }).get('a')).toBe('1');
    const queue = new queues.Queue<number>();
    await queue.put(1);
    expect(await queue.get()).toBe(1);
    const lock = new locks.Lock();
    await lock.acquire();
    expect(lock.locked).toBe(true);
    lock.release();
    expect(typeof iostream.IOStream).toBe('function');
    expect(typeof tcpserver.TCPServer).toBe('function');
    expect(typeof tcpclient.TCPClient).toBe('function');
    expect(typeof httpserver.HTTPServer).toBe('function');
    expect(typeof options.define).toBe('function');
    expect(typeof websocket.websocketConnect).toBe('function');
  });

  it('serves and fetches through the umbrella alone (web + testing + httpclient)', async () => {
    class Hello extends web.RequestHandler {
      get() {
        this.write('hello from tornado-ts');
      }
    }
    const logs = testing.captureLogs(ioloop.accessLog);
    const server = await testing.startTestServer(new web.Application([['/', Hello]]));
    try {
      const response = await server.fetch('/');
      expect(response).toBeInstanceOf(httpclient.HTTPResponse);
      expect(response.text()).toBe('hello from tornado-ts');
    } finally {
      await server.close();
      logs.restore();
    }
  });

  it('re-exports every package that has an entry point (a new package must be added here)', () => {
    const names = readdirSync(packagesDir).filter(
      (dir) => dir !== 'tornado-ts' && existsSync(join(packagesDir, dir, 'src/index.ts')) && existsSync(join(packagesDir, dir, 'package.json')),
    );
    const missing = names.filter((name) => !(name in tornado));
    expect(missing, `add "export * as ${missing[0]} from '@tornado-ts/${missing[0]}';" to src/index.ts and its subpath`).toEqual([]);
  });

  it('has a subpath for each namespace, with the same exports as the package', async () => {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    for (const [name, { module }] of Object.entries(expected)) {
      expect(pkg.exports, name).toHaveProperty([`./${name}`]);
      const subpath = (await import(`../src/${name}.ts`)) as Record<string, unknown>;
      expect(Object.keys(subpath).sort(), name).toEqual(Object.keys(module).sort());
      for (const key of Object.keys(module)) expect(subpath[key], `${name}/${key}`).toBe(module[key]);
    }
    expect(pkg.exports).toHaveProperty(['./ioloop/executor']);
  });
});

/** True when the umbrella and every workspace package have both builds in dist. */
function everythingBuilt(): boolean {
  const packagesDir = resolve(packageDir, '..');
  return readdirSync(packagesDir).every((name) => {
    const dir = join(packagesDir, name);
    if (!existsSync(join(dir, 'src/index.ts'))) return true;
    return existsSync(join(dir, 'dist/index.js')) && existsSync(join(dir, 'dist/index.cjs'));
  });
}

describe('the built package', () => {
  beforeAll(() => {
    if (everythingBuilt()) return;
    execFileSync('pnpm', ['--filter', 'tornado-ts...', 'run', 'build'], { cwd: resolve(packageDir, '../..'), stdio: 'pipe', timeout: 280_000 });
    expect(everythingBuilt()).toBe(true);
  }, 300_000);

  // Run from the package directory, so `tornado-ts` resolves as a self-reference through "exports".
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8', timeout: 20_000 }).trim();

  it('loads with import, namespaces and subpaths alike', () => {
    const out = run([
      '--input-type=module',
      '-e',
      "const t = await import('tornado-ts'); const w = await import('tornado-ts/web');" +
        "console.log(typeof t.web.Application, t.web.Application === w.Application, typeof t.ioloop.IOLoop, typeof t.testing.startTestServer, Object.keys(t).length)",
    ]);
    expect(out).toBe(`function true function function ${Object.keys(tornado).length}`);
  });

  it('loads with require, namespaces and subpaths alike', () => {
    const out = run([
      '-e',
      "const t = require('tornado-ts'); const h = require('tornado-ts/httpclient');" +
        "console.log(typeof t.httpclient.AsyncHTTPClient, t.httpclient.AsyncHTTPClient === h.AsyncHTTPClient, typeof t.escape.xhtmlEscape, Object.keys(t).length)",
    ]);
    expect(out).toBe(`function true function ${Object.keys(tornado).length}`);
  });
});
