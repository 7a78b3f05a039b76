// The harness's side of a load generator: a forked Node process (a suite's load module, built on
// serveLoad in loadgen.mjs) driven over IPC: one `start`, then one `sample` request at a time.
import { fork } from 'node:child_process';
import { exited, pinned, stopChild, track, withDeadline } from './child.mjs';

const START_TIMEOUT_MS = 15_000;
const SAMPLE_GRACE_MS = 15_000;

export class LoadProcess {
  #child;
  #name;

  constructor(child, name) {
    this.#child = child;
    this.#name = name;
  }

  /**
   * Forks `modulePath` (on core `config.cpu` only, when given) and has it open its connections with
   * `config` ({ host, port, connections, ... }).
   */
  static async start(modulePath, config) {
    const [execPath, ...execArgv] = pinned([process.execPath, ...process.execArgv], config.cpu);
    const child = track(fork(modulePath, [], { execPath, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const load = new LoadProcess(child, modulePath);
    try {
      await load.#request({ type: 'start', config }, START_TIMEOUT_MS);
      return load;
    } catch (err) {
      await stopChild(child);
      throw err;
    }
  }

  /** Runs the load for `ms`; resolves to { ops, ms, cpuMs } as measured in the load process. */
  sample(ms) {
    return this.#request({ type: 'sample', ms }, ms + SAMPLE_GRACE_MS);
  }

  /** Closes the connections, lets the process end, and ends it by its PID if it does not. */
  async stop() {
    if (this.#child.connected) {
      this.#child.send({ type: 'close' });
      await withDeadline(exited(this.#child), START_TIMEOUT_MS, 'no exit').catch(() => {});
    }
    await stopChild(this.#child);
  }

  #request(message, timeoutMs) {
    const reply = new Promise((resolve, reject) => {
      const onMessage = (msg) => {
        cleanup();
        if (msg.type === 'error') reject(new Error(`${this.#name}: ${msg.message}`));
        else resolve(msg);
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`${this.#name} exited during ${message.type}`));
      };
      const cleanup = () => {
        this.#child.off('message', onMessage);
        this.#child.off('exit', onExit);
      };
      this.#child.on('message', onMessage);
      this.#child.on('exit', onExit);
    });
    this.#child.send(message);
    return withDeadline(reply, timeoutMs, `${this.#name}: no answer to ${message.type} in ${timeoutMs} ms`);
  }
}
