// Hello-world peer, the ceiling: a minimal HTTP/1.1 keep-alive responder on node:net. It parses
// nothing but the end of each request's head (`\r\n\r\n`, which may span chunks) and answers each
// with the same fixed bytes; no bodies, no header checks. Not a server anyone should deploy.
import net from 'node:net';
import { announce } from '../../lib/announce.mjs';

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nHello, world', 'latin1');
const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');

function respond(socket) {
  let tail = Buffer.alloc(0); // the last bytes of the previous chunk, in case `\r\n\r\n` spans chunks
  socket.on('data', (chunk) => {
    const data = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
    let count = 0;
    let from = 0;
    for (let end = data.indexOf(END_OF_HEAD); end !== -1; end = data.indexOf(END_OF_HEAD, from)) {
      count++;
      from = end + END_OF_HEAD.length;
    }
    tail = data.subarray(Math.max(from, data.length - (END_OF_HEAD.length - 1)));
    if (count === 1) socket.write(RESPONSE);
    else if (count > 1) socket.write(Buffer.concat(Array(count).fill(RESPONSE)));
  });
  socket.on('error', () => socket.destroy());
}

announce(net.createServer({ noDelay: true }, respond));
