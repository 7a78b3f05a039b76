import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import type { Logger } from '@tornado-ts/ioloop';
import { IOStream } from '@tornado-ts/iostream';
import { ResourceTracker } from '@tornado-ts/test-utils';

const fixtures = new URL('./fixtures/', import.meta.url);
/** The self-signed test certificate (CN=localhost, SAN DNS:localhost and IP:127.0.0.1) and its key. */
export const certificate = readFileSync(new URL('test.crt', fixtures));
export const privateKey = readFileSync(new URL('test.key', fixtures));

/** `track(thing)` registers a server, stream or socket; `closeAll()` (in afterEach) closes them all. */
export const { track, closeAll } = new ResourceTracker();

/** A client stream to `port` on `host` (default 127.0.0.1), closed by {@link closeAll}. */
export async function connect(port: number | null, host = '127.0.0.1'): Promise<IOStream> {
  if (port === null) throw new Error('the server listens on no TCP port');
  return track(await IOStream.connect(port, host));
}

/** Echoes lines until the peer hangs up (the StreamClosedError that ends the loop is not an error). */
export async function echoLines(stream: IOStream): Promise<void> {
  for (;;) await stream.write(await stream.readUntil('\n'));
}

/** Writes one line and resolves with the line that comes back, as text. */
export async function roundTrip(stream: IOStream, line: string): Promise<string> {
  await stream.write(`${line}\n`);
  return (await stream.readUntil('\n')).toString().trimEnd();
}

/** Polls `condition` every few ms until it holds; fails after `timeout` ms. */
export async function waitUntil(condition: () => boolean, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs `fn` with `logger`'s records collected as formatted text (nothing printed); returns them. */
export async function recordLog(logger: Logger, fn: () => Promise<void>): Promise<string[]> {
  const texts: string[] = [];
  const keep = (message: string, ...args: unknown[]): void => {
    texts.push(format(message, ...args));
  };
  const previous = logger.setSink({ debug: keep, info: keep, warn: keep, error: keep });
  try {
    await fn();
  } finally {
    logger.setSink(previous);
  }
  return texts;
}

/** Handles and timers of the kinds a server could leak, counted by kind. */
export function liveResources(): Record<string, number> {
  const counts: Record<string, number> = { TCPServerWrap: 0, TCPSocketWrap: 0, Timeout: 0 };
  for (const kind of process.getActiveResourcesInfo()) if (kind in counts) counts[kind]++;
  return counts;
}

/** Lets closing handles finish closing (their close callbacks run on a later turn of the loop). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
