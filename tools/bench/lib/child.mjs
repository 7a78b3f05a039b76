// Helpers for the child processes the harness starts (servers and load generators).
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

const live = new Set();

/** Registers `child` so that killAll can end it; returns it. */
export function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Sends SIGTERM, by PID, to every tracked child still running (when the harness is interrupted). */
export function killAll() {
  for (const child of live) child.kill('SIGTERM');
}

/** Resolves when `child` has exited (at once if it already has). */
export async function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/** Stops `child` by its PID: SIGTERM, then SIGKILL if it is still running after `graceMs`. */
export async function stopChild(child, graceMs = 5000) {
  const done = exited(child);
  child.kill('SIGTERM');
  const timedOut = await Promise.race([done.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await done;
  }
}

/** Rejects with `message` after `ms` unless `promise` settles first. */
export async function withDeadline(promise, ms, message) {
  const controller = new AbortController();
  const deadline = sleep(ms, undefined, { signal: controller.signal }).then(() => {
    throw new Error(message);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    controller.abort();
    deadline.catch(() => {});
  }
}
