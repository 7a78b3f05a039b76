import { ConnectError } from './errors';
import type { ResolvedAddress } from './resolver';

/** How long the first family gets alone before the other family is tried too (RFC 6555; Tornado's 0.3 s). */
export const DEFAULT_HAPPY_EYEBALLS_DELAY = 300;

/** Anything a connect attempt yields: the connector closes the ones that arrive too late. */
export interface Closable {
  close(): void;
}

/**
 * Opens one connection to `address`. Must give up (reject, and free the socket) when `signal`
 * aborts: the connector aborts attempts that lost the race or outlived the deadline.
 */
export type ConnectAttempt<S extends Closable> = (address: ResolvedAddress, signal: AbortSignal) => Promise<S>;

/** The attempt that won: where it connected and its stream. */
export interface Connection<S> {
  address: ResolvedAddress;
  stream: S;
}

/** Options of {@link Connector}. */
export interface ConnectorOptions {
  /** The name and port the caller asked for, used in the error when every address fails. */
  host: string;
  port: number;
  /** Milliseconds before the second family starts while the first is still pending. */
  delay?: number;
  /** Aborts every attempt; the connector rejects with the signal's reason (TimeoutError on a deadline). */
  signal?: AbortSignal;
}

/**
 * The addresses of the first address's family (in order), then all the others (in order).
 * Usually one list is IPv4 and the other IPv6.
 */
export function splitByFamily<A extends { family: number }>(addresses: readonly A[]): [primary: A[], secondary: A[]] {
  const primary: A[] = [];
  const secondary: A[] = [];
  const first = addresses[0]?.family;
  for (const address of addresses) (address.family === first ? primary : secondary).push(address);
  return [primary, secondary];
}

interface Pending {
  controller: AbortController;
}

/**
 * Happy eyeballs over resolved addresses, as Tornado's `_Connector`: the primary family's
 * addresses are tried one after another; the secondary family starts after `delay`, or at once
 * when a primary attempt fails, and also goes one at a time. The first success wins and every
 * other attempt is aborted; when all fail the result is a ConnectError naming host and port.
 */
export class Connector<S extends Closable> {
  #connect: ConnectAttempt<S>;
  #primary: Iterator<ResolvedAddress>;
  #secondary: Iterator<ResolvedAddress>;
  #options: ConnectorOptions;
  #remaining: number;
  #errors: unknown[] = [];
  #pending = new Set<Pending>();
  #delayTimer: NodeJS.Timeout | undefined = undefined;
  #secondaryStarted = false;
  #settled = false;
  #started = false;
  #resolve: (connection: Connection<S>) => void = () => {};
  #reject: (reason: unknown) => void = () => {};

  constructor(addresses: readonly ResolvedAddress[], connect: ConnectAttempt<S>, options: ConnectorOptions) {
    const [primary, secondary] = splitByFamily(addresses);
    this.#primary = primary[Symbol.iterator]();
    this.#secondary = secondary[Symbol.iterator]();
    this.#remaining = addresses.length;
    this.#connect = connect;
    this.#options = options;
  }

  /** Starts the race (once) and resolves with the winning connection. */
  start(): Promise<Connection<S>> {
    if (this.#started) throw new Error('Connector.start() may be called only once');
    this.#started = true;
    const promise = new Promise<Connection<S>>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const signal = this.#options.signal;
    if (signal?.aborted) {
      this.#fail(signal.reason);
      return promise;
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#tryNext(this.#primary);
    if (!this.#settled) {
      this.#delayTimer = setTimeout(this.#startSecondary, this.#options.delay ?? DEFAULT_HAPPY_EYEBALLS_DELAY);
    }
    return promise;
  }

  #tryNext(queue: Iterator<ResolvedAddress>): void {
    if (this.#settled) return;
    const next = queue.next();
    if (next.done) {
      // This family is exhausted; fail only once the other has nothing in flight either.
      if (this.#remaining === 0) this.#fail(new ConnectError(this.#options.host, this.#options.port, this.#errors));
      return;
    }
    const address = next.value;
    const attempt: Pending = { controller: new AbortController() };
    this.#pending.add(attempt);
    let outcome: Promise<S>;
    try {
      outcome = this.#connect(address, attempt.controller.signal);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (stream) => this.#onConnected(attempt, address, stream),
      (error: unknown) => this.#onFailed(attempt, queue, error),
    );
  }

  #onConnected(attempt: Pending, address: ResolvedAddress, stream: S): void {
    this.#remaining--;
    this.#pending.delete(attempt);
    if (this.#settled) {
      // A late winner (its connect function ignored the abort): nobody wants it.
      stream.close();
      return;
    }
    this.#settled = true;
    this.#cleanUp(new Error('another address connected first'));
    this.#resolve({ address, stream });
  }

  #onFailed(attempt: Pending, queue: Iterator<ResolvedAddress>, error: unknown): void {
    this.#remaining--;
    this.#pending.delete(attempt);
    if (this.#settled) return;
    this.#errors.push(error);
    this.#tryNext(queue);
    // A failure is reason enough not to wait for the delay before trying the other family.
    if (!this.#secondaryStarted) this.#startSecondary();
  }

  #startSecondary = (): void => {
    if (this.#delayTimer !== undefined) clearTimeout(this.#delayTimer);
    this.#delayTimer = undefined;
    if (this.#secondaryStarted || this.#settled) return;
    this.#secondaryStarted = true;
    this.#tryNext(this.#secondary);
  };

  #onAbort = (): void => {
    this.#fail(this.#options.signal?.reason);
  };

  #fail(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanUp(reason);
    this.#reject(reason);
  }

  #cleanUp(abortReason: unknown): void {
    if (this.#delayTimer !== undefined) clearTimeout(this.#delayTimer);
    this.#delayTimer = undefined;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    for (const attempt of this.#pending) attempt.controller.abort(abortReason);
  }
}
