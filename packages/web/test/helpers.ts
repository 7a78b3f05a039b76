import { afterAll, beforeAll } from 'vitest';
import { accessLog } from '@tornado-ts/ioloop';
import type { HTTPServerConnectionDelegate } from '@tornado-ts/httputil';
import type { HTTPServer, HTTPServerOptions } from '@tornado-ts/httpserver';
import { IOStream } from '@tornado-ts/iostream';
import { startTestServer, type TestServer as TornadoTestServer } from '@tornado-ts/testing';
import { ResourceTracker } from '@tornado-ts/test-utils';

// captureLogs lives in @tornado-ts/testing now; re-exported so the tests keep importing it from here.
export { captureLogs, type CapturedRecord } from '@tornado-ts/testing';
import { Application } from '../src/application';
import type { RouteSpec } from '../src/routing';
import type { ApplicationSettingsInput } from '../src/settings';

/** `track(thing)` registers a server or stream; `closeAll()` (in afterEach) closes them all. */
export const { track, closeAll } = new ResourceTracker();

/** A running test server: its port, absolute URLs, and a fetch that never follows redirects. */
export interface TestServer {
  readonly server: HTTPServer;
  readonly port: number;
  url(path?: string): string;
  /** WHATWG fetch (Node's), for tests that read a `Response`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The @tornado-ts/testing server underneath: its `fetch` uses our AsyncHTTPClient. */
  readonly testServer: TornadoTestServer;
}

/**
 * Serves `app` on a free port of 127.0.0.1 with @tornado-ts/testing's `startTestServer` (tracked:
 * `closeAll()` in afterEach closes it and its connections).
 */
export async function startServer(app: HTTPServerConnectionDelegate, options?: HTTPServerOptions): Promise<TestServer> {
  const testServer = await startTestServer(app, options);
  track({ stop: () => testServer.close() });
  const url = testServer.url;
  return {
    server: testServer.server,
    port: testServer.port,
    url,
    fetch: (path, init) => fetch(url(path), { redirect: 'manual', ...init }),
    testServer,
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

/** Mutes the access log for the calling test file (one line per request would bury the output). */
export function muteAccessLog(): void {
  const quiet = () => {};
  let previous: ReturnType<typeof accessLog.setSink>;
  beforeAll(() => {
    previous = accessLog.setSink({ debug: quiet, info: quiet, warn: quiet, error: quiet });
  });
  afterAll(() => {
    accessLog.setSink(previous);
  });
}

/** What a `serveRoutes` GET returns. */
export interface TextResponse {
  status: number;
  body: string;
  headers: Headers;
}

/** Serves an Application of `routes` and returns a GET that reads status, body text and headers. */
export async function serveRoutes(
  routes: RouteSpec[],
  settings: ApplicationSettingsInput = {},
): Promise<(path: string) => Promise<TextResponse>> {
  const server = await startServer(new Application(routes, settings));
  return async (path: string) => {
    const response = await server.fetch(path);
    return { status: response.status, body: await response.text(), headers: response.headers };
  };
}
