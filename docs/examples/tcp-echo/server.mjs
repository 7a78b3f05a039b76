// A line echo server on @tornado-ts/tcpserver: every line a client sends comes back to it.
// Usage: node server.mjs [port] [host]   (defaults: 8888, 127.0.0.1; port 0 picks a free one)
import { TCPServer } from '@tornado-ts/tcpserver';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8888);
const host = process.argv[3] ?? process.env.HOST ?? '127.0.0.1';

class EchoServer extends TCPServer {
  async handleStream(stream) {
    // A closed stream ends the loop with StreamClosedError, which TCPServer treats as a normal end.
    for (;;) {
      const line = await stream.readUntil('\n', { maxBytes: 64 * 1024 });
      await stream.write(line);
    }
  }
}

const server = new EchoServer();
await server.listen(port, host);
// The first line is machine-readable so tests and tools can find the port.
console.log(JSON.stringify({ listening: { host, port: server.port } }));
console.log(`echo server on ${host}:${server.port}; try: nc ${host} ${server.port}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await server.stop({ grace: 1000 });
    process.exit(0);
  });
}
