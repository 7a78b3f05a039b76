export { TCPServer, type TCPServerOptions, type StreamHandler, type StopOptions } from './tcp-server';
export { bindSockets, bindUnixSocket, type BindOptions, type BindUnixOptions } from './bind-sockets';
export { forkProcesses, taskId, cpuCount, type ForkOptions } from './fork-processes';
export type { TLSServerOptions } from './tls-acceptor';
export {
  HandleStreamNotImplementedError,
  ServerStoppedError,
  ServerAlreadyStartedError,
  NotASocketError,
  ForkError,
  TooManyRestartsError,
} from './errors';
