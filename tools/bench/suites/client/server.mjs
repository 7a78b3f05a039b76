// The fixed peer of the client suite: node:http answering every GET with the same 12 bytes.
// Started by each client worker (pinned to the other core); prints {"port": N}, and exits when its
// stdin closes, so it never outlives the worker that started it.
import http from 'node:http';

const body = Buffer.from('Hello, world');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '12' });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
