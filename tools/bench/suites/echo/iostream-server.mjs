// Echo peer: @tornado-ts/iostream (built dist), readUntil('\n') then write, as a Tornado user writes it.
import net from 'node:net';
import { IOStream } from '@tornado-ts/iostream';
import { announce } from '../../lib/announce.mjs';

async function echoLines(socket) {
  const stream = new IOStream(socket);
  try {
    for (;;) await stream.write(await stream.readUntil('\n'));
  } catch (err) {
    if (err?.name !== 'StreamClosedError') console.error(err);
    stream.close();
  }
}

announce(net.createServer(echoLines));
