// Helpers shared by the static-file tests: fixture locations, GET+HEAD comparison (Tornado's
// get_and_head), raw requests for paths fetch would normalise, and temporary directories.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accessLog } from '@tornado-ts/ioloop';
import { expect } from 'vitest';
import { RequestHandler } from '../src/request-handler';
import { rawExchange, type TestServer } from './helpers';

/** test/fixtures/static: holds the served root `public/` and files beside it that must never be served. */
export const FIXTURES = fileURLToPath(new URL('./fixtures/static/', import.meta.url));
/** The static root of most tests. */
export const STATIC_ROOT = join(FIXTURES, 'public');

/** A fetched response with its body read. */
export interface FetchedResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** GETs `path` and HEADs it too; fails if any Content-* header differs between the two; returns the GET. */
export async function getAndHead(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<FetchedResponse> {
  const head = await server.fetch(path, { method: 'HEAD', headers });
  expect(Buffer.from(await head.arrayBuffer()).length).toBe(0);
  const get = await server.fetch(path, { headers });
  const body = Buffer.from(await get.arrayBuffer());
  expect(head.status, `HEAD ${path}`).toBe(get.status);
  const names = new Set<string>();
  for (const [name] of [...head.headers, ...get.headers]) if (name.startsWith('content-')) names.add(name);
  for (const name of names) expect(head.headers.get(name), `${name} of HEAD vs GET`).toBe(get.headers.get(name));
  return { status: get.status, headers: get.headers, body };
}

/** A response read off a raw socket. */
export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends `GET <target>` (or `options.method`) as raw bytes, exactly as written, and parses the answer. */
export async function rawRequest(server: TestServer, target: string, options: { method?: string; host?: string } = {}): Promise<RawResponse> {
  const request = `${options.method ?? 'GET'} ${target} HTTP/1.1\r\nHost: ${options.host ?? '127.0.0.1'}\r\nConnection: close\r\n\r\n`;
  const text = await rawExchange(server.port, request);
  const end = text.indexOf('\r\n\r\n');
  expect(end, `a complete response head for ${target}`).toBeGreaterThan(0);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/** Creates a temporary directory; `remove()` deletes it and everything in it. */
export function makeTempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `tornado-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes `staticUrl(path)`; `?include_version=0` and `?include_host=1` pass the options. */
export class StaticUrlHandler extends RequestHandler {
  get(path: string): void {
    this.write(this.staticUrl(path, {
      includeVersion: this.getArgument('include_version', '1') !== '0',
      includeHost: this.getArgument('include_host', '0') === '1',
    }));
  }
}

/**
 * Drops access-log lines (one per request would bury the test output). Each test file has its own
 * module instances, so this reaches no other file; it is not undone, since a response may be logged
 * just after its test ended.
 */
export function quietAccessLog(): void {
  accessLog.level = 'error';
}
