import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { genLog } from '@tornado-ts/ioloop';
import { ForkError, TooManyRestartsError } from './errors';
import { PRIMARY_PID_ENV, TASK_ID_ENV, handedTaskId, isForkedWorker, releaseBindings } from './worker-handoff';

/** Options of {@link forkProcesses} (and of `TCPServer.start`). */
export interface ForkOptions {
  /** Abnormal exits (a non-zero code or a signal) answered with a restart before giving up (default 100, as Tornado). */
  maxRestarts?: number;
  /**
   * What the primary does once every worker has exited cleanly: exit the process with code 0
   * (true, the default, as Tornado's `sys.exit(0)`) or resolve with null (false).
   */
  exit?: boolean;
  /**
   * Signals the primary answers by passing them on to every worker and restarting none from then
   * on; it exits once they are gone. Default SIGINT and SIGTERM; an empty list leaves signals alone.
   */
  shutdownSignals?: readonly NodeJS.Signals[];
}

let called = false;

/** The number of processors this process may use (Tornado's `cpu_count`). */
export function cpuCount(): number {
  return Math.max(1, os.availableParallelism());
}

/** This worker's task id (0 to n - 1) when `forkProcesses` started it; null in the primary or an unforked process. */
export function taskId(): number | null {
  return handedTaskId();
}

/**
 * Runs `numProcesses` copies of this script as node:cluster workers (one per CPU when 0 or
 * omitted). A worker resolves at once with its task id; the primary supervises: a worker that
 * exits abnormally is restarted with the same id, up to `maxRestarts` times, and once all have
 * exited cleanly the primary exits (or resolves null, see {@link ForkOptions.exit}). Listening
 * sockets the primary bound through this package are closed first: the workers bind them again.
 * @throws {ForkError} when called twice, or in a cluster worker this function did not start.
 * @throws {TooManyRestartsError} (in the primary) when the restarts run out.
 */
export async function forkProcesses(numProcesses?: number, options: ForkOptions = {}): Promise<number | null> {
  if (called) throw new ForkError('again');
  if (isForkedWorker()) {
    called = true;
    return handedTaskId();
  }
  if (!cluster.isPrimary) throw new ForkError('foreign-worker');
  const maxRestarts = options.maxRestarts ?? 100;
  if (!(maxRestarts >= 0)) throw new RangeError(`maxRestarts must be a non-negative number, got ${maxRestarts}`);
  const count = numProcesses === undefined || numProcesses <= 0 ? cpuCount() : numProcesses;
  if (!Number.isInteger(count)) throw new RangeError(`numProcesses must be an integer, got ${numProcesses}`);
  called = true;
  return supervise(count, maxRestarts, options);
}

/** The primary's side: fork, restart what dies abnormally, pass shutdown signals on, settle when all are gone. */
function supervise(count: number, maxRestarts: number, options: ForkOptions): Promise<number | null> {
  const env = { ...releaseBindings(), [PRIMARY_PID_ENV]: String(process.pid) };
  const signals = options.shutdownSignals ?? ['SIGINT', 'SIGTERM'];
  const workers = new Map<Worker, number>();
  let restarts = 0;
  let stopping = false;

  return new Promise((resolve, reject) => {
    const fork = (id: number): void => {
      const worker = cluster.fork({ ...env, [TASK_ID_ENV]: String(id) });
      workers.set(worker, id);
      worker.on('error', (error: Error) => genLog.error('child %d (pid %s): %s', id, worker.process.pid, error.message));
    };

    const settle = (error: Error | null): void => {
      cluster.off('exit', onExit);
      for (const signal of signals) process.off(signal, onSignal);
      if (error !== null) reject(error);
      else if (options.exit === false) resolve(null);
      else process.exit(0);
    };

    const onExit = (worker: Worker, code: number | null, signal: string | null): void => {
      const id = workers.get(worker);
      if (id === undefined) return;
      workers.delete(worker);
      const pid = worker.process.pid;
      const abnormal = signal !== null || code !== 0;
      if (stopping) {
        genLog.info('child %d (pid %d) exited during shutdown (%s)', id, pid, signal ?? `status ${code}`);
      } else if (signal !== null) {
        genLog.warn('child %d (pid %d) killed by signal %s, restarting', id, pid, signal);
      } else if (code !== 0) {
        genLog.warn('child %d (pid %d) exited with status %d, restarting', id, pid, code);
      } else {
        genLog.info('child %d (pid %d) exited normally', id, pid);
      }
      if (abnormal && !stopping) {
        if (++restarts > maxRestarts) {
          settle(new TooManyRestartsError(maxRestarts));
        } else {
          fork(id);
        }
        return;
      }
      if (workers.size === 0) settle(null);
    };

    const onSignal = (signal: NodeJS.Signals): void => {
      stopping = true;
      genLog.info('%s received, passing it on to %d processes', signal, workers.size);
      for (const worker of workers.keys()) worker.process.kill(signal);
      if (workers.size === 0) settle(null);
    };

    genLog.info('Starting %d processes', count);
    cluster.on('exit', onExit);
    for (const signal of signals) process.on(signal, onSignal);
    for (let id = 0; id < count; id++) fork(id);
  });
}
