export {
  BaseIOStream,
  type IOStreamOptions,
  type ReadUntilOptions,
  type ReadBytesOptions,
  type CloseCallback,
  type DetachedSocket,
} from './base-iostream';
export { IOStream, type ConnectOptions, type StartTlsOptions } from './iostream';
export { SSLIOStream, type SSLConnectOptions } from './ssl-iostream';
export { useSharedReadBuffer } from './shared-read-buffer';
export { PipeIOStream, type PipeIOStreamOptions } from './pipe-iostream';
export {
  StreamClosedError,
  UnsatisfiableReadError,
  StreamBufferFullError,
  AlreadyReadingError,
  StreamNotIdleError,
  SSLHandshakeError,
} from './errors';
