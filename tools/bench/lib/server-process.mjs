// A peer's server in its own child process: started from the peer's command line, ready once it
// prints {"port": N} as its first stdout line, its CPU time read from /proc, stopped by its PID.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { exited, stopChild, track, withDeadline } from './child.mjs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on (getconf CLK_TCK)
const START_TIMEOUT_MS = 15_000;

export class ServerProcess {
  #child;
  /** The TCP port the server listens on, on 127.0.0.1. */
  port;

  constructor(child, port) {
    this.#child = child;
    this.port = port;
  }

  /**
   * Starts `argv` in `cwd`; `node` as argv[0] means this Node binary, run with `nodeFlags`.
   * Rejects if the server exits or stays silent before announcing its port.
   */
  static async start(argv, { cwd, nodeFlags = [] }) {
    const [command, ...args] = argv;
    const child = track(
      command === 'node'
        ? spawn(process.execPath, [...nodeFlags, ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] })
        : spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    const lines = createInterface({ input: child.stdout });
    const firstLine = new Promise((resolve, reject) => {
      lines.once('line', resolve);
      child.once('error', reject);
      exited(child).then(() => reject(new Error(`${argv.join(' ')} exited before announcing its port`)));
    });
    try {
      const { port } = JSON.parse(await withDeadline(firstLine, START_TIMEOUT_MS, `${argv.join(' ')} did not announce its port`));
      lines.on('line', (line) => process.stderr.write(`[${argv.at(-1)}] ${line}\n`));
      return new ServerProcess(child, port);
    } catch (err) {
      await stopChild(child);
      throw err;
    }
  }

  /** CPU time (user + system) the server has used so far, in ms; NaN where /proc is missing. */
  cpuMs() {
    try {
      const stat = readFileSync(`/proc/${this.#child.pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state)
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND; // utime, stime
    } catch {
      return Number.NaN;
    }
  }

  /** Ends the server process by its PID. */
  stop() {
    return stopChild(this.#child);
  }
}
