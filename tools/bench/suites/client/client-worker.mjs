// A client peer: `node client-worker.mjs <client> <concurrency>`, itself pinned to one core by the
// harness. It starts the node:http server (server.mjs) pinned to the other core, then speaks the
// work-loop protocol (lib/work-loop.mjs) with an asynchronous operation: its first line is
// {"output": body of one GET}; each {"type": "sample", "ms": N} runs batches of BATCH GETs (one at
// a time, or `concurrency` loops sharing the batch) until N ms have passed and answers
// {"ops": GETs, "ms": elapsed}. stdin closing or SIGTERM ends it and its server.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { make } from './clients.mjs';

const BATCH = 10_000;
const SERVER_CPU = process.env.CLIENT_BENCH_SERVER_CPU ?? '0';
const [name, concurrencyText = '1'] = process.argv.slice(2);
const concurrency = Number(concurrencyText);

const server = spawn('taskset', ['-c', SERVER_CPU, process.execPath, fileURLToPath(new URL('./server.mjs', import.meta.url))], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const stop = () => {
  server.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGTERM', stop);
const port = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line).port));
  server.once('exit', () => reject(new Error('the server exited')));
});
const url = `http://127.0.0.1:${port}/`;
const client = await make(name, concurrency);

/** One batch: BATCH GETs by `concurrency` loops; returns the bytes read so none is dead code. */
async function batch() {
  let left = BATCH;
  let bytes = 0;
  const loop = async () => {
    while (left > 0) {
      left--;
      bytes += (await client.get(url)).length;
    }
  };
  const loops = [];
  for (let i = 0; i < concurrency; i++) loops.push(loop());
  await Promise.all(loops);
  return bytes;
}

async function sample(ms) {
  let ops = 0;
  const t0 = performance.now();
  let elapsed;
  do {
    await batch();
    ops += BATCH;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  return { ops, ms: elapsed };
}

const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
reply({ output: (await client.get(url)).toString('latin1') });
let work = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const message = JSON.parse(line);
  if (message.type === 'sample') work = work.then(() => sample(message.ms)).then(reply);
});
lines.on('close', async () => {
  await work;
  await client.close();
  stop();
});
