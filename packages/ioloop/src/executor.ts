// The `@tornado-ts/ioloop/executor` entry. It imports the main entry by its package name (not by
// relative path) so that the built executor shares appLog and the error classes with it instead
// of bundling second copies. Only this file may load piscina, and only when a pool is first needed.
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import {
  ExecutorClosedError,
  MissingPeerDependencyError,
  appLog,
  type Executor,
  type ExecutorRunOptions,
} from '@tornado-ts/ioloop';

export { ExecutorClosedError, MissingPeerDependencyError, type Executor, type ExecutorRunOptions } from '@tornado-ts/ioloop';

/** Options of {@link ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions {
  /** The worker module (absolute path or `file:` URL); its exports are the functions tasks call. */
  filename: string | URL;
  /** Most worker threads at once (default: piscina's, about 1.5x the CPU count). */
  maxThreads?: number;
  /** Threads kept even when idle (default: piscina's, about half the CPU count). */
  minThreads?: number;
  /** Ms an idle thread above `minThreads` lives before it exits (default: piscina's). */
  idleTimeout?: number;
  /** Most tasks waiting for a thread; more reject (default unbounded). */
  maxQueue?: number;
}

/** The semver range of piscina this entry is written and tested against. */
const PISCINA_RANGE = '^5';

type PiscinaClass = typeof Piscina;
type PiscinaRunOptions = NonNullable<Parameters<Piscina['run']>[1]>;
type PiscinaOptions = NonNullable<ConstructorParameters<PiscinaClass>[0]>;

let loading: Promise<PiscinaClass> | undefined;

function isModuleNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as { message?: unknown }).message).includes(`'${name}'`)
  );
}

/** Imports piscina once, on first use; a missing install becomes a clear MissingPeerDependencyError. */
function loadPiscina(): Promise<PiscinaClass> {
  loading ??= import('piscina').then(
    (mod) => mod.Piscina,
    (error: unknown) => {
      loading = undefined;
      if (isModuleNotFound(error, 'piscina')) {
        throw new MissingPeerDependencyError('piscina', PISCINA_RANGE, 'ThreadPoolExecutor', { cause: error });
      }
      throw error;
    },
  );
  return loading;
}

function workerPath(filename: string | URL): string {
  if (filename instanceof URL || filename.startsWith('file:')) return fileURLToPath(filename);
  if (!isAbsolute(filename)) throw new TypeError(`ThreadPoolExecutor needs an absolute worker filename or file: URL, got ${filename}`);
  return filename;
}

function onPoolError(error: unknown): void {
  appLog.error('Error in ThreadPoolExecutor worker', error);
}

function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

/**
 * Runs blocking, CPU-heavy work on a pool of worker threads (piscina) so the IOLoop stays
 * responsive: Tornado's `run_in_executor` with a `ThreadPoolExecutor`. Each task calls an export of
 * the worker module with one structured-clonable argument. The pool starts on the first `run()`.
 */
export class ThreadPoolExecutor implements Executor {
  #filename: string;
  #options: ThreadPoolExecutorOptions;
  #pool: Piscina | undefined = undefined;
  #opening: Promise<Piscina> | undefined = undefined;
  #closed = false;
  /** Tasks handed to the pool and not settled yet; a graceful close waits for them. */
  #inFlight = 0;
  #onIdle: (() => void) | undefined = undefined;
  #force = false;
  #closing: Promise<void> | undefined = undefined;

  /** @throws {TypeError} when `filename` is neither an absolute path nor a `file:` URL. */
  constructor(options: ThreadPoolExecutorOptions) {
    this.#filename = workerPath(options.filename);
    this.#options = options;
  }

  /**
   * Calls the worker export `options.name` (default: the default export) with `arg` on a free
   * thread and resolves to what it returns.
   * @throws {ExecutorClosedError} after `close()`.
   * @throws {MissingPeerDependencyError} when piscina is not installed.
   */
  async run<R = unknown>(arg: unknown, options?: ExecutorRunOptions): Promise<R> {
    if (this.#closed) throw new ExecutorClosedError();
    const signal = options?.signal;
    if (signal?.aborted) throw signal.reason;
    const pool = this.#pool ?? (await this.#open());
    if (this.#closed) throw new ExecutorClosedError();
    this.#inFlight++;
    try {
      return (await pool.run(arg, {
        name: options?.name,
        signal,
        transferList: options?.transferList as PiscinaRunOptions['transferList'],
      })) as R;
    } catch (error) {
      // As every wait in tornado-ts: an aborted task rejects with the signal's own reason.
      if (signal?.aborted && isAbortError(error)) throw signal.reason;
      throw error;
    } finally {
      if (--this.#inFlight === 0) this.#onIdle?.();
    }
  }

  /** Worker threads alive now (0 before the first task). */
  get threads(): number {
    return this.#pool?.threads.length ?? 0;
  }

  /** Tasks waiting for a free thread. */
  get queueSize(): number {
    return this.#pool?.queueSize ?? 0;
  }

  /** Tasks finished so far. */
  get completed(): number {
    return this.#pool?.completed ?? 0;
  }

  /**
   * Stops taking tasks and ends the threads once the work is done. By default waits for queued and
   * running tasks; with `force`, queued tasks reject at once and only running ones are waited for
   * (abort a task's signal to stop it mid-run). Calling it again returns the same promise.
   */
  close(options?: { force?: boolean }): Promise<void> {
    this.#closed = true;
    if (options?.force === true && !this.#force) {
      this.#force = true;
      this.#onIdle?.(); // a graceful close still waiting turns into a forced one
    }
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    // piscina's own graceful close waits only for tasks already on a thread; wait for queued ones too.
    if (!this.#force && this.#inFlight > 0) await new Promise<void>((resolve) => (this.#onIdle = resolve));
    this.#onIdle = undefined;
    const pool = this.#pool ?? (await this.#opening?.catch(() => undefined));
    this.#pool = undefined;
    if (pool !== undefined) await pool.close({ force: this.#force });
  }

  /** piscina spreads its options over its defaults, so an `undefined` would erase a default: leave those out. */
  #poolOptions(): PiscinaOptions {
    const options: PiscinaOptions = { filename: this.#filename };
    const { maxThreads, minThreads, idleTimeout, maxQueue } = this.#options;
    if (maxThreads !== undefined) options.maxThreads = maxThreads;
    if (minThreads !== undefined) options.minThreads = minThreads;
    if (idleTimeout !== undefined) options.idleTimeout = idleTimeout;
    if (maxQueue !== undefined) options.maxQueue = maxQueue;
    return options;
  }

  #open(): Promise<Piscina> {
    this.#opening ??= loadPiscina().then(
      (PiscinaPool) => {
        const pool = new PiscinaPool(this.#poolOptions());
        pool.on('error', onPoolError);
        this.#pool = pool;
        return pool;
      },
      (error: unknown) => {
        this.#opening = undefined;
        throw error;
      },
    );
    return this.#opening;
  }
}
