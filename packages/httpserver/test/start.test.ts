// HTTPServer in two processes: listen + start(2), and Tornado's bind + start(2), through the
// fixture test/fixtures/cluster-server.ts run as a child process (bounded; killed by PID after).
import { fileURLToPath } from 'node:url';
import { ProcessFixture } from '@tornado-ts/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './peers';

const fixture = fileURLToPath(new URL('./fixtures/cluster-server.ts', import.meta.url));

interface Report extends Record<string, unknown> {
  primary?: number;
  worker?: number;
  pid?: number;
  port?: number;
}

/** The fixture's primary as a child process (its workers report through it). */
class Cluster extends ProcessFixture<Report> {
  constructor(args: string[]) {
    super(fixture, args);
  }

  workerPids(): number[] {
    return this.reports.filter((report) => report.worker !== undefined).map((report) => report.pid as number);
  }
}

let running: Cluster[] = [];

afterEach(() => {
  // Whatever is still alive (a failed test) is ended by the PIDs it reported.
  for (const cluster of running) cluster.killReported();
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

    cluster.process.kill('SIGTERM');
    const timer = setTimeout(() => cluster.process.kill('SIGKILL'), 10_000);
    try {
      expect(await cluster.exited).toEqual({ code: 0, signal: null });
    } finally {
      clearTimeout(timer);
    }
  });
});
