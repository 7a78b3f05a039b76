import { fileURLToPath } from 'node:url';
import { IOStream, StreamClosedError } from '@tornado-ts/iostream';
import { cpuCount, forkProcesses, taskId } from '@tornado-ts/tcpserver';
import { ProcessFixture } from '@tornado-ts/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/cluster-server.ts', import.meta.url));

interface Report extends Record<string, unknown> {
  primary?: number;
  worker?: number;
  pid?: number;
  port?: number;
  error?: string;
  again?: string;
}

/** The fixture's primary as a child process (its workers report through it), with the views the tests need. */
class Cluster extends ProcessFixture<Report> {
  constructor(mode: string) {
    super(fixture, [mode]);
  }

  /** The workers that reported so far, latest report per task id. */
  workers(): Map<number, number> {
    const latest = new Map<number, number>();
    for (const report of this.reports) if (report.worker !== undefined) latest.set(report.worker, report.pid as number);
    return latest;
  }

  workerReports(): Report[] {
    return this.reports.filter((report) => report.worker !== undefined);
  }
}

let running: Cluster[] = [];

afterEach(() => {
  for (const cluster of running) cluster.killReported();
  running = [];
});

function startCluster(mode: string): Cluster {
  const cluster = new Cluster(mode);
  running.push(cluster);
  return cluster;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Connects, retrying while nobody listens (a worker restarting after the last one left). */
async function connectRetrying(port: number, timeout = 5_000): Promise<IOStream> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await IOStream.connect(port, '127.0.0.1', { timeout: 1_000 });
    } catch (error) {
      if (!(error instanceof StreamClosedError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Asks whichever worker takes the connection for its task id and pid. */
async function whoAnswers(port: number): Promise<{ id: number; pid: number }> {
  const stream = await connectRetrying(port);
  try {
    await stream.write('id\n');
    return JSON.parse((await stream.readUntil('\n')).toString()) as { id: number; pid: number };
  } finally {
    stream.close();
  }
}

/** Tells whichever worker takes the connection to exit with `status`; resolves once it hung up. */
async function tellToExit(port: number, status: number): Promise<void> {
  const stream = await connectRetrying(port);
  await stream.write(`exit ${status}\n`);
  await stream.readUntilClose().catch(() => undefined);
}

/** Asks until both task ids 0 and 1 answered; returns the pid each answered with. */
async function bothWorkersAnswer(port: number): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  for (let attempt = 0; attempt < 40 && seen.size < 2; attempt++) {
    const { id, pid } = await whoAnswers(port);
    seen.set(id, pid);
  }
  return seen;
}

describe('forkProcesses and TCPServer.start', () => {
  it('start(2) serves one port from two workers, restarts a killed worker and shuts down on SIGTERM', async () => {
    const cluster = startCluster('start');
    await cluster.until(() => cluster.workers().size === 2, 'two workers');
    const { primary, port } = cluster.reports[0];
    expect(primary).toBe(cluster.process.pid);
    expect(cluster.stderr).toMatch(/Starting 2 processes/);
    // Every worker serves the port the primary bound before forking.
    expect(cluster.workerReports().map((report) => report.port)).toEqual([port, port]);
    const first = cluster.workers();
    expect(await bothWorkersAnswer(port as number)).toEqual(first);

    const killed = first.get(0) as number;
    process.kill(killed, 'SIGKILL');
    await cluster.until(() => cluster.workers().get(0) !== killed, 'worker 0 restarted');
    expect(cluster.stderr).toMatch(new RegExp(`child 0 \\(pid ${killed}\\) killed by signal SIGKILL, restarting`));
    const second = cluster.workers();
    expect(second.get(1)).toBe(first.get(1));
    expect(await bothWorkersAnswer(port as number)).toEqual(second);

    cluster.process.kill('SIGTERM');
    expect(await cluster.exited).toEqual({ code: 0, signal: null });
    expect(cluster.stderr).toMatch(/SIGTERM received, passing it on to 2 processes/);
    expect(cluster.stderr.match(/exited during shutdown \(status 0\)/g)).toHaveLength(2);
    for (const pid of cluster.pids()) expect(alive(pid)).toBe(false);
  });

  it('restarts workers that exit abnormally, not those that exit cleanly, and exits 0 after the last (Tornado process_test)', async () => {
    const cluster = startCluster('fork');
    await cluster.until(() => cluster.workers().size === 2, 'two workers');
    const port = cluster.reports[0].port as number;
    expect(cluster.workerReports().every((report) => report.port === port)).toBe(true);

    await tellToExit(port, 2);
    await tellToExit(port, 3);
    await cluster.until(() => cluster.workerReports().length === 4, 'two restarts');
    expect(cluster.stderr).toMatch(/exited with status 2, restarting/);
    expect(cluster.stderr).toMatch(/exited with status 3, restarting/);
    expect(await bothWorkersAnswer(port)).toEqual(cluster.workers());

    // A clean exit is not restarted: one worker is left, and its pid changes when it fails.
    await tellToExit(port, 0);
    await cluster.until(() => /exited normally/.test(cluster.stderr), 'a clean exit');
    const { pid: before } = await whoAnswers(port);
    await tellToExit(port, 4);
    await cluster.until(() => cluster.workerReports().length === 5, 'a third restart');
    const { pid: after } = await whoAnswers(port);
    expect(after).not.toBe(before);

    await tellToExit(port, 0);
    expect(await cluster.exited).toEqual({ code: 0, signal: null });
    expect(cluster.stderr.match(/exited normally/g)).toHaveLength(2);
    for (const pid of cluster.pids()) expect(alive(pid)).toBe(false);
  });

  it('gives up with TooManyRestartsError after maxRestarts, and refuses a second forkProcesses', async () => {
    const cluster = startCluster('give-up');
    expect(await cluster.exited).toEqual({ code: 3, signal: null });
    expect(cluster.reports.at(-1)).toEqual({ error: 'TooManyRestartsError', again: 'ForkError' });
    expect(cluster.stderr.match(/child 0 \(pid \d+\) exited with status 1, restarting/g)).toHaveLength(2);
  });

  it('has no task id in a process it did not fork, and checks its arguments before forking', async () => {
    expect(taskId()).toBeNull();
    expect(cpuCount()).toBeGreaterThanOrEqual(1);
    await expect(forkProcesses(2, { maxRestarts: -1 })).rejects.toThrow(RangeError);
    await expect(forkProcesses(1.5)).rejects.toThrow(RangeError);
  });
});
