import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A JSON line a fixture printed; the fields are the fixture's own. */
export type FixtureReport = Record<string, unknown>;

/**
 * A TypeScript fixture run from source as a child process (`tsx`, the `@tornado-ts/source`
 * condition): the JSON lines it prints on stdout, its stderr, its exit. Tests wait on what it
 * printed with {@link until} and end every process it reported with {@link killReported}.
 */
export class ProcessFixture<R extends FixtureReport = FixtureReport> {
  readonly process: ChildProcess;
  readonly reports: R[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: (() => void)[] = [];

  constructor(fixture: string | URL, args: readonly string[] = []) {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    const file = typeof fixture === 'string' ? fixture : fileURLToPath(fixture);
    this.process = spawn(process.execPath, ['--conditions=@tornado-ts/source', '--import', 'tsx', file, ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.reports.push(JSON.parse(line) as R);
      this.#wake();
    });
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.#wake();
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once `condition` holds for what was printed so far; fails after `timeout` ms or when the process exits. */
  async until(condition: () => boolean, what: string, timeout = 15_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.process.exitCode !== null) throw new Error(`${what}: not seen; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Every pid the fixture reported in the given fields (say `primary` and `pid`). */
  pids(fields: readonly string[] = ['primary', 'pid']): number[] {
    return this.reports.flatMap((report) => fields.map((field) => report[field])).filter((pid): pid is number => typeof pid === 'number');
  }

  /** SIGKILLs every process the fixture reported (for afterEach: a failed test leaves nothing behind). */
  killReported(): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
