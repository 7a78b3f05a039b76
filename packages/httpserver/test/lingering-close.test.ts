// A request refused before its body was read (413, or an early answer) ends in a lingering close:
// the server drains what the client still sends, so a client that writes its whole body before
// reading (Python's urllib, node:http) reads the answer instead of a broken pipe or a reset.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { genLog } from '@tornado-ts/ioloop';
import { HTTPHeaders, type HTTPConnection, type HTTPMessageDelegate, type HTTPServerConnectionDelegate } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, hello, rawFetch, recordLog, serve, track } from './helpers';

afterEach(closeAll);

const BODY = Buffer.alloc(8 << 20, 0x61);

/** Sends a POST with BODY on a raw socket without reading, then reads everything the server says. */
async function postWithoutReading(port: number): Promise<{ answer: string; errors: string[] }> {
  const socket = track(net.connect(port, '127.0.0.1'));
  socket.pause();
  const errors: string[] = [];
  socket.on('error', (error: NodeJS.ErrnoException) => errors.push(String(error.code)));
  await new Promise((resolve) => socket.once('connect', resolve));
  await new Promise<void>((resolve) => {
    socket.write(`POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: ${BODY.length}\r\n\r\n`);
    socket.write(BODY, () => resolve());
    socket.once('close', () => resolve());
  });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
    socket.resume();
  });
  socket.end();
  return { answer: Buffer.concat(chunks).toString('latin1'), errors };
}

/** A server delegate that answers 401 from headersReceived, before any of the body is read. */
const refuseEarly: HTTPServerConnectionDelegate = {
  startRequest(_server: object, connection: HTTPConnection): HTTPMessageDelegate {
    return {
      headersReceived() {
        const body = Buffer.from('no');
        void connection.writeHeaders({ version: 'HTTP/1.1', code: 401, reason: 'Unauthorized' }, new HTTPHeaders({ 'Content-Length': '2' }), body);
        void connection.finish();
      },
      dataReceived() {},
      finish() {},
      onConnectionClose() {},
    };
  },
  onClose() {},
};

describe('lingering close after a refused request body', () => {
  it('a client writing 8 MiB over maxBodySize before reading gets the 413, with no reset; the server goes on', async () => {
    const server = await serve(hello, { maxBodySize: 1024 });
    await recordLog(genLog, async () => {
      const { answer, errors } = await postWithoutReading(server.port);
      expect(errors).toEqual([]);
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    });
    expect((await rawFetch(server.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).code).toBe(200);
  });

  it('an answer given before the body was read reaches a client still sending it', async () => {
    const server = await serve(refuseEarly);
    const { answer, errors } = await postWithoutReading(server.port);
    expect(errors).toEqual([]);
    expect(answer).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(answer.endsWith('\r\n\r\nno')).toBe(true);
  });

  it('keeps serving while ten refused clients go on sending, and lets each go once it stops', async () => {
    const server = await serve(hello, { maxBodySize: 1024 });
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    await recordLog(genLog, async () => {
      const flooders = await Promise.all(
        Array.from({ length: 10 }, async () => {
          // Half open: they go on sending after the server's end of stream, as a hostile client would.
          const socket = track(net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true }));
          socket.on('error', () => {});
          await new Promise((resolve) => socket.once('connect', resolve));
          socket.write(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999\r\n\r\n`);
          const timer = setInterval(() => socket.writableLength < 1 << 20 && socket.write(chunk), 1);
          return { socket, timer };
        }),
      );
      try {
        for (let i = 0; i < 20; i++) {
          const answer = await rawFetch(server.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
          expect(answer.code).toBe(200);
        }
        expect(server.connectionCount).toBeGreaterThanOrEqual(10);
      } finally {
        for (const { socket, timer } of flooders) {
          clearInterval(timer);
          socket.end();
        }
      }
      // Each flooder has ended its side: the server closes them long before the 5 s bound.
      const started = Date.now();
      while (server.connectionCount > 0 && Date.now() - started < 2000) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(server.connectionCount).toBe(0);
    });
  });

  it('node:http sees the 413 and no error', async () => {
    const server = await serve(hello, { maxBodySize: 1024 });
    await recordLog(genLog, async () => {
      const outcome = await new Promise<string>((resolve) => {
        const request = http.request({ port: server.port, host: '127.0.0.1', method: 'POST', headers: { 'Content-Length': BODY.length } });
        let status = '';
        request.on('response', (response) => {
          status = String(response.statusCode);
          response.resume();
          response.on('end', () => setTimeout(() => resolve(status), 20));
        });
        request.on('error', (error: NodeJS.ErrnoException) => resolve(`${status} error ${error.code}`));
        request.end(BODY);
      });
      expect(outcome).toBe('413');
    });
  });

  it("Python's urllib, which sends the whole body before reading, gets HTTPError 413 rather than a broken pipe", async () => {
    const server = await serve(hello, { maxBodySize: 1024 });
    const script = [
      'import sys, urllib.request, urllib.error',
      'request = urllib.request.Request(sys.argv[1], data=b"x" * (8 << 20), method="POST")',
      'try:',
      '    urllib.request.urlopen(request, timeout=10)',
      '    print("no error")',
      'except urllib.error.HTTPError as error:',
      '    print("HTTPError", error.code)',
      'except Exception as error:',
      '    print(type(error).__name__, error)',
    ].join('\n');
    await recordLog(genLog, async () => {
      const printed = await new Promise<string>((resolve, reject) => {
        const child = spawn('/usr/bin/python3', ['-c', script, `http://127.0.0.1:${server.port}/upload`], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.once('error', reject);
        child.once('exit', () => resolve(out.trim()));
      });
      expect(printed).toBe('HTTPError 413');
    });
  });
});
