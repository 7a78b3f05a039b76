export { WebSocketHandler, DEFAULT_MAX_MESSAGE_SIZE } from './websocket-handler';
export { websocketConnect, type WebSocketConnectOptions } from './websocket-connect';
export { WebSocketClientConnection, type OnMessageCallback } from './websocket-client-connection';
export type { WebSocketMessage, OutgoingMessage, WriteMessageOptions } from './ws-channel';
export type { CompressionOptions } from './compression';
export {
  WebSocketError,
  WebSocketClosedError,
  WebSocketConnectError,
  WebSocketHandshakeError,
  WebSocketConnectTimeoutError,
  WebSocketProtocolError,
  WebSocketMessageTooBigError,
  type WebSocketHandshakeErrorOptions,
  type WebSocketProtocolErrorOptions,
} from './errors';
