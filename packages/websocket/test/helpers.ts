import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Application, type ApplicationSettingsInput } from '@tornado-ts/web';
import { ResourceTracker } from '@tornado-ts/test-utils';
import { websocketConnect, type WebSocketClientConnection, type WebSocketConnectOptions } from '../src/index';

/** `track(thing)` registers a server, socket or connection; `closeAll()` (in afterEach) closes them all. */
export const { track, closeAll } = new ResourceTracker();

/** A running application: its port and URLs. */
export interface TestApp {
  readonly port: number;
  url(path: string, scheme?: 'ws' | 'http'): string;
  connect(path: string, options?: WebSocketConnectOptions): Promise<WebSocketClientConnection>;
}

/** The HTTP server options `app.listen` takes. */
type ServerOptions = Parameters<Application['listen']>[2];

/** The routes `new Application` takes. */
export type Routes = ConstructorParameters<typeof Application>[0];

/** Serves `routes` on a free port of 127.0.0.1 (stopped by `closeAll()`). */
export async function startApp(routes: Routes, settings: ApplicationSettingsInput = {}, serverOptions?: ServerOptions): Promise<TestApp> {
  const app = new Application(routes, { logFunction: () => {}, ...settings }); // no access log lines in test output
  const server = track(await app.listen(0, '127.0.0.1', serverOptions));
  const port = server.port as number;
  const url = (path: string, scheme: 'ws' | 'http' = 'ws') => `${scheme}://127.0.0.1:${port}${path}`;
  return {
    port,
    url,
    connect: async (path, options) => track(await websocketConnect(url(path), options)),
  };
}

/** A promise with its resolve function outside (for "this callback ran" in tests). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A valid Sec-WebSocket-Key. */
export const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** The request head of a WebSocket upgrade to `path`, with `extra` header lines. */
export function upgradeRequest(port: number, path: string, extra: string[] = []): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${SAMPLE_KEY}`,
    'Sec-WebSocket-Version: 13',
    ...extra,
    '',
    '',
  ].join('\r\n');
}

/** One frame as a raw client must send it: FIN set, masked with `mask` (random by default). */
export function clientFrame(opcode: number, payload: Buffer, options: { mask?: Buffer; rsv1?: boolean; fin?: boolean } = {}): Buffer {
  const mask = options.mask ?? randomBytes(4);
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const head = Buffer.alloc(2 + lengthBytes + 4);
  head[0] = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | opcode;
  if (lengthBytes === 0) head[1] = 0x80 | length;
  else if (lengthBytes === 2) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  mask.copy(head, 2 + lengthBytes);
  const masked = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([head, masked]);
}

/** A frame read from the server (servers never mask). */
export interface ServerFrame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  payload: Buffer;
}

/** A hand-driven client over a plain TCP socket: sends raw bytes, reads the 101 head and server frames. */
export class RawClient {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(track(socket));
  }

  /** Opens a connection and completes an upgrade to `path`; returns the client and the 101 head. */
  static async upgrade(port: number, path: string, extra: string[] = []): Promise<{ client: RawClient; head: string }> {
    const client = await RawClient.open(port);
    client.send(upgradeRequest(port, path, extra));
    const head = await client.readHead();
    return { client, head };
  }

  /** From now on drops whatever arrives (for tests that only need the server's writes to drain). */
  discardIncoming(): void {
    this.socket.removeAllListeners('data');
    this.socket.on('data', () => {});
    this.#buffer = Buffer.alloc(0);
  }

  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Reads through the blank line that ends an HTTP head. */
  async readHead(): Promise<string> {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.#buffer.subarray(0, end).toString('latin1');
        this.#buffer = this.#buffer.subarray(end + 4);
        return head;
      }
      await this.#more('an HTTP head');
    }
  }

  /** Reads one server frame. */
  async readFrame(): Promise<ServerFrame> {
    for (;;) {
      const frame = this.#parseFrame();
      if (frame !== null) return frame;
      await this.#more('a frame');
    }
  }

  /** Everything until the server closes the connection. */
  async readUntilClose(): Promise<Buffer> {
    while (!this.#ended) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.#buffer;
  }

  get ended(): boolean {
    return this.#ended;
  }

  #parseFrame(): ServerFrame | null {
    const buffer = this.#buffer;
    if (buffer.length < 2) return null;
    let length = buffer[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buffer.length < 4) return null;
      length = buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return null;
      length = Number(buffer.readBigUInt64BE(2));
      offset = 10;
    }
    if (buffer.length < offset + length) return null;
    const frame = {
      fin: (buffer[0] & 0x80) !== 0,
      rsv1: (buffer[0] & 0x40) !== 0,
      opcode: buffer[0] & 0x0f,
      payload: Buffer.from(buffer.subarray(offset, offset + length)),
    };
    this.#buffer = buffer.subarray(offset + length);
    return frame;
  }

  async #more(what: string): Promise<void> {
    if (this.#ended) throw new Error(`connection closed while waiting for ${what}`);
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
