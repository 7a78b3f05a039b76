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

/**
 * The Load of a ping-pong suite (echo, websocket): `connections` connections, each sending one
 * message and waiting for its echo before the next. `connect(state)` opens one and calls
 * `echoed(state)` on each complete echo, sending again when it returns true; `send(conn)` starts a
 * round trip, `end(conn)` closes a connection and resolves once it is closed.
 */
export async function pingPongLoad(connections, connect, { send, end }) {
  const state = { completed: 0, running: false, idle: connections, connections, whenIdle: null };
  const conns = await Promise.all(Array.from({ length: connections }, () => connect(state)));
  return {
    count: () => state.completed,
    resume() {
      state.running = true;
      state.idle = 0;
      for (const conn of conns) send(conn);
    },
    pause() {
      state.running = false;
      if (state.idle === connections) return Promise.resolve();
      return new Promise((resolve) => {
        state.whenIdle = resolve;
      });
    },
    async close() {
      await Promise.all(conns.map(end));
    },
  };
}

/** Counts one completed round trip; true when the connection should send again (not pausing). */
export function echoed(state) {
  state.completed++;
  if (state.running) return true;
  if (++state.idle === state.connections) state.whenIdle?.();
  return false;
}
