// Helpers for the child processes the harness starts (servers and load generators).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on (getconf CLK_TCK)

const live = new Set();

/** `argv` run on core `cpu` only (`taskset -c cpu argv...`, which execs it: same PID); `argv` itself when `cpu` is null. */
export function pinned(argv, cpu) {
  return cpu === null || cpu === undefined ? argv : ['taskset', '-c', String(cpu), ...argv];
}

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

/**
 * CPU time (user + system) in ms that process `pid` has used so far, from /proc; with `children`,
 * that of its children it has already waited for instead (how the harness times a load generator
 * that runs once per sample, such as wrk). NaN where /proc is missing.
 */
export function cpuTimeMs(pid, { children = false } = {}) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state)
    const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]]; // cutime, cstime : utime, stime
    return ((Number(user) + Number(system)) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
