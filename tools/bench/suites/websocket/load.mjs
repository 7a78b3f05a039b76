// The websocket suite's load generator: `connections` clients of the `ws` package, each sending one
// text message of `messageBytes` bytes and waiting for its echo before sending the next.
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { echoed, pingPongLoad, serveLoad } from '../../lib/loadgen.mjs';

serveLoad(async ({ host, port, connections, messageBytes }) => {
  const url = `ws://${host}:${port}/`;
  const message = 'x'.repeat(messageBytes);
  await checkEcho(url, message);

  return pingPongLoad(connections, (state) => connect(url, message, state), {
    send: (ws) => ws.send(message),
    end: (ws) => (ws.close(1000), once(ws, 'close')),
  });
});

/** One connection: each echo counts one message, then sends again unless paused. */
async function connect(url, message, state) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('message', (data) => {
    if (data.length !== message.length) throw new Error(`echo of ${data.length} bytes for a ${message.length}-byte message`);
    if (echoed(state)) ws.send(message);
  });
  await once(ws, 'open');
  return ws;
}

/** Fails unless the server echoes `message` as a text message. */
async function checkEcho(url, message) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await once(ws, 'open');
  ws.send(message);
  const [data, isBinary] = await once(ws, 'message');
  ws.close();
  if (isBinary || data.toString() !== message) throw new Error(`expected the message back as text, got ${JSON.stringify(data.toString())}`);
}
