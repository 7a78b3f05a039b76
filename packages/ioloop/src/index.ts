export { TimeoutError } from './errors';
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
