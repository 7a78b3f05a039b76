// Wire compatibility with Python Tornado (DESIGN: signed values "byte-compatible with Python Tornado
// for the same secret"; Tornado's masked XSRF token format). test/fixtures/compat_app.py runs a small
// Tornado app with the same secrets; cookies and tokens made on one side are checked on the other.
// Needs /usr/bin/python3 with Tornado (Debian's python3-tornado, installed in CI): when missing, every
// test here fails with a message saying so. Nothing is skipped.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Application } from '../src/application';
import { RequestHandler } from '../src/request-handler';
import { createSignedValue, decodeSignedValue, getSignatureKeyVersion } from '../src/signed-value';
import { closeAll, startServer, type TestServer } from './helpers';

/** The interpreter with Tornado; TORNADO_TS_PYTHON overrides it (e.g. a virtualenv). */
const PYTHON = process.env.TORNADO_TS_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./fixtures/compat_app.py', import.meta.url));
const SECRET = 'compat secret ✓ shared by both sides';
const KEYS = { 0: 'first key of the rotation', 1: 'second key of the rotation' };

interface PythonApp {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  /** What the app wrote to stderr (Tornado's warnings), for failure messages. */
  stderr(): string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

const children: ChildProcessWithoutNullStreams[] = [];

function requirePythonTornado(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import tornado, sys; sys.stdout.write(tornado.version)'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `The Python wire-compatibility tests need ${PYTHON} with Tornado (apt-get install python3-tornado): ` +
        `${probe.error?.message ?? probe.stderr.trim()}`,
    );
  }
}

/** Starts compat_app.py with `settings` and resolves once it prints its port. */
async function startPythonApp(settings: Record<string, unknown>): Promise<PythonApp> {
  const child = spawn(PYTHON, [SCRIPT, JSON.stringify(settings)], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  // Keep draining stderr so a chatty app never blocks on a full pipe; keep only the tail.
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`compat_app.py ${why}; stderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail('printed no port within 15 s'), 15_000);
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code) => fail(`exited with code ${String(code)}`));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /PORT (\d+)/.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return {
    child,
    port,
    stderr: () => stderr,
    fetch: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual', ...init }),
  };
}

async function stopPythonApps(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          process.kill(child.pid as number, 'SIGTERM');
        }),
    ),
  );
}

// ---- our side: the same endpoints as compat_app.py ---------------------------------------------

class SignHandler extends RequestHandler {
  get(): void {
    const version = this.getArgument('version', null);
    this.write(
      this.createSignedValue(this.getArgument('name') as string, this.getArgument('value') as string, {
        ...(version === null ? {} : { version: Number(version) as 1 | 2 }),
      }),
    );
  }
}

class VerifyHandler extends RequestHandler {
  get(): void {
    const name = this.getArgument('name') as string;
    const signed = this.getArgument('value') as string;
    this.write({ value: this.getSignedCookie(name, signed), key_version: this.getSignedCookieKeyVersion(name, signed) });
  }
}

class SetSignedCookieHandler extends RequestHandler {
  get(): void {
    this.setSignedCookie(this.getArgument('name') as string, this.getArgument('value') as string);
    this.write('ok');
  }
}

class GetSignedCookieHandler extends RequestHandler {
  get(): void {
    this.write({ value: this.getSignedCookie(this.getArgument('name') as string) });
  }
}

class SetCookieHandler extends RequestHandler {
  get(): void {
    this.setCookie(this.getArgument('name') as string, this.getArgument('value') as string);
    this.write('ok');
  }
}

class GetCookieHandler extends RequestHandler {
  get(): void {
    this.write({ value: this.getCookie(this.getArgument('name') as string) ?? null });
  }
}

class XsrfHandler extends RequestHandler {
  get(): void {
    this.write(this.xsrfToken);
  }
  post(): void {
    this.write('ok');
  }
}

async function startOurApp(settings: Record<string, unknown>): Promise<TestServer> {
  const app = new Application(
    [
      ['/sign', SignHandler],
      ['/verify', VerifyHandler],
      ['/set-signed', SetSignedCookieHandler],
      ['/get-signed', GetSignedCookieHandler],
      ['/set-cookie', SetCookieHandler],
      ['/get-cookie', GetCookieHandler],
      ['/xsrf', XsrfHandler],
    ],
    { xsrfCookies: true, ...settings },
  );
  return startServer(app);
}

// ---- helpers shared by both sides ----------------------------------------------------------------

type Fetcher = Pick<PythonApp, 'fetch'>;

function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

async function text(side: Fetcher, path: string, init?: RequestInit): Promise<string> {
  const response = await side.fetch(path, init);
  const body = await response.text();
  expect(response.status, body).toBe(200);
  return body;
}

async function json<T>(side: Fetcher, path: string, init?: RequestInit): Promise<T> {
  return JSON.parse(await text(side, path, init)) as T;
}

/** GETs `path` and returns the `name=value` part of its only Set-Cookie, as a browser sends it back. */
async function cookieFrom(side: Fetcher, path: string, init?: RequestInit): Promise<string> {
  const response = await side.fetch(path, init);
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  const cookies = response.headers.getSetCookie();
  expect(cookies).toHaveLength(1);
  return cookies[0]!.split('; ')[0]!;
}

/** GETs an XSRF token (sending `cookie` when given); returns it and the `_xsrf` cookie pair, if set. */
async function xsrfFrom(side: Fetcher, cookie?: string): Promise<{ token: string; cookie: string | null }> {
  const response = await side.fetch('/xsrf', cookie === undefined ? {} : { headers: { Cookie: cookie } });
  const token = await response.text();
  expect(response.status).toBe(200);
  const setCookie = response.headers.getSetCookie();
  return { token, cookie: setCookie.length === 0 ? null : setCookie[0]!.split('; ')[0]! };
}

async function postXsrf(side: Fetcher, cookie: string, token: string, via: 'body' | 'header' = 'body'): Promise<number> {
  const response = await side.fetch('/xsrf', {
    method: 'POST',
    headers: {
      Cookie: cookie,
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(via === 'header' ? { 'X-XSRFToken': token } : {}),
    },
    body: via === 'body' ? query({ _xsrf: token }) : '',
  });
  await response.arrayBuffer();
  return response.status;
}

// ---- the tests ------------------------------------------------------------------------------------

let pyPlain: PythonApp;
let pyKeys: PythonApp;
let pyXsrfV1: PythonApp;

let setupError: unknown = null;

beforeAll(async () => {
  try {
    requirePythonTornado();
    [pyPlain, pyKeys, pyXsrfV1] = await Promise.all([
      startPythonApp({ cookie_secret: SECRET }),
      startPythonApp({ cookie_secret: KEYS, key_version: 1 }),
      startPythonApp({ cookie_secret: SECRET, xsrf_cookie_version: 1 }),
    ]);
  } catch (error) {
    setupError = error;
  }
}, 30_000);

// Every test fails (none is reported as skipped) when Python Tornado could not be started.
beforeEach(() => {
  if (setupError !== null) throw setupError;
});

afterAll(stopPythonApps);
afterEach(closeAll);

describe('signed values: Python Tornado <-> tornado-ts', () => {
  it('a v2 value signed by Python validates here, and ours signed at the same second is byte-identical', async () => {
    const signed = await text(pyPlain, `/sign?${query({ name: 'session', value: 'hello wörld' })}`);
    expect(signed).toMatch(/^2\|1:0\|10:\d{10}\|7:session\|/);
    expect(decodeSignedValue(SECRET, 'session', signed)?.toString('utf8')).toBe('hello wörld');
    const timestamp = Number(/\|10:(\d{10})\|/.exec(signed)![1]);
    expect(createSignedValue(SECRET, 'session', 'hello wörld', { clock: () => timestamp })).toBe(signed);
    const ours = await startOurApp({ cookieSecret: SECRET });
    expect(await json(ours, `/verify?${query({ name: 'session', value: signed })}`)).toEqual({ value: 'hello wörld', key_version: 0 });
  });

  it('a v2 value signed here validates in Python; a tampered one does not', async () => {
    const ours = await startOurApp({ cookieSecret: SECRET });
    const signed = await text(ours, `/sign?${query({ name: 'session', value: 'ünïcode & = ; "' })}`);
    expect(await json(pyPlain, `/verify?${query({ name: 'session', value: signed })}`)).toEqual({
      value: 'ünïcode & = ; "',
      key_version: 0,
    });
    const tampered = signed.slice(0, -1) + (signed.endsWith('0') ? '1' : '0');
    expect(await json(pyPlain, `/verify?${query({ name: 'session', value: tampered })}`)).toEqual({ value: null, key_version: 0 });
    expect(await json(pyPlain, `/verify?${query({ name: 'sessionx', value: signed })}`)).toMatchObject({ value: null });
  });

  it('v1 values cross in both directions', async () => {
    const ours = await startOurApp({ cookieSecret: SECRET });
    const fromPython = await text(pyPlain, `/sign?${query({ name: 'old', value: 'legacy', version: '1' })}`);
    expect(fromPython).toMatch(/^bGVnYWN5\|\d{10}\|[0-9a-f]{40}$/);
    expect(await json(ours, `/verify?${query({ name: 'old', value: fromPython })}`)).toEqual({ value: 'legacy', key_version: null });
    const fromUs = await text(ours, `/sign?${query({ name: 'old', value: 'legacy', version: '1' })}`);
    expect(await json(pyPlain, `/verify?${query({ name: 'old', value: fromUs })}`)).toEqual({ value: 'legacy', key_version: null });
  });

  it('with key versions: Python signs with key 1 and we read it; we sign with key 0 and Python reads it', async () => {
    const ours = await startOurApp({ cookieSecret: KEYS, keyVersion: 0 });
    const fromPython = await text(pyKeys, `/sign?${query({ name: 'k', value: 'rotated' })}`);
    expect(getSignatureKeyVersion(fromPython)).toBe(1);
    expect(await json(ours, `/verify?${query({ name: 'k', value: fromPython })}`)).toEqual({ value: 'rotated', key_version: 1 });
    const fromUs = await text(ours, `/sign?${query({ name: 'k', value: 'rotated' })}`);
    expect(fromUs).toMatch(/^2\|1:0\|/);
    expect(await json(pyKeys, `/verify?${query({ name: 'k', value: fromUs })}`)).toEqual({ value: 'rotated', key_version: 0 });
    // Signed with a key Python does not hold: refused there too.
    const stranger = createSignedValue({ 7: 'a key nobody else has' }, 'k', 'rotated', { keyVersion: 7 });
    expect(await json(pyKeys, `/verify?${query({ name: 'k', value: stranger })}`)).toEqual({ value: null, key_version: 7 });
  });

  it('signed cookies travel through Set-Cookie and Cookie headers both ways (quoted or not)', async () => {
    const ours = await startOurApp({ cookieSecret: SECRET });
    for (const value of ['plain', 'abc', 'ab']) {
      // base64 of 'plain' and 'ab' ends in '=', so both sides quote those Set-Cookie values.
      const pythonCookie = await cookieFrom(pyPlain, `/set-signed?${query({ name: 'sid', value })}`);
      expect(await json(ours, '/get-signed?name=sid', { headers: { Cookie: pythonCookie } })).toEqual({ value });
      const ourCookie = await cookieFrom(ours, `/set-signed?${query({ name: 'sid', value })}`);
      expect(await json(pyPlain, '/get-signed?name=sid', { headers: { Cookie: ourCookie } })).toEqual({ value });
      expect(ourCookie.startsWith('sid="')).toBe(pythonCookie.startsWith('sid="'));
    }
  });

  it('key-versioned signed cookies travel through headers both ways', async () => {
    const ours = await startOurApp({ cookieSecret: KEYS, keyVersion: 0 });
    const pythonCookie = await cookieFrom(pyKeys, `/set-signed?${query({ name: 'sid', value: 'v' })}`);
    expect(await json(ours, '/get-signed?name=sid', { headers: { Cookie: pythonCookie } })).toEqual({ value: 'v' });
    const ourCookie = await cookieFrom(ours, `/set-signed?${query({ name: 'sid', value: 'v' })}`);
    expect(await json(pyKeys, '/get-signed?name=sid', { headers: { Cookie: ourCookie } })).toEqual({ value: 'v' });
  });
});

describe('plain cookies: quoting is read the same way on both sides', () => {
  it.each(['a;b', 'a"b', 'a\\b', 'a=b,c', '{x}[y](z)', 'h\u00e9llo'])('%j', async (value) => {
    const ours = await startOurApp({});
    const pythonCookie = await cookieFrom(pyPlain, `/set-cookie?${query({ name: 'c', value })}`);
    const ourCookie = await cookieFrom(ours, `/set-cookie?${query({ name: 'c', value })}`);
    expect(ourCookie).toBe(pythonCookie);
    expect(await json(ours, '/get-cookie?name=c', { headers: { Cookie: pythonCookie } })).toEqual({ value });
    expect(await json(pyPlain, '/get-cookie?name=c', { headers: { Cookie: ourCookie } })).toEqual({ value });
  });
});

describe('XSRF: Python Tornado <-> tornado-ts', () => {
  it("Python's cookie and token pass our check", async () => {
    const ours = await startOurApp({ cookieSecret: SECRET });
    const python = await xsrfFrom(pyPlain);
    expect(python.token).toMatch(/^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d+$/);
    expect(python.cookie).not.toBeNull();
    expect(await postXsrf(ours, python.cookie!, python.token)).toBe(200);
    expect(await postXsrf(ours, python.cookie!, python.token, 'header')).toBe(200);
  });

  it("our cookie and token pass Python's check", async () => {
    const ours = await startOurApp({ cookieSecret: SECRET });
    const mine = await xsrfFrom(ours);
    expect(mine.cookie).not.toBeNull();
    expect(await postXsrf(pyPlain, mine.cookie!, mine.token)).toBe(200);
    expect(await postXsrf(pyPlain, mine.cookie!, mine.token, 'header')).toBe(200);
  });

  it("each side masks the other's cookie token into forms the other side accepts", async () => {
    const ours = await startOurApp({ cookieSecret: SECRET });
    const python = await xsrfFrom(pyPlain);
    const oursForPythonCookie = await xsrfFrom(ours, python.cookie!);
    expect(oursForPythonCookie.cookie).toBeNull(); // the cookie was valid: not replaced
    expect(oursForPythonCookie.token).not.toBe(python.token);
    expect(await postXsrf(pyPlain, python.cookie!, oursForPythonCookie.token)).toBe(200);
    const mine = await xsrfFrom(ours);
    const pythonForOurCookie = await xsrfFrom(pyPlain, mine.cookie!);
    expect(pythonForOurCookie.cookie).toBeNull();
    expect(await postXsrf(ours, mine.cookie!, pythonForOurCookie.token)).toBe(200);
  });

  it("v1 cookies from Python pass our v2 check, and Python's v2 check takes our v1 cookies", async () => {
    const ours = await startOurApp({ cookieSecret: SECRET });
    const python = await xsrfFrom(pyXsrfV1);
    expect(python.token).toMatch(/^[0-9a-f]{32}$/);
    expect(python.cookie).toBe(`_xsrf=${python.token}`);
    expect(await postXsrf(ours, python.cookie!, python.token)).toBe(200);
    const oursV1 = await startOurApp({ cookieSecret: SECRET, xsrfCookieVersion: 1 });
    const mine = await xsrfFrom(oursV1);
    expect(mine.token).toMatch(/^[0-9a-f]{32}$/);
    expect(await postXsrf(pyPlain, mine.cookie!, mine.token)).toBe(200);
    const upgraded = await xsrfFrom(pyPlain, mine.cookie!);
    expect(await postXsrf(ours, mine.cookie!, upgraded.token)).toBe(200);
  });

  it('a token from one user does not pass with another user\'s cookie, on either side', async () => {
    const ours = await startOurApp({ cookieSecret: SECRET });
    const python = await xsrfFrom(pyPlain);
    const mine = await xsrfFrom(ours);
    await expectLog(genLog, /XSRF cookie does not match POST argument/, async () => {
      expect(await postXsrf(ours, mine.cookie!, python.token)).toBe(403);
    });
    expect(await postXsrf(pyPlain, python.cookie!, mine.token)).toBe(403);
    expect(pyPlain.stderr()).toMatch(/XSRF cookie does not match POST argument/);
  });
});
