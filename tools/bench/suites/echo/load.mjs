// The echo suite's load generator: `connections` sockets, each sending one line of `lineBytes`
// bytes ending in \n and waiting for all of it to come back before sending the next (round trips).
import { once } from 'node:events';
import net from 'node:net';
import { echoed, pingPongLoad, serveLoad } from '../../lib/loadgen.mjs';

serveLoad(async ({ host, port, connections, lineBytes }) => {
  const line = Buffer.alloc(lineBytes, 'x');
  line[lineBytes - 1] = 0x0a;
  await checkEcho(host, port, line);

  return pingPongLoad(connections, (state) => connect(host, port, line, state), {
    send: (socket) => socket.write(line),
    end: (socket) => (socket.end(), once(socket, 'close')),
  });
});

/**
 * One connection: each complete echo counts one round trip, then sends again unless paused.
 * Reads go through `onread` into one reused buffer, which keeps the load generator cheap (no Buffer
 * and no stream event per read), so that the server rather than the client is the bottleneck.
 */
async function connect(host, port, line, state) {
  let received = 0;
  const socket = net.connect({ host, port, noDelay: true, onread: { buffer: Buffer.allocUnsafe(4096), callback: onRead } });
  function onRead(length) {
    received += length;
    if (received < line.length) return;
    if (received > line.length) throw new Error(`echo sent ${received} bytes for a ${line.length}-byte line`);
    received = 0;
    if (echoed(state)) socket.write(line);
  }
  await once(socket, 'connect');
  return socket;
}

/** Fails unless the server echoes `line` byte for byte. */
async function checkEcho(host, port, line) {
  const socket = net.connect({ host, port });
  const chunks = [];
  let length = 0;
  socket.on('data', (chunk) => {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= line.length) socket.end();
  });
  socket.write(line);
  await once(socket, 'close');
  const echoed = Buffer.concat(chunks);
  if (!echoed.equals(line)) throw new Error(`expected the line back, got ${JSON.stringify(echoed.toString('latin1'))}`);
}
