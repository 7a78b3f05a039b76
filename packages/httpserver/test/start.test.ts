// HTTPServer in two processes: listen + start(2), and Tornado's bind + start(2), through the
// fixture test/fixtures/cluster-server.ts run as a child process (bounded; killed by PID after).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './peers';

const fixture = fileURLToPath(new URL('./fixtures/cluster-server.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Report {
  primary?: number;
  worker?: number;
  pid?: number;
  port?: number;
}

class Cluster {
  readonly child: ChildProcess;
  readonly reports: Report[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[]) {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    this.child = spawn(process.execPath, ['--conditions=@tornado-ts/source', '--import', 'tsx', fixture, ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.reports.push(JSON.parse(line) as Report);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async until(condition: () => boolean, what: string, timeout = 15_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!condition()) {
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`${what}: not seen; stderr:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  workerPids(): number[] {
    return this.reports.filter((report) => report.worker !== undefined).map((report) => report.pid as number);
  }

  pids(): number[] {
    return this.reports.flatMap((report) => [report.primary, report.pid]).filter((pid): pid is number => pid !== undefined);
  }
}

let running: Cluster[] = [];

afterEach(() => {
  // Whatever is still alive (a failed test) is ended by the PIDs it reported.
  for (const cluster of running) {
    for (const pid of cluster.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  running = [];
});

/** Asks until both workers answered (at most 40 requests, each on a new connection); returns the pids seen. */
async function answeringPids(port: number): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let attempt = 0; attempt < 40 && seen.size < 2; attempt++) {
    const response = await fetch(`http://127.0.0.1:${port}/who`, { headers: { Connection: 'close' } });
    const { pid, path } = (await response.json()) as { pid: number; path: string };
    expect(path).toBe('/who');
    seen.add(pid);
  }
  return seen;
}

describe('HTTPServer.start(2)', () => {
  it.each([
    ['listen(0) + start(2)', async () => ['listen']],
    ['bind(port) + start(2)', async () => ['bind', String(await freePort())]],
  ])('%s serves one port from two workers and stops on SIGTERM', async (_name, args) => {
    const cluster = new Cluster(await args());
    running.push(cluster);
    await cluster.until(() => cluster.workerPids().length === 2, 'two workers');
    const port = cluster.reports.find((report) => report.primary !== undefined)?.port as number;
    expect(cluster.reports.filter((report) => report.worker !== undefined).map((report) => report.port)).toEqual([port, port]);
    expect(await answeringPids(port)).toEqual(new Set(cluster.workerPids()));

    cluster.child.kill('SIGTERM');
    const timer = setTimeout(() => cluster.child.kill('SIGKILL'), 10_000);
    try {
      expect(await cluster.exited).toEqual({ code: 0, signal: null });
    } finally {
      clearTimeout(timer);
    }
  });
});
