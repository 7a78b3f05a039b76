// A very large streamed upload through a `streamRequestBody` handler whose async dataReceived is
// slow: the connection must stop reading while dataReceived's promise is pending, so memory stays
// bounded however large the body. The client generates the body on the fly over a raw socket.
import net from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { Application, RequestHandler, streamRequestBody } from '../src/index';
import { closeAll, muteAccessLog, startServer } from './helpers';

const TOTAL = Number(process.env.WEB_UPLOAD_BYTES ?? 1024 * 1024 * 1024);
const PIECE = Buffer.alloc(64 * 1024, 'x');

muteAccessLog();
afterEach(closeAll);

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a PUT of `total` bytes with Content-Length, honouring socket backpressure; resolves with the response text. */
function upload(port: number, total: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => (response += data));
    socket.on('end', () => resolve(response));
    socket.on('error', reject);
    socket.once('connect', async () => {
      socket.write(`PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\n`);
      let sent = 0;
      while (sent < total) {
        const piece = total - sent >= PIECE.length ? PIECE : PIECE.subarray(0, total - sent);
        sent += piece.length;
        if (!socket.write(piece)) await new Promise((drained) => socket.once('drain', drained));
      }
    });
  });
}

test(`a ${TOTAL / 1024 / 1024} MiB upload streams through a slow async dataReceived with bounded memory`, async () => {
  let peakRss = 0;
  let peakArrayBuffers = 0;
  let chunks = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakArrayBuffers = Math.max(peakArrayBuffers, usage.arrayBuffers);
  };

  @streamRequestBody
  class Upload extends RequestHandler {
    received = 0;
    override prepare() {
      // Streaming handlers choose their own limit (the server default is far smaller).
      this.request.connection?.setMaxBodySize(TOTAL);
    }
    /** The sink takes one chunk at a time (like a file write): without backpressure, waiting chunks would pile up here. */
    #sinkBusy: Promise<void> = Promise.resolve();
    async dataReceived(chunk: Buffer) {
      const previous = this.#sinkBusy;
      let release!: () => void;
      this.#sinkBusy = new Promise((resolve) => (release = resolve));
      await previous;
      this.received += chunk.length;
      chunks++;
      // Slow consumer: yields on every chunk and stalls every 8 chunks (about 200 MiB/s at best).
      await nextTick();
      if (chunks % 8 === 0) {
        if (chunks % 512 === 0) sample();
        await sleep(2);
      }
      release();
    }
    put() {
      this.write({ received: this.received });
    }
  }

  global.gc?.();
  const baseline = process.memoryUsage();
  const { port } = await startServer(new Application([['/upload', Upload]]));
  const started = performance.now();
  const response = await upload(port, TOTAL);
  const seconds = (performance.now() - started) / 1000;
  sample();

  expect(response.slice(0, 200)).toMatch(/^HTTP\/1\.1 200 OK/);
  expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toEqual({ received: TOTAL });
  const rssGrowth = peakRss - baseline.rss;
  const bufferGrowth = peakArrayBuffers - baseline.arrayBuffers;
  console.log(`upload: ${(TOTAL / 1024 / 1024).toFixed(0)} MiB in ${seconds.toFixed(1)} s (${(TOTAL / 1024 / 1024 / seconds).toFixed(0)} MiB/s), ${chunks} chunks; peak growth rss ${(rssGrowth / 1024 / 1024).toFixed(1)} MiB, arrayBuffers ${(bufferGrowth / 1024 / 1024).toFixed(1)} MiB`);
  // Client and server share this process: both buffers together stay far below the body size.
  expect(bufferGrowth).toBeLessThan(64 * 1024 * 1024);
  expect(rssGrowth).toBeLessThan(200 * 1024 * 1024);
}, 60_000);
