// The worker's side of the work-loop protocol, for Node workers (the harness's side is PeerProcess
// in peer-process.mjs; lib/work_loop.py is the same for Python). A worker does one operation
// (a render, say) in a loop in its own process, with no server and no load generator:
//   - its first line of stdout is {"output": "..."}, what one operation returns, which the harness
//     compares across peers before measuring;
//   - then, for each line {"type": "sample", "ms": N} on stdin, it runs the operation in batches
//     until N ms have passed and answers one line {"ops": count, "ms": elapsed};
//   - it exits when stdin closes, and cleanly on SIGTERM (so --cpu-prof is written).
import { createInterface } from 'node:readline';

/** Answers the harness's sample requests by running `operation` (returning a string) in a loop. */
export function serveWork(operation, { batch = 100 } = {}) {
  process.on('SIGTERM', () => process.exit(0));
  reply({ output: operation() });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const message = JSON.parse(line);
    if (message.type === 'sample') reply(sample(operation, message.ms, batch));
  });
  lines.on('close', () => process.exit(0));
}

/** Runs `operation` in batches of `batch` until `ms` have passed; its results' lengths are summed so none is dead code. */
function sample(operation, ms, batch) {
  let ops = 0;
  let chars = 0;
  const t0 = performance.now();
  let elapsed;
  do {
    for (let i = 0; i < batch; i++) chars += operation().length;
    ops += batch;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  return { ops, ms: elapsed, chars };
}

function reply(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
