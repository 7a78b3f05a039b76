// Sessions in a real Redis (Debian's redis-server) shared by two worker processes: server.mjs runs
// with --processes 2 --session-store redis://..., a login made through one worker is honoured by
// the other. A control run with in-memory sessions shows the test can tell the difference.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const exampleDir = join(__dirname, '..');

let redis: ChildProcess | undefined;
let redisPort = 0;
/** Why redis-server is not there: the tests that need it fail with it (a failed hook would only mark them skipped). */
let missingRedis: Error | undefined;
const started: { child: ChildProcess; pids: number[]; dataDir: string }[] = [];

/** A port that was free a moment ago (redis-server cannot take port 0 and report it back). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `child` prints a line matching `pattern`; rejects on exit or after `timeout` ms. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeout: number, onLine: (line: string) => boolean = (line) => pattern.test(line)): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`no line matching ${pattern} within ${timeout} ms`)), timeout);
    const exited = (code: number | null) => fail(new Error(`process exited (${code}) before printing ${pattern}`));
    function fail(error: Error) {
      clearTimeout(timer);
      lines.close();
      child.off('exit', exited);
      reject(error);
    }
    lines.on('line', (line) => {
      if (!onLine(line)) return;
      clearTimeout(timer);
      child.off('exit', exited);
      lines.close();
      resolve();
    });
    child.once('exit', exited);
  });
}

async function stopProcess(child: ChildProcess, pids: number[] = []): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL'); // a worker left behind by a failed shutdown
    } catch {
      // already gone
    }
  }
}

/** Starts server.mjs with `args` and waits for both workers; resolves with the shared port. */
async function startBlog(args: string[]): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'blog-workers-'));
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    ['--conditions=@tornado-ts/source', '--import', 'tsx', 'server.mjs', '--port', '0', '--processes', '2', '--data-dir', dataDir, ...args],
    { cwd: exampleDir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const entry = { child, pids: [] as number[], dataDir };
  started.push(entry);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const workers = new Map<number, number>();
  let port = 0;
  await waitForLine(child, /"listening"/, 40_000, (line) => {
    if (!line.startsWith('{')) return false;
    const report = JSON.parse(line) as { listening: { port: number }; worker: number; pid: number };
    workers.set(report.worker, report.pid);
    entry.pids.push(report.pid);
    port = report.listening.port;
    return workers.size === 2;
  }).catch((error: Error) => {
    throw new Error(`${error.message}\nstderr:\n${stderr}`);
  });
  expect([...workers.keys()].sort()).toEqual([0, 1]);
  return port;
}

interface Answer {
  status: number;
  worker: string | undefined;
  cookies: string[];
  body: string;
}

/** One request on a fresh connection (no keep-alive), so the primary hands it to either worker. */
function freshRequest(port: number, path: string, options: { method?: string; cookie?: string; form?: Record<string, string> } = {}): Promise<Answer> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? (body ? 'POST' : 'GET'),
        agent: false,
        timeout: 5_000,
        headers: {
          ...(options.cookie ? { Cookie: options.cookie } : {}),
          ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, worker: res.headers['x-worker'] as string | undefined, cookies: res.headers['set-cookie'] ?? [], body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const cookieValue = (cookies: string[], name: string) => cookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0].slice(name.length + 1);

/** Logs in as the demo user; returns the Cookie header of the signed-in browser and the worker that did it. */
async function logIn(port: number): Promise<{ cookie: string; worker: string }> {
  const form = await freshRequest(port, '/auth/login');
  const xsrf = cookieValue(form.cookies, '_xsrf')!;
  const reply = await freshRequest(port, '/auth/login', { cookie: `_xsrf=${xsrf}`, form: { _xsrf: xsrf, username: 'demo', password: 'demo-password' } });
  expect(reply.status).toBe(302);
  const session = cookieValue(reply.cookies, 'session');
  expect(session).toBeDefined();
  return { cookie: `_xsrf=${xsrf}; session=${session}`, worker: reply.worker! };
}

/** Fresh-connection GETs until both workers answered; the signed-in state each worker showed. */
async function askBothWorkers(port: number, cookie: string): Promise<Map<string, boolean>> {
  const seen = new Map<string, boolean>();
  for (let i = 0; i < 100 && seen.size < 2; i++) {
    const page = await freshRequest(port, '/', { cookie });
    expect(page.status).toBe(200);
    seen.set(page.worker!, page.body.includes('<strong id="current-user">Demo Author</strong>'));
  }
  if (seen.size < 2) throw new Error(`only worker(s) ${[...seen.keys()]} answered 100 fresh connections`);
  return seen;
}

beforeAll(async () => {
  // CI installs redis-server (.ci/run); a missing one is a failure, never a skipped test.
  if (!existsSync(REDIS_SERVER)) {
    missingRedis = new Error(`redis-server not found at ${REDIS_SERVER}: install it (apt-get install redis-server) or set REDIS_SERVER_PATH`);
    return;
  }
  redisPort = await freePort();
  redis = spawn(REDIS_SERVER, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(redis, /Ready to accept connections/, 10_000);
}, 20_000);

afterAll(async () => {
  if (redis) await stopProcess(redis);
});

afterEach(async () => {
  for (const { child, pids, dataDir } of started.splice(0)) {
    await stopProcess(child, pids);
    await rm(dataDir, { recursive: true, force: true });
  }
});

describe('two workers', () => {
  it('share a login through Redis sessions, and a logout too', async () => {
    if (missingRedis) throw missingRedis;
    const port = await startBlog(['--session-store', `redis://127.0.0.1:${redisPort}`]);
    const { cookie } = await logIn(port);
    const seen = await askBothWorkers(port, cookie);
    expect(Object.fromEntries(seen)).toEqual({ 0: true, 1: true });

    const client = createClient({ url: `redis://127.0.0.1:${redisPort}` });
    await client.connect();
    try {
      expect(await client.keys('blog:session:*')).toHaveLength(1);
      const xsrf = /_xsrf=([^;]+)/.exec(cookie)![1];
      const out = await freshRequest(port, '/auth/logout', { cookie, form: { _xsrf: xsrf } });
      expect(out.status).toBe(302);
      expect(await client.keys('blog:session:*')).toHaveLength(0);
      expect(Object.fromEntries(await askBothWorkers(port, cookie))).toEqual({ 0: false, 1: false });
    } finally {
      await client.close();
    }
  }, 90_000);

  it('do not share a login with in-memory sessions (the control case)', async () => {
    const port = await startBlog([]);
    const { cookie, worker } = await logIn(port);
    const seen = await askBothWorkers(port, cookie);
    const other = worker === '0' ? '1' : '0';
    expect(Object.fromEntries(seen)).toEqual({ [worker]: true, [other]: false });
  }, 90_000);
});

describe('--session-store', () => {
  it('fails at start with a clear message when Redis cannot be reached', async () => {
    const deadPort = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'blog-no-redis-'));
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const args = ['server.mjs', '--port', '0', '--data-dir', dataDir, '--session-store', `redis://127.0.0.1:${deadPort}`];
    const child = spawn(process.execPath, ['--conditions=@tornado-ts/source', '--import', 'tsx', ...args], {
      cwd: exampleDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push({ child, pids: [], dataDir });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`--session-store redis://127.0.0.1:${deadPort}: cannot reach Redis`);
  }, 30_000);
});
