// Echo peer: node:net, writing back each complete line (split by hand with indexOf, no copy unless
// a line spans chunks).
import net from 'node:net';
import { announce } from '../../lib/announce.mjs';

const NEWLINE = 0x0a;

function echoLines(socket) {
  let pending = []; // chunks of a line not yet complete
  socket.on('data', (chunk) => {
    let start = 0;
    let end = chunk.indexOf(NEWLINE);
    if (end !== -1 && pending.length > 0) {
      pending.push(chunk.subarray(0, end + 1));
      socket.write(Buffer.concat(pending));
      pending = [];
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    while (end !== -1) {
      socket.write(chunk.subarray(start, end + 1));
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  });
  socket.on('error', () => socket.destroy());
}

announce(net.createServer(echoLines));
