const TIMEOUT_BRAND = Symbol.for('tornado-ts.TimeoutError');

/**
 * Raised when an operation does not finish before its deadline (`withTimeout`, `IOLoop.run`,
 * lock and queue waits). `instanceof` holds across duplicate installs of this package.
 */
export class TimeoutError extends Error {
  readonly code = 'TORNADO_ERR_TIMEOUT';

  constructor(message = 'Timeout', options?: ErrorOptions) {
    super(message, options);
    this.name = 'TimeoutError';
    Object.defineProperty(this, TIMEOUT_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && TIMEOUT_BRAND in value;
  }
}

/** Raised by `IOLoop.start()`/`run()` when the loop is already running: a loop runs once at a time. */
export class LoopRunningError extends Error {
  readonly code = 'TORNADO_ERR_LOOP_RUNNING';

  constructor(message = 'the IOLoop is already running', options?: ErrorOptions) {
    super(message, options);
    this.name = 'LoopRunningError';
  }
}

/** Raised by `IOLoop.start()`/`run()` on a loop that was closed; a closed loop cannot be reused. */
export class LoopClosedError extends Error {
  readonly code = 'TORNADO_ERR_LOOP_CLOSED';

  constructor(message = 'the IOLoop is closed', options?: ErrorOptions) {
    super(message, options);
    this.name = 'LoopClosedError';
  }
}

/** Rejects `IOLoop.run()` when `stop()` or `close()` ends the loop before `main` settled. */
export class LoopStoppedError extends Error {
  readonly code = 'TORNADO_ERR_LOOP_STOPPED';

  constructor(message = 'the IOLoop was stopped before run() finished', options?: ErrorOptions) {
    super(message, options);
    this.name = 'LoopStoppedError';
  }
}

/** Rejects `ThreadPoolExecutor.run()` after `close()`: a closed executor takes no more tasks. */
export class ExecutorClosedError extends Error {
  readonly code = 'TORNADO_ERR_EXECUTOR_CLOSED';

  constructor(message = 'the executor is closed', options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExecutorClosedError';
  }
}

/** An optional peer dependency (say piscina, for the executor) is needed but not installed. */
export class MissingPeerDependencyError extends Error {
  readonly code = 'TORNADO_ERR_MISSING_PEER_DEPENDENCY';
  /** The npm package to install. */
  readonly packageName: string;

  constructor(packageName: string, range: string, feature: string, options?: ErrorOptions) {
    super(`${feature} needs the optional peer dependency ${packageName}: install it with \`npm install ${packageName}@${range}\``, options);
    this.name = 'MissingPeerDependencyError';
    this.packageName = packageName;
  }
}
