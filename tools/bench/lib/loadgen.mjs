// The load generator's side of the harness protocol (see load-process.mjs). A suite's load module
// calls serveLoad with a factory; the factory opens the connections and returns a Load:
//   { count(): number, resume(): void, pause(): Promise<void>, close(): Promise<void> }
// count() is the number of operations completed so far; resume() starts issuing them on every
// connection; pause() resolves once every connection has finished its operation in flight.
import { setTimeout as sleep } from 'node:timers/promises';

/** Answers the harness's start/sample/close messages with the Load that `createLoad(config)` opens. */
export function serveLoad(createLoad) {
  let load = null;
  process.on('disconnect', () => process.exit(0)); // the harness is gone
  process.on('message', async (message) => {
    try {
      if (message.type === 'start') {
        load = await createLoad(message.config);
        process.send({ type: 'ready' });
      } else if (message.type === 'sample') {
        process.send({ type: 'sample', ...(await measure(load, message.ms)) });
      } else if (message.type === 'close') {
        await load?.close();
        process.disconnect();
      }
    } catch (err) {
      process.send({ type: 'error', message: err?.stack ?? String(err) });
    }
  });
}

async function measure(load, ms) {
  const ops0 = load.count();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  load.resume();
  await sleep(ms);
  const ops = load.count() - ops0;
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await load.pause();
  return { ops, ms: elapsed, cpuMs: (cpu.user + cpu.system) / 1000 };
}
