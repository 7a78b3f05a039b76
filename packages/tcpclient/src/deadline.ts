import { TimeoutError, Waiter, type WaitOptions } from '@tornado-ts/ioloop';

function noop(): void {}

/**
 * One deadline shared by the phases of a connect (resolve, TCP, TLS): a signal that aborts with a
 * TimeoutError when `timeout` passes, or with the caller's reason when their signal aborts.
 */
export class Deadline {
  #controller = new AbortController();
  #waiter: Waiter<boolean>;

  constructor(options: WaitOptions, timeoutError: () => TimeoutError) {
    // The waiter owns the timer (long delays included) and the caller's abort listener.
    this.#waiter = new Waiter<boolean>(options, { onTimeout: () => true });
    this.#waiter.promise.then(
      (timedOut) => {
        if (timedOut) this.#controller.abort(timeoutError());
      },
      (reason: unknown) => this.#controller.abort(reason),
    );
    // An already aborted signal must be seen at once, not after a microtask.
    if (options.signal?.aborted) this.#controller.abort(options.signal.reason);
  }

  /** Aborts when the deadline passes or the caller aborts; pass it to every phase. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Settles like `promise`, or rejects with the abort reason if the deadline comes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (signal.aborted) {
      promise.catch(noop);
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Stops the timer and forgets the caller's signal; call when the connect is over. */
  dispose(): void {
    this.#waiter.resolve(false);
  }
}
