// Hands a detached HTTP connection to ws: our request becomes the IncomingMessage subset ws reads,
// the bytes the HTTP reader had already taken are given back as ws's `head`, and ws writes the
// 101 answer (with the handler's own headers) and takes the socket over.

import type { Duplex } from 'node:stream';
import type { HTTPServerRequest } from '@tornado-ts/httputil';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import { toPerMessageDeflate, type CompressionOptions } from './compression';
import { upgradeRequestFor } from './handshake';

/** How long a closing handshake may take before the socket is dropped (Tornado waits 5 s too). */
const CLOSE_TIMEOUT = 5_000;

/** What the upgrade needs from the handler. */
export interface UpgradeParameters {
  request: HTTPServerRequest;
  socket: Duplex;
  /** Bytes read past the request head (frames the client sent at once). */
  head: Buffer;
  maxMessageSize: number;
  compression: CompressionOptions | null;
  /** The subprotocol chosen by `selectSubprotocol`, or null. */
  subprotocol: string | null;
  /** Adds header lines (`Name: value`) to the 101 answer. */
  addHeaders(lines: string[]): void;
}

/**
 * Completes the handshake through ws. Returns the open WebSocket, or null when ws refused it
 * (it has then answered and closed the socket itself) or the peer had already gone.
 */
export function upgradeToWebSocket(params: UpgradeParameters): WebSocket | null {
  const subprotocol = params.subprotocol;
  // closeTimeout is a recent ws option that @types/ws does not list yet.
  const options: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    clientTracking: false,
    maxPayload: params.maxMessageSize,
    perMessageDeflate: toPerMessageDeflate(params.compression),
    handleProtocols: () => subprotocol ?? false,
    closeTimeout: CLOSE_TIMEOUT,
  };
  const server = new WebSocketServer(options);
  server.on('headers', params.addHeaders);
  let accepted: WebSocket | null = null;
  // With no verifyClient, ws completes (or refuses) the upgrade synchronously.
  server.handleUpgrade(upgradeRequestFor(params.request, params.socket), params.socket, params.head, (ws) => {
    accepted = ws;
  });
  return accepted;
}
