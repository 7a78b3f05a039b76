import type { HTTPServerConnectionDelegate } from '@tornado-ts/httputil';
import { HTTPServer, type HTTPServerOptions } from '@tornado-ts/httpserver';
import { IOStream } from '@tornado-ts/iostream';
import { ResourceTracker } from '@tornado-ts/test-utils';

/** `track(thing)` registers a server or stream; `closeAll()` (in afterEach) closes them all. */
export const { track, closeAll } = new ResourceTracker();

/** A running test server: its port, absolute URLs, and a fetch that never follows redirects. */
export interface TestServer {
  readonly server: HTTPServer;
  readonly port: number;
  url(path?: string): string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** Serves `app` on a free port of 127.0.0.1 (tracked: `closeAll()` in afterEach stops it). */
export async function startServer(app: HTTPServerConnectionDelegate, options?: HTTPServerOptions): Promise<TestServer> {
  const server = track(new HTTPServer(app, options));
  await server.listen(0, '127.0.0.1');
  const port = server.port;
  if (port === null) throw new Error('the server listens on no TCP port');
  const url = (path = '/') => `http://127.0.0.1:${port}${path}`;
  return {
    server,
    port,
    url,
    fetch: (path, init) => fetch(url(path), { redirect: 'manual', ...init }),
  };
}

/** Sends `request` as raw bytes on a new connection and returns everything read until the server closes it or `waitMs` passes. */
export async function rawExchange(port: number, request: string | Buffer, waitMs = 1000): Promise<string> {
  const stream = track(await IOStream.connect(port, '127.0.0.1'));
  await stream.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request);
  const timer = setTimeout(() => stream.close(), waitMs);
  try {
    return (await stream.readUntilClose()).toString('latin1');
  } finally {
    clearTimeout(timer);
  }
}
