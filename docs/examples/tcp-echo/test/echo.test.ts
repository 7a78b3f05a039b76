import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';

let server: ChildProcess | undefined;

afterEach(() => {
  if (server?.pid !== undefined && server.exitCode === null) server.kill('SIGTERM');
  server = undefined;
});

it('echoes lines over a real socket', async () => {
  // The example runs against the source through the same export condition the tests use.
  server = spawn(process.execPath, ['--conditions=@tornado-ts/source', '--import', 'tsx', 'server.mjs', '0'], {
    cwd: `${__dirname}/..`,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [first] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
  const { port } = JSON.parse(first).listening as { port: number };
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('hello\nwor');
  socket.write('ld\n');
  let received = '';
  for await (const chunk of socket) {
    received += chunk;
    if (received === 'hello\nworld\n') break;
  }
  expect(received).toBe('hello\nworld\n');
  socket.destroy();
});
