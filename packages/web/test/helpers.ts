import { formatWithOptions } from 'node:util';
import type { HTTPServerConnectionDelegate } from '@tornado-ts/httputil';
import type { Logger } from '@tornado-ts/ioloop';
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

/** One captured log record: level and the formatted text (args included). */
export interface CapturedRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  text: string;
  args: unknown[];
}

/**
 * Sends the records of `loggers` to a list instead of stderr until `restore()` (call it in
 * afterEach); the loggers' levels are lowered to `debug` meanwhile.
 */
export function captureLogs(...loggers: Logger[]): { records: CapturedRecord[]; restore(): void } {
  const records: CapturedRecord[] = [];
  const previous = loggers.map((logger) => ({ logger, sink: logger.sink, level: logger.level }));
  const sink = (level: CapturedRecord['level']) => (message: string, ...args: unknown[]) => {
    records.push({ level, text: formatWithOptions({ colors: false }, message, ...args), args });
  };
  for (const logger of loggers) {
    logger.setSink({ debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error') });
    logger.level = 'debug';
  }
  return {
    records,
    restore() {
      for (const { logger, sink: old, level } of previous) {
        logger.setSink(old);
        logger.level = level;
      }
    },
  };
}

/** A raw HTTP response split into status line, headers (lower-cased names) and body. */
export interface RawResponse {
  statusLine: string;
  status: number;
  headers: Record<string, string[]>;
  body: string;
}

/** Parses the first response of `raw` (as `rawExchange` returns it); the body is what follows the header block. */
export function parseRawResponse(raw: string): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  return { statusLine, status: Number(statusLine.split(' ')[1]), headers, body: end === -1 ? '' : raw.slice(end + 4) };
}
