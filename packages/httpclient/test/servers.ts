// The three servers the client is tested against, all serving the same routes (those of Tornado's
// httpclient_test and simple_httpclient_test): our HTTPServer, node:http, and Python Tornado's
// HTTPServer (test/fixtures/tornado_server.py, Debian's python3-tornado).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { HTTPHeaders, type HTTPServerRequest, statusReason } from '@tornado-ts/httputil';
import { HTTPServer } from '@tornado-ts/httpserver';

/** A running test server. */
export interface TestServer {
  readonly name: string;
  /** Accepts methods outside the standard ones (node:http's parser refuses them). */
  readonly customMethods: boolean;
  readonly port: number;
  url(path: string): string;
  stop(): Promise<void>;
}

/** A request as the shared routes see it. */
interface RouteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  header(name: string): string | undefined;
  body: Buffer;
  remotePort: number;
}

/** The answer: status, headers, and the body (or pieces sent apart, 10 ms between them). */
interface RouteAnswer {
  code: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
  pieces?: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function route(req: RouteRequest): RouteAnswer {
  const { method, path, query } = req;
  const countdown = /^\/countdown\/(\d+)$/.exec(path);
  if (countdown) {
    const n = Number(countdown[1]);
    return n > 0 ? { code: 302, headers: { Location: `/countdown/${n - 1}` } } : { code: 200, body: 'Zero' };
  }
  switch (path) {
    case '/hello':
      return { code: 200, headers: { 'Content-Type': 'text/plain' }, body: `Hello ${query.get('name') ?? 'world'}!` };
    case '/post': {
      const form = new URLSearchParams(req.body.toString('latin1'));
      return { code: 200, body: `Post arg1: ${form.get('arg1')}, arg2: ${form.get('arg2')}` };
    }
    case '/put':
      return { code: 200, body: Buffer.concat([Buffer.from('Put body: '), req.body]) };
    case '/patch':
    case '/echopost':
      return { code: 200, body: req.body };
    case '/redirect':
      return { code: Number(query.get('status') ?? '302'), headers: { Location: query.get('url') ?? '/' }, body: 'redirects can have bodies too' };
    case '/redirect_without_location':
      return { code: 301 };
    case '/chunk':
      return { code: 200, headers: { 'Content-Type': 'text/html; charset=UTF-8' }, pieces: ['asdf', 'qwer'] };
    case '/auth':
      return { code: 200, body: req.header('Authorization') ?? '' };
    case '/cookie':
      return { code: 200, body: req.header('Cookie') ?? '' };
    case '/user_agent':
      return { code: 200, body: req.header('User-Agent') ?? 'User agent not set' };
    case '/all_methods':
      return { code: 200, body: method };
    case '/set_header': {
      // The value's %XX escapes are latin1 bytes, as Tornado's request.arguments gives them.
      const raw = /(?:^|&)v=([^&]*)/.exec(req.rawQuery)?.[1] ?? '';
      return { code: 200, headers: { [query.get('k') ?? 'X']: raw.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) } };
    }
    case '/header-encoding':
      return { code: 200, body: Buffer.from(req.header('Foo') ?? '', 'latin1') };
    case '/host_echo':
      return { code: 200, body: req.header('Host') ?? '' };
    case '/no_content':
      return { code: 204 };
    case '/head':
      return { code: 200, headers: { 'Content-Length': '7' } };
    case '/options':
      return { code: 200, headers: { 'Access-Control-Allow-Origin': '*' }, body: 'ok' };
    case '/see_other_post':
      return { code: Number(req.body.toString()), headers: { Location: '/see_other_get' } };
    case '/see_other_get':
      return req.body.length > 0 ? { code: 500, body: 'unexpected body' } : { code: 200, body: 'ok' };
    case '/gzip':
      return (req.header('Accept-Encoding') ?? '').includes('gzip')
        ? { code: 200, headers: { 'Content-Encoding': 'gzip' }, body: gzipSync(Buffer.from('asdfqwer')) }
        : { code: 200, body: 'asdfqwer' };
    case '/peer_port':
      return { code: 200, body: String(req.remotePort) };
    default:
      return { code: 404, body: 'not found' };
  }
}

/** Our HTTPServer, callback form, serving the routes. */
export async function startOurServer(): Promise<TestServer> {
  const server = new HTTPServer(async (request: HTTPServerRequest) => {
    const connection = request.connection;
    if (connection === null) return;
    const url = new URL(request.uri, 'http://x');
    const socket = (connection as unknown as { stream: { socket: { remotePort?: number } } }).stream.socket;
    const answer = route({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      rawQuery: url.search.slice(1),
      header: (name) => request.headers.get(name),
      body: request.body,
      remotePort: socket.remotePort ?? 0,
    });
    const headers = new HTTPHeaders(answer.headers ?? {});
    const startLine = { version: 'HTTP/1.1', code: answer.code, reason: statusReason(answer.code) };
    if (answer.pieces) {
      await connection.writeHeaders(startLine, headers, Buffer.from(answer.pieces[0]));
      for (const piece of answer.pieces.slice(1)) {
        await sleep(10);
        await connection.write(Buffer.from(piece));
      }
      await connection.finish();
      return;
    }
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : (answer.body ?? Buffer.alloc(0));
    const bodyless = request.method === 'HEAD' || answer.code === 204 || answer.code === 304;
    if (!headers.has('Content-Length') && answer.code !== 204) headers.set('Content-Length', String(bodyless ? 0 : body.length));
    await connection.writeHeaders(startLine, headers, bodyless ? undefined : body);
    await connection.finish();
  });
  await server.listen(0, '127.0.0.1');
  const port = server.port as number;
  return {
    name: 'tornado-ts HTTPServer',
    customMethods: true,
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stop: () => server.stop({ grace: 0 }),
  };
}

/** node:http serving the routes; `connections` counts accepted TCP connections. */
export async function startNodeServer(): Promise<TestServer & { connections: () => number }> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const answer = route({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        rawQuery: url.search.slice(1),
        header: (name) => {
          const value = req.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        body: Buffer.concat(chunks),
        remotePort: req.socket.remotePort ?? 0,
      });
      const headers: Record<string, string> = { ...answer.headers };
      if (answer.body !== undefined && headers['Content-Length'] === undefined) headers['Content-Length'] = String(Buffer.byteLength(answer.body));
      res.writeHead(answer.code, headers);
      if (answer.pieces) {
        for (const [i, piece] of answer.pieces.entries()) {
          if (i > 0) await sleep(10);
          res.write(piece);
        }
        res.end();
      } else {
        res.end(answer.body);
      }
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name: 'node:http',
    customMethods: false,
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    connections: () => connections,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const PYTHON = '/usr/bin/python3';
const TORNADO_FIXTURE = fileURLToPath(new URL('./fixtures/tornado_server.py', import.meta.url));

/** Why Python Tornado cannot run here, or null when it can. */
export function tornadoUnavailable(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import tornado'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found: install python3-tornado (apt-get install python3-tornado)`;
  if (probe.status !== 0) return `python3-tornado is missing (${probe.stderr.trim().split('\n').at(-1)}): apt-get install python3-tornado`;
  return null;
}

/** Python Tornado's HTTPServer with the same routes; killed by its PID in stop(). */
export async function startTornadoServer(): Promise<TestServer> {
  const missing = tornadoUnavailable();
  if (missing !== null) throw new Error(missing);
  const child: ChildProcess = spawn(PYTHON, [TORNADO_FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tornado_server.py printed no port in 10 s; stderr:\n${stderr}`)), 10_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tornado_server.py exited (${code}); stderr:\n${stderr}`));
    });
  });
  return {
    name: 'Python Tornado',
    customMethods: true,
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGKILL');
      await exited;
    },
  };
}
