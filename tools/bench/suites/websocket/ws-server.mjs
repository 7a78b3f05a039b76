// WebSocket echo peer: the bare `ws` package on node:http, the ceiling WebSocketHandler is built on.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { announce } from '../../lib/announce.mjs';

const server = http.createServer((request, response) => {
  response.writeHead(426).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => ws.terminate());
});
announce(server);
