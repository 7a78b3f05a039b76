// A peer in its own child process: a server (echo) or a work-loop worker (template). Started from
// the peer's command line; ready once it prints one JSON line on stdout (its `hello`: a server's
// {"port": N}, a worker's {"output": "..."}); its CPU time read from /proc; stopped by its PID.
// A worker is then driven over the same pipes: one JSON request line on stdin, one answer line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpuTimeMs, exited, pinned, stopChild, track, withDeadline } from './child.mjs';

const START_TIMEOUT_MS = 15_000;
const SAMPLE_GRACE_MS = 15_000;

export class PeerProcess {
  #child;
  #argv;
  #answer = null; // the pending request's { resolve, reject }
  /** The peer's first line of stdout, parsed: { port } for a server, { output } for a worker. */
  hello;

  constructor(child, argv, lines, hello) {
    this.#child = child;
    this.#argv = argv;
    this.hello = hello;
    lines.on('line', (line) => this.#onLine(line));
    exited(child).then(() => this.#answer?.reject(new Error(`${argv.join(' ')} exited`)));
  }

  /**
   * Starts `argv` in `cwd`; `node` as argv[0] means this Node binary, run with `nodeFlags`; on core
   * `cpu` only when given. Rejects if the peer exits or stays silent before its first line.
   */
  static async start(argv, { cwd, nodeFlags = [], cpu = null }) {
    const [command, ...args] = argv;
    const [program, ...rest] = pinned(command === 'node' ? [process.execPath, ...nodeFlags, ...args] : argv, cpu);
    const child = track(spawn(program, rest, { cwd, stdio: ['pipe', 'pipe', 'inherit'] }));
    child.stdin.on('error', () => {}); // EPIPE once the peer is gone: its exit is reported instead
    const lines = createInterface({ input: child.stdout });
    const firstLine = new Promise((resolve, reject) => {
      lines.once('line', resolve);
      child.once('error', reject);
      exited(child).then(() => reject(new Error(`${argv.join(' ')} exited before its first line`)));
    });
    try {
      const hello = JSON.parse(await withDeadline(firstLine, START_TIMEOUT_MS, `${argv.join(' ')} printed nothing in ${START_TIMEOUT_MS} ms`));
      return new PeerProcess(child, argv, lines, hello);
    } catch (err) {
      await stopChild(child);
      throw err;
    }
  }

  /** For a worker: runs its operation for `ms`; resolves to { ops, ms } as measured in the worker. */
  sample(ms) {
    return this.#request({ type: 'sample', ms }, ms + SAMPLE_GRACE_MS);
  }

  /** CPU time (user + system) the peer has used so far, in ms; NaN where /proc is missing. */
  cpuMs() {
    return cpuTimeMs(this.#child.pid);
  }

  /** Ends the peer process by its PID. */
  stop() {
    return stopChild(this.#child);
  }

  #request(message, timeoutMs) {
    const answer = new Promise((resolve, reject) => {
      this.#answer = { resolve, reject };
    }).finally(() => {
      this.#answer = null;
    });
    this.#child.stdin.write(`${JSON.stringify(message)}\n`);
    return withDeadline(answer, timeoutMs, `${this.#argv.join(' ')}: no answer to ${message.type} in ${timeoutMs} ms`);
  }

  /** A line after the first: the answer to the pending request, else the peer's log. */
  #onLine(line) {
    if (this.#answer === null) {
      process.stderr.write(`[${this.#argv.at(-1)}] ${line}\n`);
      return;
    }
    try {
      this.#answer.resolve(JSON.parse(line));
    } catch (err) {
      this.#answer.reject(new Error(`${this.#argv.join(' ')} answered ${JSON.stringify(line)}: ${err.message}`));
    }
  }
}
