// Real peers for the tests: curl and nginx, run as child processes. Both are Debian packages that
// .ci/run installs when missing; a test that needs one fails (never skips) when it is absent.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CURL = '/usr/bin/curl';
export const NGINX = '/usr/sbin/nginx';

/** Throws a message naming the install step when `path` is not an executable. */
export function requireExecutable(path: string, packageName: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is missing: run .ci/run (it installs the Debian package ${packageName}), or apt-get install ${packageName}`);
  }
}

/** What a child process printed and how it ended. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `args` (no shell), killed after `timeout` ms; resolves when it exits. */
export function run(command: string, args: readonly string[], timeout = 10_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** curl with the options every test wants: quiet, no proxy from the environment, bounded in time. */
export function curl(args: readonly string[], timeout = 10_000): Promise<RunResult> {
  return run(CURL, ['--silent', '--show-error', '--noproxy', '*', '--max-time', String(Math.ceil(timeout / 1000)), ...args], timeout + 2_000);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for peers that cannot be told to pick one). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts on `port` of 127.0.0.1; fails after `timeout` ms or when `alive()` turns false. */
export async function waitForPort(port: number, alive: () => boolean, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (!alive()) throw new Error(`the process that should listen on port ${port} has exited`);
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What {@link Nginx.start} writes into the `http {}` block: the servers, given nginx's temp prefix. */
export type NginxServers = (prefix: string) => string;

/**
 * An nginx in the foreground (`daemon off`) with its own prefix, config, pid file, logs and temp
 * paths in a temporary directory; stopped by its PID. Nothing of the system's nginx is touched.
 */
export class Nginx {
  readonly prefix: string;
  #child: ChildProcess | null = null;
  #exited: Promise<void> | null = null;
  stderr = '';

  constructor() {
    this.prefix = mkdtempSync(join(tmpdir(), 'tornado-ts-nginx-'));
  }

  /** Writes the config (`servers` inside `http {}`), starts nginx and waits until `port` accepts. */
  async start(servers: NginxServers, port: number): Promise<void> {
    requireExecutable(NGINX, 'nginx-light');
    const p = this.prefix;
    const config = `
master_process off;
pid ${p}/nginx.pid;
error_log ${p}/error.log warn;
events { worker_connections 64; }
http {
  access_log ${p}/access.log;
  client_body_temp_path ${p}/client_body;
  proxy_temp_path ${p}/proxy;
  fastcgi_temp_path ${p}/fastcgi;
  uwsgi_temp_path ${p}/uwsgi;
  scgi_temp_path ${p}/scgi;
${servers(p)}
}
`;
    const path = join(p, 'nginx.conf');
    writeFileSync(path, config);
    const child = spawn(NGINX, ['-p', `${p}/`, '-c', path, '-e', `${p}/error.log`, '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#child = child;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    try {
      await waitForPort(port, () => child.exitCode === null && child.signalCode === null);
    } catch (error) {
      throw new Error(`nginx did not start: ${(error as Error).message}\n${this.stderr}`);
    }
  }

  /** Stops nginx (one process: master_process off) by its PID, SIGTERM then SIGKILL after 3 s, and removes its directory. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child !== null && child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      }, 3_000);
      await this.#exited;
      clearTimeout(killer);
    }
    rmSync(this.prefix, { recursive: true, force: true });
  }
}
