import cluster from 'node:cluster';
import type net from 'node:net';

/**
 * What a primary hands to the workers `forkProcesses` starts, through their environment: the task
 * id, the primary's pid (so a grandchild that inherits the environment is not fooled), and the
 * ephemeral ports the primary's `bindSockets(0, ...)` calls picked, so that each worker, running
 * the same script, binds the same port again through the cluster's shared handle.
 */
export const TASK_ID_ENV = 'TORNADO_TS_TASK_ID';
export const PRIMARY_PID_ENV = 'TORNADO_TS_PRIMARY_PID';
export const PORTS_ENV = 'TORNADO_TS_BOUND_PORTS';

interface Binding {
  /** Set when the call asked for port 0: its host/family key. */
  readonly key: string | null;
  readonly port: number;
  readonly servers: readonly net.Server[];
}

// Bindings made in this process that still have a listening server, in the order they were made.
const open: Binding[] = [];
// Worker side: for each key, the ports the primary picked that no call here has taken yet.
let inherited: Map<string, number[]> | null = null;

/** True in a cluster worker started by this package's `forkProcesses`. */
export function isForkedWorker(): boolean {
  return cluster.isWorker && process.env[PRIMARY_PID_ENV] === String(process.ppid) && process.env[TASK_ID_ENV] !== undefined;
}

/** The task id this worker was started with, or null outside such a worker. */
export function handedTaskId(): number | null {
  if (!isForkedWorker()) return null;
  const id = Number(process.env[TASK_ID_ENV]);
  return Number.isInteger(id) && id >= 0 ? id : null;
}

/** The key under which a `bindSockets(0, host, { family })` call's chosen port is handed over. */
export function ephemeralKey(host: string | undefined, family: number): string {
  return `${host ?? ''}/${family}`;
}

/**
 * Primary side: records listening servers that `forkProcesses` must release before forking (the
 * workers bind the same addresses again); `key` is set when the call asked for port 0.
 */
export function rememberBinding(key: string | null, port: number, servers: readonly net.Server[]): void {
  if (cluster.isWorker || servers.length === 0) return;
  const binding: Binding = { key, port, servers };
  open.push(binding);
  let listening = servers.length;
  const onClose = (): void => {
    const index = open.indexOf(binding);
    if (--listening === 0 && index >= 0) open.splice(index, 1);
  };
  for (const server of servers) server.once('close', onClose);
}

/**
 * Primary side, just before forking: closes every recorded server (the listening socket closes at
 * once; new connections are refused until the workers listen) and returns the environment that
 * tells the workers which ports the port-0 calls got.
 */
export function releaseBindings(): Record<string, string> {
  const ports: Record<string, number[]> = {};
  for (const { key, port, servers } of open.splice(0)) {
    if (!servers.some((server) => server.listening)) continue;
    if (key !== null) (ports[key] ??= []).push(port);
    for (const server of servers) server.close();
  }
  return Object.keys(ports).length === 0 ? {} : { [PORTS_ENV]: JSON.stringify(ports) };
}

/** Worker side: the port the primary's matching port-0 call picked, if there is one left for `key`. */
export function inheritedPort(key: string): number | undefined {
  if (inherited === null) {
    inherited = new Map();
    const raw = isForkedWorker() ? process.env[PORTS_ENV] : undefined;
    if (raw !== undefined) {
      try {
        for (const [name, list] of Object.entries(JSON.parse(raw) as Record<string, unknown>)) {
          if (Array.isArray(list)) inherited.set(name, list.filter((p): p is number => Number.isInteger(p) && p > 0));
        }
      } catch {
        // A malformed value is ignored: the worker then picks its own port.
      }
    }
  }
  return inherited.get(key)?.shift();
}
