#!/usr/bin/env node
// Installs the TCP layer the way a user would: `pnpm pack` the packages, `npm install` the tarballs into
// a fresh folder outside the workspace, start the echo example from there, talk to it, and make sure
// nothing from the HTTP or web layers (or ws/zod) came along. Needs `pnpm build` first.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['ioloop', 'iostream', 'tcpserver'];
const FORBIDDEN = ['@tornado-ts/web', '@tornado-ts/template', '@tornado-ts/httputil', '@tornado-ts/httpserver', 'ws', 'zod'];
const EXAMPLE = join(root, 'docs/examples/tcp-echo');

function fail(message) {
  console.error(`check-install: ${message}`);
  process.exitCode = 1;
}

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

async function talkToEcho(dir) {
  const server = spawn(process.execPath, ['server.mjs', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
  try {
    const [line] = await once(createInterface({ input: server.stdout }), 'line');
    const { port } = JSON.parse(line).listening;
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.end('ping from check-install\n');
    let reply = '';
    for await (const chunk of socket) reply += chunk;
    if (reply !== 'ping from check-install\n') fail(`echo answered ${JSON.stringify(reply)}`);
  } finally {
    clearTimeout(timer);
    if (server.exitCode === null) server.kill('SIGTERM');
  }
}

const work = mkdtempSync(join(tmpdir(), 'tornado-ts-install-'));
try {
  for (const name of PACKAGES) {
    if (!existsSync(join(root, 'packages', name, 'dist'))) throw new Error(`packages/${name}/dist is missing: run pnpm build first`);
  }
  const tarballs = PACKAGES.map((name) => {
    const out = run('pnpm', ['pack', '--pack-destination', work], join(root, 'packages', name)).trim().split('\n');
    return out[out.length - 1].trim();
  });
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'check-install-app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);

  const installed = [];
  for (const entry of readdirSync(join(app, 'node_modules'))) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const sub of readdirSync(join(app, 'node_modules', entry))) installed.push(`${entry}/${sub}`);
    else installed.push(entry);
  }
  console.log(`check-install: installed ${installed.join(', ')}`);
  for (const name of FORBIDDEN) if (installed.includes(name)) fail(`${name} was installed with ${PACKAGES.join(', ')}`);
  const unexpected = installed.filter((name) => !PACKAGES.some((p) => name === `@tornado-ts/${p}`));
  if (unexpected.length > 0) fail(`unexpected packages pulled in: ${unexpected.join(', ')}`);

  // Both module systems load every package.
  for (const name of PACKAGES) {
    run(process.execPath, ['-e', `require('@tornado-ts/${name}')`], app);
    run(process.execPath, ['--input-type=module', '-e', `await import('@tornado-ts/${name}')`], app);
  }

  copyFileSync(join(EXAMPLE, 'server.mjs'), join(app, 'server.mjs'));
  await talkToEcho(app);
  if (!process.exitCode) console.log(`check-install: ${PACKAGES.join(', ')} install alone and the echo example serves from them`);
} catch (error) {
  fail(error.stderr ? `${error.message}\n${error.stderr}` : error.stack);
} finally {
  rmSync(work, { recursive: true, force: true });
}
