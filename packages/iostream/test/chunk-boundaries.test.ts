import { PassThrough } from 'node:stream';
import { BaseIOStream } from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, track } from './helpers';

/**
 * An in-memory stream whose every `feed` arrives as exactly one chunk, so reads can be tested
 * against inputs cut at chosen byte positions (a real socket may merge writes).
 */
function memoryStream(): { stream: BaseIOStream<PassThrough>; feed(bytes: Buffer | string): void } {
  const duplex = new PassThrough();
  const stream = track(new BaseIOStream(duplex));
  return { stream, feed: (bytes) => duplex.write(bytes) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Feeds `message` cut at `cuts`, one chunk per event-loop turn. */
async function feedCut(feed: (bytes: string) => void, message: string, cuts: number[]): Promise<void> {
  let start = 0;
  for (const cut of [...cuts, message.length]) {
    feed(message.slice(start, cut));
    start = cut;
    await tick();
  }
}

describe('reads over input cut at every byte boundary', () => {
  afterEach(closeAll);

  const message = 'POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody';
  const headEnd = message.indexOf('\r\n\r\n') + 4;
  const cutPairs: number[][] = [];
  for (let i = 1; i < message.length; i++) {
    cutPairs.push([i]);
    for (let j = i + 1; j < message.length; j += 7) cutPairs.push([i, j]);
  }

  const headReads: [string, (stream: BaseIOStream) => Promise<Buffer>][] = [
    ['readUntil', (stream) => stream.readUntil('\r\n\r\n', { maxBytes: 1000 })],
    ['readUntilRegex', (stream) => stream.readUntilRegex(/\r?\n\r?\n/g, { maxBytes: 1000 })],
    ['readBytes', (stream) => stream.readBytes(headEnd)],
  ];
  for (const [name, readHead] of headReads) {
    it(`${name}, then readInto`, async () => {
      const { stream, feed } = memoryStream();
      for (const cuts of cutPairs) {
        const reading = readHead(stream);
        await feedCut(feed, message, cuts);
        expect((await reading).toString()).toBe(message.slice(0, headEnd));
        const body = Buffer.alloc(4);
        expect(await stream.readInto(body)).toBe(4);
        expect(body.toString()).toBe('body');
      }
    });
  }

  it('readUntil when the whole message is already buffered, in any cut', async () => {
    const { stream, feed } = memoryStream();
    for (const cuts of cutPairs) {
      await feedCut(feed, message, cuts);
      expect((await stream.readUntil('\r\n\r\n')).toString()).toBe(message.slice(0, headEnd));
      expect((await stream.readUntil('body')).toString()).toBe('body');
    }
  });
});

describe('reads over many tiny chunks stay linear', () => {
  afterEach(closeAll);

  it('readUntil over 4 MB arriving in 1 to 16 byte chunks', async () => {
    const { stream, feed } = memoryStream();
    const size = 4 * 1024 * 1024;
    const piece = Buffer.alloc(16, 'a');
    const started = performance.now();
    const reading = stream.readUntil('\r\n\r\n');
    for (let total = 0, step = 1; total < size; total += step, step = (step % 16) + 1) {
      feed(piece.subarray(0, step));
      if (total % 65536 < step) await tick();
    }
    feed('\r\n\r\n');
    const result = await reading;
    expect(result.length).toBeGreaterThanOrEqual(size + 4);
    expect(result.subarray(-4).toString()).toBe('\r\n\r\n');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('readUntilRegex over 1 MB arriving in 1 to 16 byte chunks', async () => {
    const { stream, feed } = memoryStream();
    const size = 1024 * 1024;
    const piece = Buffer.alloc(16, 'a');
    const started = performance.now();
    const reading = stream.readUntilRegex(/\r?\n\r?\n/);
    for (let total = 0, step = 1; total < size; total += step, step = (step % 16) + 1) {
      feed(piece.subarray(0, step));
      if (total % 65536 < step) await tick();
    }
    feed('\n\n');
    expect((await reading).subarray(-2).toString()).toBe('\n\n');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
