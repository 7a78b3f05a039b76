// Sends each argument as a line to the echo server and prints what comes back.
// Usage: node client.mjs [port] [host] [message...]
import { IOStream } from '@tornado-ts/iostream';

const port = Number(process.argv[2] ?? 8888);
const host = process.argv[3] ?? '127.0.0.1';
const messages = process.argv.slice(4);

const stream = await IOStream.connect(port, host, { timeout: 5000 });
for (const message of messages.length > 0 ? messages : ['hello from tornado-ts']) {
  await stream.write(`${message}\n`);
  process.stdout.write((await stream.readUntil('\n')).toString());
}
stream.close();
