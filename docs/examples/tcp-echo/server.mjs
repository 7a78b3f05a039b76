// A line echo server: every line a client sends comes back to it.
// Usage: node server.mjs [port] [host]   (defaults: 8888, 127.0.0.1)
import net from 'node:net';
import { IOStream, StreamClosedError } from '@tornado-ts/iostream';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8888);
const host = process.argv[3] ?? process.env.HOST ?? '127.0.0.1';

async function handleStream(stream) {
  try {
    for (;;) {
      const line = await stream.readUntil('\n', { maxBytes: 64 * 1024 });
      await stream.write(line);
    }
  } catch (error) {
    if (!(error instanceof StreamClosedError)) console.error('echo connection failed:', error);
  } finally {
    stream.close();
  }
}

const server = net.createServer((socket) => void handleStream(new IOStream(socket)));
server.listen(port, host, () => {
  const address = server.address();
  // The first line is machine-readable so tests and tools can find the port.
  console.log(JSON.stringify({ listening: { host: address.address, port: address.port } }));
  console.log(`echo server on ${address.address}:${address.port}; try: nc ${address.address} ${address.port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
