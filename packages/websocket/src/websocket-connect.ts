import type { ClientRequest, IncomingMessage } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import { HTTPHeaders } from '@tornado-ts/httputil';
import { WebSocket, type ClientOptions } from 'ws';
import { toPerMessageDeflate, type CompressionOptions } from './compression';
import { WebSocketConnectError, WebSocketConnectTimeoutError, WebSocketHandshakeError } from './errors';
import { createClientConnection, type OnMessageCallback, type WebSocketClientConnection } from './websocket-client-connection';
import { keepAliveOf } from './ws-channel';
import { DEFAULT_MAX_MESSAGE_SIZE } from './websocket-handler';

/** Options of {@link websocketConnect} (Tornado's `websocket_connect` arguments, in milliseconds). */
export interface WebSocketConnectOptions {
  /** Extra request headers (Origin, Cookie, Authorization...). */
  headers?: Readonly<Record<string, string>> | HTTPHeaders;
  /** Subprotocols to offer, in order of preference. */
  subprotocols?: readonly string[];
  /** Offer permessage-deflate with these options (null or absent: no compression). */
  compressionOptions?: CompressionOptions | null;
  /** Send a ping every this many ms (unset: none). */
  pingInterval?: number;
  /** Drop the connection after this many ms without a pong (default max(3 intervals, 30 s)). */
  pingTimeout?: number;
  /** Deliver messages (then null at close) to this callback instead of `readMessage()`. */
  onMessageCallback?: OnMessageCallback;
  /** Give up when the handshake is not done within this many ms (default 20 000). */
  connectTimeout?: number;
  /** Largest incoming message, after decompression (default 10 MiB); larger ones close with 1009. */
  maxMessageSize?: number;
  /** Aborts the connection attempt (rejecting with the signal's reason). */
  signal?: AbortSignal;
  /** TLS settings for `wss://` (`ca`, `rejectUnauthorized`, client `cert`/`key`, `servername`...). */
  tls?: ConnectionOptions;
}

/** Tornado's default `connect_timeout`: 20 s. */
const DEFAULT_CONNECT_TIMEOUT = 20_000;
const CLOSE_TIMEOUT = 5_000;

/**
 * Opens a WebSocket client connection to `url` (`ws://` or `wss://`).
 * @throws {WebSocketHandshakeError} when the server answers other than 101 (`status` tells what).
 * @throws {WebSocketConnectTimeoutError} after `connectTimeout`. @throws {WebSocketConnectError} for network failures.
 */
export function websocketConnect(url: string | URL, options: WebSocketConnectOptions = {}): Promise<WebSocketClientConnection> {
  return new Promise((resolve, reject) => {
    const signal = options.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // closeTimeout is a recent ws option that @types/ws does not list yet.
    const wsOptions: ClientOptions & { closeTimeout: number } = {
      ...(options.tls as ClientOptions | undefined),
      headers: headerObject(options.headers),
      perMessageDeflate: toPerMessageDeflate(options.compressionOptions),
      maxPayload: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      followRedirects: false,
      closeTimeout: CLOSE_TIMEOUT,
    };
    const ws = new WebSocket(url, options.subprotocols === undefined ? [] : [...options.subprotocols], wsOptions);
    let settled = false;
    let upgradeHeaders: HTTPHeaders | null = null;
    const timeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
    const timer = setTimeout(() => fail(new WebSocketConnectTimeoutError(`WebSocket handshake not done within ${timeout} ms`)), timeout);

    const onAbort = (): void => fail(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    function settle(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws.off('upgrade', onUpgrade);
      ws.off('open', onOpen);
      ws.off('unexpected-response', onUnexpectedResponse);
      return true;
    }

    function fail(error: unknown): void {
      if (!settle()) return;
      reject(error);
      ws.terminate(); // its own 'error' and 'close' follow; the error listener below swallows them
    }

    function onUpgrade(response: IncomingMessage): void {
      upgradeHeaders = headersOf(response);
    }

    function onOpen(): void {
      if (!settle()) return;
      ws.off('error', onError);
      const keepAlive = keepAliveOf(options.pingInterval, options.pingTimeout);
      resolve(createClientConnection(ws, upgradeHeaders ?? new HTTPHeaders(), keepAlive, options.onMessageCallback ?? null));
    }

    // fail() terminates ws, which aborts the request and destroys its socket.
    function onUnexpectedResponse(_request: ClientRequest, response: IncomingMessage): void {
      const status = response.statusCode ?? 0;
      fail(new WebSocketHandshakeError(`WebSocket handshake refused: HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd(), {
        status,
        headers: headersOf(response),
      }));
    }

    function onError(error: Error): void {
      if (settled) return;
      // An error after the 101 arrived is ws refusing the answer (bad accept key, unoffered subprotocol...).
      if (upgradeHeaders !== null) fail(new WebSocketHandshakeError(`Invalid WebSocket handshake answer: ${error.message}`, { status: 101, headers: upgradeHeaders, cause: error }));
      else fail(new WebSocketConnectError(`WebSocket connection to ${String(url)} failed: ${error.message}`, { cause: error }));
    }

    ws.on('upgrade', onUpgrade);
    ws.on('open', onOpen);
    ws.on('unexpected-response', onUnexpectedResponse);
    ws.on('error', onError);
  });
}

function headerObject(headers: WebSocketConnectOptions['headers']): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (!(headers instanceof HTTPHeaders)) return { ...headers };
  const result: Record<string, string> = {};
  for (const name of headers.keys()) result[name] = headers.get(name) as string;
  return result;
}

/** The response's header lines, in order and case as received. */
function headersOf(response: IncomingMessage): HTTPHeaders {
  const headers = new HTTPHeaders();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.add(raw[i], raw[i + 1]);
  return headers;
}
