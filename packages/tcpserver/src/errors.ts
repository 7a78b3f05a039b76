/** A TCPServer began accepting without a way to handle connections: no `handleStream` override and no `handler` option. */
export class HandleStreamNotImplementedError extends Error {
  readonly code = 'TORNADO_ERR_HANDLE_STREAM_NOT_IMPLEMENTED';

  constructor() {
    super('TCPServer has no connection handler: override handleStream(stream, address) in a subclass or pass { handler } in the options');
    this.name = 'HandleStreamNotImplementedError';
  }
}

/** `bindUnixSocket` found something other than a socket at the path, and will not delete it. */
export class NotASocketError extends Error {
  readonly code = 'TORNADO_ERR_NOT_A_SOCKET';
  /** The path that is taken by a file, a directory or a link. */
  readonly path: string;

  constructor(path: string) {
    super(`${path} exists and is not a socket`);
    this.name = 'NotASocketError';
    this.path = path;
  }
}

/** `listen`, `addSockets` or `start` was called on a server that was already stopped. */
export class ServerStoppedError extends Error {
  readonly code = 'TORNADO_ERR_SERVER_STOPPED';

  /** `operation` names what was refused (`'listen'`, `'addSockets'`, `'start'`). */
  constructor(operation: string) {
    super(`cannot ${operation}: the TCPServer is stopped (create a new one to accept connections again)`);
    this.name = 'ServerStoppedError';
  }
}

/** Workers exited abnormally more often than `maxRestarts` allows; the primary gave up restarting them. */
export class TooManyRestartsError extends Error {
  readonly code = 'TORNADO_ERR_TOO_MANY_RESTARTS';
  /** The limit that was passed. */
  readonly maxRestarts: number;

  constructor(maxRestarts: number) {
    super(`Too many child restarts (more than ${maxRestarts}), giving up`);
    this.name = 'TooManyRestartsError';
    this.maxRestarts = maxRestarts;
  }
}

const FORK_MISUSE = {
  again: 'forkProcesses was already called in this process',
  'foreign-worker': 'forkProcesses must run in the cluster primary, not in a cluster worker it did not start',
} as const;

/** `forkProcesses` was called twice (`reason` 'again'), or in a cluster worker it did not start ('foreign-worker'). */
export class ForkError extends Error {
  readonly code = 'TORNADO_ERR_FORK';
  /** Which misuse it was. */
  readonly reason: keyof typeof FORK_MISUSE;

  constructor(reason: keyof typeof FORK_MISUSE) {
    super(FORK_MISUSE[reason] ?? String(reason));
    this.name = 'ForkError';
    this.reason = reason;
  }
}

/** `start` was called a second time on the same server. */
export class ServerAlreadyStartedError extends Error {
  readonly code = 'TORNADO_ERR_SERVER_ALREADY_STARTED';

  constructor() {
    super('TCPServer.start() was already called');
    this.name = 'ServerAlreadyStartedError';
  }
}
