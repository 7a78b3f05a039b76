// Tornado's blog and chat demos on tornado-ts. Runs on the built packages: `pnpm build`, then
// `node server.mjs [--port 8888] [--processes 2 --session-store redis://127.0.0.1:6379] [--help]`.
import { resolve } from 'node:path';
import { HTTPServer } from '@tornado-ts/httpserver';
import { options, parseCommandLine } from '@tornado-ts/options';
import { createApplication, SERVER_OPTIONS } from './lib/app.mjs';
import { ChatRoom } from './lib/chat-room.mjs';
import { loadCookieSecret } from './lib/cookie-secret.mjs';
import { JsonStore } from './lib/json-store.mjs';
import { defineBlogOptions } from './lib/options.mjs';
import { createSessionStore } from './lib/sessions.mjs';

async function main() {
  defineBlogOptions();
  parseCommandLine();

  // Everything above start() runs in the primary and again in every worker (node:cluster re-runs
  // the script), which is harmless: opening the store, the secret and the Redis check are idempotent.
  const dataDir = resolve(options.dataDir);
  const blogStore = await JsonStore.open(dataDir);
  const cookieSecret = options.cookieSecret ?? (await loadCookieSecret(dataDir));
  const sessionStore = createSessionStore(options.sessionStore);
  await sessionStore.check();
  if (options.processes !== 1 && sessionStore.description === 'memory') {
    console.error('warning: with several processes and in-memory sessions a login is known to one worker only; use --session-store redis://...');
  }

  const app = createApplication({
    blogStore,
    sessionStore,
    chatRoom: new ChatRoom(),
    cookieSecret,
    debug: options.debug,
    // Restarting on code changes cannot work with several workers (Tornado forbids it too).
    autoreload: options.debug && options.processes === 1,
  });
  const server = new HTTPServer(app, SERVER_OPTIONS);
  await server.bind(options.port, options.address);
  // In a multi-process primary this waits while the workers run; workers (and a single process) go on.
  const worker = await server.start(options.processes);

  // The first line is machine-readable, so tests and tools find the port and the worker.
  console.log(JSON.stringify({ listening: { host: options.address, port: server.port }, worker, pid: process.pid }));
  if (worker === null || worker === 0) {
    const host = options.address === '' ? '127.0.0.1' : options.address;
    console.log(`blog on http://${host}:${server.port}/ (sessions: ${sessionStore.description}, data: ${dataDir}); sign in as demo / demo-password`);
  }

  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, async () => {
      await server.close({ timeout: 1000 });
      await sessionStore.close();
      process.exit(0);
    });
  }
}

main().catch((error) => {
  console.error(`blog: ${error.message}`);
  process.exit(1);
});
