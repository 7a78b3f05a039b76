// Shared helpers: scripted raw servers (hostile or exact peers), tracked clients and servers.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { ResourceTracker } from '@tornado-ts/test-utils';
import { SimpleAsyncHTTPClient, type SimpleAsyncHTTPClientOptions } from '../src/index';

const fixtures = new URL('./fixtures/', import.meta.url);
/** The self-signed test certificate (CN=localhost, SAN DNS:localhost and IP:127.0.0.1) and its key. */
export const certificate = readFileSync(new URL('test.crt', fixtures));
export const privateKey = readFileSync(new URL('test.key', fixtures));

/** `track(thing)` registers a server, client, stream or socket; `closeAll()` (in afterEach) closes them. */
export const { track, closeAll } = new ResourceTracker();

/** A tracked client. */
export function newClient(options?: SimpleAsyncHTTPClientOptions): SimpleAsyncHTTPClient {
  return track(new SimpleAsyncHTTPClient(options));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One request as a raw server received it (head and, when framed, body), and its connection's index. */
export interface ReceivedRequest {
  text: string;
  connection: number;
}

export interface RawServer {
  port: number;
  url(path?: string): string;
  /** Every complete request received, in order. */
  received: ReceivedRequest[];
  /** Connections accepted so far. */
  connections(): number;
  /** The server-side sockets, in accept order. */
  sockets: net.Socket[];
}

/**
 * A net server that answers each complete request with `answer(request, index, socket)`: bytes to
 * write (string in latin1, or Buffer), or null to write nothing. `closeAfter` ends the connection
 * after each answer.
 */
export async function rawServer(
  answer: (request: string, index: number, socket: net.Socket) => string | Buffer | null | Promise<string | Buffer | null>,
  options: { closeAfter?: boolean; onExpect?: (head: string, socket: net.Socket) => void } = {},
): Promise<RawServer> {
  const received: ReceivedRequest[] = [];
  const sockets: net.Socket[] = [];
  let index = 0;
  const server = net.createServer((socket) => {
    const connection = sockets.length;
    sockets.push(socket);
    track(socket);
    let data = '';
    let busy = Promise.resolve();
    let expectSeenAt = -1;
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      for (;;) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = data.slice(0, end + 4);
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        let total = end + 4 + (length ? Number(length[1]) : 0);
        const chunked = /\r\ntransfer-encoding: *chunked/i.test(head);
        if (chunked) {
          const last = data.indexOf('0\r\n\r\n', end + 4);
          total = last < 0 ? Infinity : last + 5;
        }
        if (data.length < total && options.onExpect && /\r\nexpect: *100-continue/i.test(head) && expectSeenAt !== index) {
          // The body waits for our word: onExpect says 100 Continue, or answers at once.
          expectSeenAt = index;
          options.onExpect(head, socket);
        }
        if (data.length < total) return;
        const text = data.slice(0, total);
        data = data.slice(total);
        received.push({ text, connection });
        const i = index++;
        busy = busy.then(async () => {
          const response = await answer(text, i, socket);
          if (response !== null && !socket.destroyed) socket.write(typeof response === 'string' ? Buffer.from(response, 'latin1') : response);
          if (options.closeAfter) socket.end();
        });
      }
    });
  });
  track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, url: (path = '/') => `http://127.0.0.1:${port}${path}`, received, connections: () => sockets.length, sockets };
}

/** A plain `200 OK` with `body` and Content-Length (and extra header lines). */
export function ok(body = 'ok', extra = ''): string {
  return `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n${extra}\r\n${body}`;
}
