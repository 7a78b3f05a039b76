export {
  TimeoutError,
  LoopRunningError,
  LoopClosedError,
  LoopStoppedError,
  ExecutorClosedError,
  MissingPeerDependencyError,
} from './errors';
export { Deque } from './deque';
export { Waiter, WaiterQueue, type WaitOptions, type WaiterBehaviour } from './waiter';
export {
  Logger,
  appLog,
  genLog,
  accessLog,
  setLogSink,
  expectLog,
  formatLogRecord,
  type LogLevel,
  type LogSink,
  type ExpectLogOptions,
} from './log';
export { IOLoop, type RunOptions, type Executor, type ExecutorRunOptions } from './ioloop';
export type { TimeoutHandle } from './timeout-heap';
export { PeriodicCallback, type PeriodicCallbackOptions } from './periodic-callback';
export {
  sleep,
  withTimeout,
  multi,
  type SleepOptions,
  type TimeoutSpec,
  type WithTimeoutOptions,
  type MultiOptions,
  type MultiResult,
  type ErrorClass,
} from './gen';
export { WaitIterator, type WaitResult } from './wait-iterator';
