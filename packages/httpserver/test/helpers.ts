import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import type { Logger } from '@tornado-ts/ioloop';
import { HTTPHeaders, type HTTPServerConnectionDelegate, type HTTPServerRequest } from '@tornado-ts/httputil';
import { IOStream } from '@tornado-ts/iostream';
import { HTTPServer, type HTTPServerOptions, type RequestCallback } from '@tornado-ts/httpserver';
import { ResourceTracker } from '@tornado-ts/test-utils';

const fixtures = new URL('./fixtures/', import.meta.url);
/** The self-signed test certificate (CN=localhost, SAN DNS:localhost and IP:127.0.0.1) and its key. */
export const certificatePath = new URL('test.crt', fixtures);
export const privateKeyPath = new URL('test.key', fixtures);
export const certificate = readFileSync(certificatePath);
export const privateKey = readFileSync(privateKeyPath);

/** `track(thing)` registers a server or stream; `closeAll()` (in afterEach) closes them all. */
export const { track, closeAll } = new ResourceTracker();

/** A tracked server for `app` listening on a free port of `host` (default 127.0.0.1). */
export async function serve(
  app: HTTPServerConnectionDelegate | RequestCallback,
  options?: HTTPServerOptions,
  host = '127.0.0.1',
): Promise<HTTPServer & { port: number }> {
  const server = track(new HTTPServer(app, options));
  await server.listen(0, host);
  return server as HTTPServer & { port: number };
}

/** A tracked client stream to `port` on 127.0.0.1. */
export async function connect(port: number | null, host = '127.0.0.1'): Promise<IOStream> {
  if (port === null) throw new Error('the server listens on no TCP port');
  return track(await IOStream.connect(port, host));
}

/** Answers `request` with status `code`, `body` and the given extra headers (Content-Length set). */
export async function respond(
  request: HTTPServerRequest,
  body: string | Buffer,
  code = 200,
  extra: Record<string, string> = {},
): Promise<void> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const headers = new HTTPHeaders({ 'Content-Length': String(bytes.length), ...extra });
  const connection = request.connection;
  if (connection === null) throw new Error('request has no connection');
  await connection.writeHeaders({ version: 'HTTP/1.1', code, reason: code === 200 ? 'OK' : 'Status' }, headers, bytes);
  await connection.finish();
}

/** Answers every request with `Hello world` (Tornado's HelloWorldRequestHandler). */
export const hello: RequestCallback = (request) => respond(request, 'Hello world');

/** Answers every request with the JSON of `describe(request)`. */
export function jsonCallback(describe: (request: HTTPServerRequest) => unknown): RequestCallback {
  return (request) => respond(request, JSON.stringify(describe(request)), 200, { 'Content-Type': 'application/json' });
}

/** A response read off a raw stream. */
export interface RawResponse {
  version: string;
  code: number;
  reason: string;
  headers: HTTPHeaders;
  body: Buffer;
}

/**
 * Reads one response from `stream`: the head, then a body framed by Content-Length, chunked
 * encoding, or the end of the stream (none for HEAD requests and 1xx/204/304).
 */
export async function readResponse(stream: IOStream, options: { head?: boolean } = {}): Promise<RawResponse> {
  const head = (await stream.readUntil('\r\n\r\n')).toString('latin1');
  const eol = head.indexOf('\r\n');
  const match = /^(HTTP\/1\.[01]) (\d{3}) ?(.*)$/.exec(head.slice(0, eol));
  if (match === null) throw new Error(`not a status line: ${JSON.stringify(head.slice(0, eol))}`);
  const code = Number(match[2]);
  const headers = HTTPHeaders.parse(head.slice(eol + 2));
  let body: Buffer;
  if (options.head === true || (code >= 100 && code < 200) || code === 204 || code === 304) {
    body = Buffer.alloc(0);
  } else if (headers.get('Transfer-Encoding')?.toLowerCase() === 'chunked') {
    const pieces: Buffer[] = [];
    for (;;) {
      const size = parseInt((await stream.readUntil('\r\n')).toString('latin1'), 16);
      if (size === 0) {
        await stream.readUntil('\r\n');
        break;
      }
      pieces.push(await stream.readBytes(size));
      await stream.readUntil('\r\n');
    }
    body = Buffer.concat(pieces);
  } else if (headers.has('Content-Length')) {
    const length = Number(headers.get('Content-Length'));
    body = length === 0 ? Buffer.alloc(0) : await stream.readBytes(length);
  } else {
    body = await stream.readUntilClose();
  }
  return { version: match[1], code, reason: match[3], headers, body };
}

/** Connects, writes `request` bytes, reads one response. */
export async function rawFetch(port: number, request: string | Buffer): Promise<RawResponse> {
  const stream = await connect(port);
  await stream.write(request);
  return readResponse(stream);
}

/** Resolves with everything the peer sends until it closes (latin1); rejects when it has not closed within `timeout` ms. */
export async function readAll(stream: IOStream, timeout = 5_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server did not close the connection within ${timeout} ms`)), timeout);
  });
  try {
    return (await Promise.race([stream.readUntilClose(), expired])).toString('latin1');
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every few ms until it holds; fails after `timeout` ms. */
export async function waitUntil(condition: () => boolean, timeout = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs `fn` with `logger`'s records collected as formatted text (nothing printed); returns them. */
export async function recordLog(logger: Logger, fn: () => Promise<void>): Promise<string[]> {
  const texts: string[] = [];
  const keep = (message: string, ...args: unknown[]): void => {
    texts.push(format(message, ...args));
  };
  const previousLevel = logger.level;
  const previous = logger.setSink({ debug: keep, info: keep, warn: keep, error: keep });
  logger.level = 'debug';
  try {
    await fn();
  } finally {
    logger.setSink(previous);
    logger.level = previousLevel;
  }
  return texts;
}

/** A promise with its resolve function outside, for tests that release a request by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
