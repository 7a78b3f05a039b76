// Test harness for the HTTP/1.x codec: HTTP1ServerConnection served on net.createServer + IOStream
// with delegates built from callbacks, and a raw byte-level client whose own small response parser
// is independent of the codec under test.
import net from 'node:net';
import { IOStream } from '@tornado-ts/iostream';
import {
  HTTP1Connection,
  HTTP1ServerConnection,
  HTTPHeaders,
  type HTTP1ConnectionOptions,
  type HTTPMessageDelegate,
  type HTTPServerConnectionDelegate,
  type RequestStartLine,
  type ResponseStartLine,
} from '@tornado-ts/httputil';

const cleanups: (() => Promise<void> | void)[] = [];

/** Closes every server, client and stream opened by these helpers; call it in afterEach. */
export async function closeAll(): Promise<void> {
  const list = cleanups.splice(0);
  for (const cleanup of list.reverse()) await cleanup();
}

/** One request as a buffered delegate saw it. */
export interface ReceivedRequest {
  startLine: RequestStartLine;
  headers: HTTPHeaders;
  body: Buffer;
  chunks: Buffer[];
  connection: HTTP1Connection;
}

/** A running test server: its port and every server-side connection it made. */
export interface TestServer {
  port: number;
  connections: HTTP1ServerConnection[];
  /** Requests seen so far (buffered servers). */
  requests: ReceivedRequest[];
  /** Number of `onClose` calls from HTTP1ServerConnection. */
  closed: number;
}

/** Serves with a delegate factory: `makeDelegate(connection)` is called once per request. */
export async function serve(
  makeDelegate: (connection: HTTP1Connection, server: TestServer) => HTTPMessageDelegate,
  params?: HTTP1ConnectionOptions,
): Promise<TestServer> {
  const info: TestServer = { port: 0, connections: [], requests: [], closed: 0 };
  const serverDelegate: HTTPServerConnectionDelegate = {
    startRequest: (_serverConn, requestConn) => makeDelegate(requestConn as HTTP1Connection, info),
    onClose: () => {
      info.closed++;
    },
  };
  const server = net.createServer((socket) => {
    const stream = new IOStream(socket);
    const connection = new HTTP1ServerConnection(stream, params, { remoteIp: socket.remoteAddress ?? null, protocol: 'http' });
    info.connections.push(connection);
    connection.startServing(serverDelegate);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  info.port = (server.address() as net.AddressInfo).port;
  cleanups.push(async () => {
    for (const connection of info.connections) connection.stream.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return info;
}

/** What a buffered handler gets: the request, and helpers to answer it. */
export type Handler = (request: ReceivedRequest) => void | Promise<void>;

/** Serves with a handler called once the whole request has arrived (like HTTPServer's callback form). */
export function serveBuffered(handler: Handler, params?: HTTP1ConnectionOptions): Promise<TestServer> {
  return serve((connection, server) => {
    let startLine: RequestStartLine;
    let headers: HTTPHeaders;
    const chunks: Buffer[] = [];
    return {
      headersReceived(line, received) {
        startLine = line as RequestStartLine;
        headers = received;
      },
      dataReceived(chunk) {
        chunks.push(Buffer.from(chunk));
      },
      finish() {
        const request = { startLine, headers, body: Buffer.concat(chunks), chunks, connection };
        server.requests.push(request);
        const result = handler(request);
        if (result instanceof Promise) result.catch((error) => console.error('handler failed', error));
      },
      onConnectionClose() {},
    };
  }, params);
}

/** Answers `body` with a Content-Length (or chunked when `chunked`), status 200 unless told otherwise. */
export function respond(
  connection: HTTP1Connection,
  body: string | Buffer = 'Hello world',
  options: { code?: number; reason?: string; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<void> {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  const headers = new HTTPHeaders(options.headers ?? {});
  if (!options.chunked && !headers.has('Content-Length')) headers.set('Content-Length', String(data.length));
  const start: ResponseStartLine = { version: 'HTTP/1.1', code: options.code ?? 200, reason: options.reason ?? 'OK' };
  connection.writeHeaders(start, headers, data.length > 0 ? data : undefined);
  return connection.finish();
}

/** A response as the raw client parsed it. */
export interface RawResponse {
  version: string;
  code: number;
  reason: string;
  /** Lowercased names; every value kept. */
  headers: Map<string, string[]>;
  body: Buffer;
  /** The head exactly as received (latin1). */
  head: string;
  /** Trailer lines of a chunked body, raw. */
  trailers: string[];
}

/** A client speaking raw bytes over one TCP connection, with its own minimal response parser. */
export class RawClient {
  readonly socket: net.Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #ended = false;
  #wake: (() => void) | null = null;
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#notify();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.#ended = true;
        this.#notify();
        resolve();
      });
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    const client = new RawClient(socket);
    cleanups.push(() => {
      socket.destroy();
    });
    return client;
  }

  /** True once the server closed (or reset) the connection. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes received and not yet parsed. */
  get pending(): Buffer {
    return this.#buffer;
  }

  /** Writes a string (latin1: one char per byte) or bytes. */
  write(data: string | Buffer): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** Reads one response; `noBody` for answers to HEAD (or 1xx/204/304, which never have one). */
  async readResponse(options: { noBody?: boolean } = {}): Promise<RawResponse> {
    const headEnd = await this.#waitFor((buf) => {
      const i = buf.indexOf('\r\n\r\n');
      return i < 0 ? -1 : i + 4;
    });
    const head = this.#take(headEnd).toString('latin1');
    const lines = head.slice(0, -4).split('\r\n');
    const match = /^(HTTP\/1\.[01]) (\d{3}) ?(.*)$/.exec(lines[0]);
    if (match === null) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
    const headers = new Map<string, string[]>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const list = headers.get(name) ?? [];
      list.push(line.slice(colon + 1).trim());
      headers.set(name, list);
    }
    const code = Number(match[2]);
    const response: RawResponse = { version: match[1], code, reason: match[3], headers, body: Buffer.alloc(0), head, trailers: [] };
    if (options.noBody || (code >= 100 && code < 200) || code === 204 || code === 304) return response;
    const te = headers.get('transfer-encoding');
    const cl = headers.get('content-length');
    if (te !== undefined) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = await this.#waitFor((buf) => {
          const i = buf.indexOf('\r\n');
          return i < 0 ? -1 : i + 2;
        });
        const size = parseInt(this.#take(lineEnd).toString('latin1'), 16);
        if (size === 0) break;
        await this.#waitFor((buf) => (buf.length >= size + 2 ? size + 2 : -1));
        parts.push(this.#take(size + 2).subarray(0, size));
      }
      for (;;) {
        const lineEnd = await this.#waitFor((buf) => {
          const i = buf.indexOf('\r\n');
          return i < 0 ? -1 : i + 2;
        });
        const line = this.#take(lineEnd).toString('latin1', 0, lineEnd - 2);
        if (line === '') break;
        response.trailers.push(line);
      }
      response.body = Buffer.concat(parts);
    } else if (cl !== undefined) {
      const length = Number(cl[0]);
      await this.#waitFor((buf) => (buf.length >= length ? length : -1));
      response.body = this.#take(length);
    } else {
      response.body = await this.readUntilClose();
    }
    return response;
  }

  /** Everything until the server closes. */
  async readUntilClose(): Promise<Buffer> {
    await this.closed;
    return this.#take(this.#buffer.length);
  }

  /** Resolves true when the server closes within `ms`, false otherwise. */
  async closesWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const result = await Promise.race([this.closed.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  close(): void {
    this.socket.destroy();
  }

  #take(n: number): Buffer {
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Waits until `probe(buffer)` returns an index >= 0; rejects if the connection ends first. */
  async #waitFor(probe: (buffer: Buffer) => number): Promise<number> {
    for (;;) {
      const at = probe(this.#buffer);
      if (at >= 0) return at;
      if (this.#ended) throw new Error(`connection closed; unparsed: ${JSON.stringify(this.#buffer.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

/** Header value helper: the first value of `name` (lowercase) or undefined. */
export function header(response: RawResponse, name: string): string | undefined {
  return response.headers.get(name)?.[0];
}

/** A raw request: `lines` joined with CRLF, then a blank line, then `body`. */
export function request(lines: string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Sleeps `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
