// Echo peer: @tornado-ts/tcpserver (built dist), handleStream with readUntil('\n') then write:
// the DESIGN's echo server, as a Tornado user writes it.
import { TCPServer } from '@tornado-ts/tcpserver';

class EchoServer extends TCPServer {
  async handleStream(stream) {
    for (;;) await stream.write(await stream.readUntil('\n'));
  }
}

const server = new EchoServer();
await server.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => process.exit(0));
